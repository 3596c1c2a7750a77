import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'

import common from '@/i18n/messages/common'
import reports from '@/i18n/messages/reports'
import {
  departmentChart,
  headlines,
  metricText,
  percent,
  periodLabel,
  processFigures,
  rankingRows,
  townUnits,
  trendChart,
  unitName,
  type DepartmentRow,
  type Metrics,
  type Translate,
  type TrendPoint,
} from './figures'

function translator(locale: 'zh-CN' | 'en'): Translate {
  const i18n = createI18n({
    legacy: false,
    locale,
    messages: { 'zh-CN': { common: common.zh, reports: reports.zh }, en: { common: common.en, reports: reports.en } },
  })
  return i18n.global.t as unknown as Translate
}
const zh = translator('zh-CN')
const en = translator('en')

function metrics(over: Partial<Metrics> = {}): Metrics {
  return {
    received: 0, replied: 0, due: 0, on_time: 0, missed: 0, on_time_rate: null, open_overdue: 0, replied_late: 0,
    escalated_1: 0, escalated_2: 0, confirmed: 0, resolved: 0, resolved_rate: null, rated: 0, satisfied: 0,
    satisfaction_rate: null, reopened: 0, reopened_rate: null, auto_closed: 0, answered_on_call: 0, direct_rate: null, repeat_calls: 0, merged: 0, voided: 0, withdrawn: 0, supplements: 0, avg_working_days: null, sign_due: 0, signed_in_time: 0, sign_rate: null, paused: 0, pauses_ended: 0, paused_working_days: 0, avg_paused_working_days: null, pause_expired: 0, ...over,
  }
}

function department(
  key: string, name: string, rate: number | null, overdue: number, rank: number | null = null,
  over: Partial<DepartmentRow['metrics']> = {}, kind: DepartmentRow['kind'] = 'department',
): DepartmentRow {
  return {
    key, name, rank, kind,
    metrics: { transferred: 3, replied: 2, on_time: 1, late: 1, on_time_rate: rate, returned: 0, open_overdue: overdue,
      supervised: 0, supervision_closed: 0, supervision_on_time: 0, sign_due: 0, signed_in_time: 0, sign_rate: null, parts_overdue: 0, ...over },
  }
}

describe('values', () => {
  it('shows rates as percentages with one decimal, and a dash without a denominator', () => {
    expect(percent(0.5)).toBe('50.0%')
    expect(percent(0.8333)).toBe('83.3%')
    expect(percent(1)).toBe('100.0%')
    expect(percent(null)).toBe('—')
    expect(metricText('resolved_rate', 0.25)).toBe('25.0%')
    expect(metricText('avg_working_days', 3)).toBe('3.00')
    expect(metricText('received', 12)).toBe('12')
    expect(metricText('on_time_rate', null)).toBe('—')
  })

  it('names a month or a run of days in the reader’s language', () => {
    expect(periodLabel(zh, { from: '2026-03-01', to: '2026-03-31', month: '2026-03' })).toBe('2026年3月')
    expect(periodLabel(en, { from: '2026-03-01', to: '2026-03-31', month: '2026-03' })).toBe('2026-03')
    expect(periodLabel(zh, { from: '2026-10-01', to: '2026-10-15', month: null })).toBe('2026年10月1日至2026年10月15日')
    expect(periodLabel(en, { from: '2026-10-01', to: '2026-10-15', month: null })).toBe('2026-10-01 to 2026-10-15')
  })

  it('translates unit codes and keeps people’s names', () => {
    expect(unitName(zh, 'size_class', { key: 'designated', name: '规上' })).toBe('规上')
    expect(unitName(en, 'size_class', { key: 'unregistered', name: '未登记企业' })).toBe('Unregistered callers')
    expect(unitName(en, 'channel', { key: 'hotline_12345', name: '12345 热线' })).toBe('12345 hotline')
    expect(unitName(en, 'category', { key: 'land', name: '用地' })).toBe('Land')
    expect(unitName(en, 'commissioner', { key: 'triage', name: '服务中心分办' })).toBe('Service centre triage')
    expect(unitName(en, 'commissioner', { key: 'c-1', name: '顾晓燕' })).toBe('顾晓燕')
  })

  it('turns a notice’s ranking rows into table rows', () => {
    const [row] = rankingRows([{ key: 'c-1', name: '顾晓燕', rank: 1, ...metrics({ received: 7, on_time_rate: 0.9 }) }])
    expect(row).toMatchObject({ key: 'c-1', name: '顾晓燕', rank: 1 })
    expect(row.metrics.received).toBe(7)
    expect(row.metrics.on_time_rate).toBe(0.9)
    expect('rank' in row.metrics).toBe(false)
  })
})

describe('headline cards', () => {
  const totals = metrics({
    received: 52, replied: 48, due: 40, on_time: 34, on_time_rate: 0.85, open_overdue: 3, replied_late: 2,
    escalated_1: 4, escalated_2: 1, confirmed: 30, resolved: 27, resolved_rate: 0.9, rated: 28, satisfied: 25,
    satisfaction_rate: 0.8929,
  })

  it('gives each card its value, detail and change, good or bad by the figure’s direction', () => {
    const change = { received: 6, on_time_rate: 0.05, open_overdue: 2, satisfaction_rate: -0.012, resolved_rate: 0, escalated_1: -1, escalated_2: 0 }
    const cards = headlines(zh, { totals, previous: metrics(), change })
    const by = Object.fromEntries(cards.map((c) => [c.key, c]))
    expect(cards.map((c) => c.key)).toEqual(['received', 'on_time_rate', 'open_overdue', 'satisfaction_rate', 'resolved_rate', 'escalated'])
    expect(by.received).toMatchObject({ label: '受理', value: '52', change: '较上期上升 6', tone: 'neutral' })
    expect(by.on_time_rate).toMatchObject({ label: '按时答复率', value: '85.0%', detail: '按时 34 / 应答复 40', change: '较上期上升 5.0 个百分点', tone: 'good' })
    expect(by.open_overdue).toMatchObject({ label: '超期未答复', value: '3', detail: '超期答复 2', change: '较上期上升 2', tone: 'bad' })
    expect(by.satisfaction_rate).toMatchObject({ value: '89.3%', change: '较上期下降 1.2 个百分点', tone: 'bad' })
    expect(by.resolved_rate).toMatchObject({ value: '90.0%', change: '与上期持平', tone: 'neutral' })
    expect(by.escalated).toMatchObject({ value: '5', detail: '升级服务中心 4 · 提交会办 1', change: '较上期下降 1', tone: 'good' })
  })

  it('says when there is no previous period, or no rate to compare with', () => {
    const none = headlines(zh, { totals, previous: null, change: {} })
    expect(none.every((c) => c.change === '无上期数据' && c.tone === 'neutral')).toBe(true)
    const noRate = headlines(en, { totals, previous: metrics(), change: { received: 0, on_time_rate: null } })
    expect(noRate[0].change).toBe('Same as the previous period')
    expect(noRate[1].change).toBe('Nothing to compare with')
  })
})

describe('towns and handling figures', () => {
  it('keeps the towns among the units, and names the filers’ towns that are no town', () => {
    const rows = [department('tax', '县税务局', 1, 0), department('town-juegang', '掘港街道', 1, 0, null, {}, 'town')]
    expect(townUnits(rows).map((r) => r.key)).toEqual(['town-juegang'])
    expect(unitName(zh, 'town', { key: '掘港街道', name: '掘港街道' })).toBe('掘港街道')
    expect(unitName(zh, 'town', { key: 'no_town', name: '未填写区镇' })).toBe('未填写区镇')
    expect(unitName(en, 'town', { key: 'no_town', name: '未填写区镇' })).toBe('Town not recorded')
    expect(unitName(en, 'town', { key: 'unregistered', name: '未登记企业' })).toBe('Unregistered callers')
  })

  it('says each of issue 18’s figures with its parts, by hand', () => {
    const totals = metrics({
      received: 20, answered_on_call: 3, direct_rate: 0.15, sign_due: 8, signed_in_time: 6, sign_rate: 0.75,
      paused: 2, pauses_ended: 3, paused_working_days: 7, avg_paused_working_days: 2.33, pause_expired: 1,
      repeat_calls: 4, withdrawn: 1, supplements: 5, merged: 2, voided: 1,
    })
    const departments = [
      department('tax', '县税务局', 1, 0, 1, { parts_overdue: 1, sign_due: 3, signed_in_time: 2 }),
      department('town-juegang', '掘港街道', 0.5, 1, null, { parts_overdue: 2, sign_due: 2, signed_in_time: 1 }, 'town'),
    ]
    const meetings = {
      held: [], missed: [], decided_items: 0, common_appeals: 5,
      common_items: [
        { month: '2026-10', group_id: 'CP-1', title: '园区道路', accepted_at: '2026-11-02T09:00:00+08:00', appeal_ids: ['A1', 'A2', 'A3'], enterprises: 3 },
        { month: '2026-11', group_id: 'CP-2', title: '用电增容', accepted_at: '2026-11-09T09:00:00+08:00', appeal_ids: ['A3', 'A4', 'A5'], enterprises: 3 },
      ],
    }
    const got = Object.fromEntries(processFigures(zh, { totals, departments, meetings }).map((f) => [f.key, f]))
    expect(Object.keys(got)).toEqual([
      'sign_rate', 'parts_overdue', 'paused', 'direct_rate', 'repeat_calls', 'withdrawn', 'supplements', 'merged_voided', 'common_items',
    ])
    expect(got.sign_rate).toMatchObject({ label: '签收及时率', value: '75.0%', detail: '按时签收 6 / 应签收 8' })
    expect(got.parts_overdue).toMatchObject({ label: '超期件', value: '3', detail: '期限届满未办的转办件（本期转办 6 件）' })
    expect(got.paused).toMatchObject({ label: '挂起诉求', value: '2', detail: '挂起结束 3 次，共 7 个工作日，平均 2.33；到期恢复 1 次' })
    expect(got.direct_rate).toMatchObject({ label: '直办率', value: '15.0%', detail: '直接答复 3 / 受理 20' })
    expect(got.repeat_calls).toMatchObject({ label: '重复来电', value: '4' })
    expect(got.withdrawn).toMatchObject({ label: '企业撤回', value: '1' })
    expect(got.supplements).toMatchObject({ label: '补充材料', value: '5' })
    expect(got.merged_voided).toMatchObject({ label: '合并／无效', value: '3', detail: '合并重复诉求 2，无效工单 1' })
    expect(got.common_items).toMatchObject({ label: '共性诉求议题', value: '2', detail: '本期采纳，涉及诉求 5 件' })
    const none = Object.fromEntries(processFigures(en, { totals: metrics(), departments: [], meetings: { held: [], missed: [], decided_items: 0, common_items: [], common_appeals: 0 } }).map((f) => [f.key, f]))
    expect(none.sign_rate.value).toBe('—')
    expect(none.paused.detail).toBe('0 pauses ended, 0 working days, mean —; 0 ended at the limit')
    expect(none.common_items.value).toBe('0')
  })
})

describe('charts', () => {
  it('draws each unit’s on-time and sign-for rates on one 0–100 % axis (gaps for none), first rank on top', () => {
    const rows = [
      department('tax', '县税务局', 0.9, 0, 1, { sign_rate: 0.75 }),
      department('town-juegang', '掘港街道', null, 2, null, { sign_rate: 0.5 }, 'town'),
    ]
    const { option, label, height } = departmentChart(zh, rows)
    const yAxis = option.yAxis as { data: string[]; inverse: boolean; axisLabel: { fontSize: number } }
    expect(yAxis.data).toEqual(['县税务局', '掘港街道'])
    expect(yAxis.inverse).toBe(true)
    // one x-axis, from 0 to 100 %, its labels 12 px at least (issue 19)
    const xAxis = option.xAxis as { type: string; min: number; max: number; axisLabel: { fontSize: number; formatter: string } }
    expect(Array.isArray(option.xAxis)).toBe(false)
    expect([xAxis.type, xAxis.min, xAxis.max, xAxis.axisLabel.formatter]).toEqual(['value', 0, 100, '{value}%'])
    expect(xAxis.axisLabel.fontSize).toBeGreaterThanOrEqual(12)
    expect(yAxis.axisLabel.fontSize).toBeGreaterThanOrEqual(12)
    const series = option.series as { name: string; type: string; data: (number | null)[] }[]
    expect(series.map((s) => [s.name, s.type])).toEqual([['按时答复率', 'bar'], ['签收及时率', 'bar']])
    expect(series[0].data).toEqual([90, null])
    expect(series[1].data).toEqual([75, 50])
    expect(label).toBe(
      '柱状图：各部门及区镇的按时答复率与签收及时率（0–100%）。县税务局，按时答复率 90.0%，签收及时率 75.0%；掘港街道，按时答复率 —，签收及时率 50.0%',
    )
    expect(height).toBeGreaterThanOrEqual(200)
    expect(departmentChart(zh, Array.from({ length: 12 }, (_, i) => department(`d${i}`, `部门${i}`, 1, 0))).height).toBeGreaterThan(height)
  })

  it('sets the charts’ text at 14 px on a phone and 12 px at least elsewhere', () => {
    const rows = [department('tax', '县税务局', 0.9, 0, 1)]
    const axes = (phone: boolean) => {
      const { option } = departmentChart(zh, rows, phone)
      const x = option.xAxis as { axisLabel: { fontSize: number } }
      const y = option.yAxis as { axisLabel: { fontSize: number } }
      return [x.axisLabel.fontSize, y.axisLabel.fontSize]
    }
    expect(axes(false)).toEqual([12, 12])
    expect(axes(true)).toEqual([14, 14])
    const points: TrendPoint[] = [{ month: '2026-09', report_id: 'R-1', totals: metrics({ received: 40 }), departments: [] }]
    for (const phone of [false, true]) {
      const { option } = trendChart(zh, points, phone)
      const sizes = [
        (option.xAxis as { axisLabel: { fontSize: number } }).axisLabel.fontSize,
        ...(option.yAxis as { axisLabel: { fontSize: number } }[]).map((y) => y.axisLabel.fontSize),
      ]
      expect(sizes).toEqual(phone ? [14, 14, 14] : [12, 12, 12])
    }
  })

  it('draws the trend month by month with received and on-time rate', () => {
    const points: TrendPoint[] = [
      { month: '2026-09', report_id: 'R-1', totals: metrics({ received: 40, on_time_rate: 0.8 }), departments: [] },
      { month: '2026-10', report_id: 'R-2', totals: metrics({ received: 52, on_time_rate: null }), departments: [] },
    ]
    const { option, label } = trendChart(en, points)
    expect((option.xAxis as { data: string[] }).data).toEqual(['2026-09', '2026-10'])
    const series = option.series as { name: string; type: string; yAxisIndex: number; data: (number | null)[] }[]
    expect(series.map((s) => [s.name, s.type, s.yAxisIndex])).toEqual([['Received', 'line', 0], ['On-time rate', 'line', 1]])
    expect(series[0].data).toEqual([40, 52])
    expect(series[1].data).toEqual([80, null])
    expect(label).toContain('2026-09: 40 received, on-time rate 80.0%; 2026-10: 52 received, on-time rate —')
  })
})
