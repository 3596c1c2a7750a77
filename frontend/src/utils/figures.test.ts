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
  rankingRows,
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

function department(key: string, name: string, rate: number | null, overdue: number, rank: number | null = null): DepartmentRow {
  return {
    key, name, rank, kind: 'department',
    metrics: { transferred: 3, replied: 2, on_time: 1, late: 1, on_time_rate: rate, returned: 0, open_overdue: overdue,
      supervised: 0, supervision_closed: 0, supervision_on_time: 0, sign_due: 0, signed_in_time: 0, sign_rate: null, parts_overdue: 0 },
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

describe('charts', () => {
  it('draws each department’s on-time rate (percent, gaps for none) and open overdue parts, first rank on top', () => {
    const rows = [department('tax', '县税务局', 0.9, 0, 1), department('land', '县自然资源和规划局', null, 2)]
    const { option, label, height } = departmentChart(zh, rows)
    const yAxis = option.yAxis as { data: string[]; inverse: boolean }
    expect(yAxis.data).toEqual(['县税务局', '县自然资源和规划局'])
    expect(yAxis.inverse).toBe(true)
    const series = option.series as { name: string; type: string; data: (number | null)[] }[]
    expect(series.map((s) => [s.name, s.type])).toEqual([['按时答复率', 'bar'], ['当前超期未办', 'bar']])
    expect(series[0].data).toEqual([90, null])
    expect(series[1].data).toEqual([0, 2])
    expect(label).toBe(
      '柱状图:各部门按时答复率与当前超期未办件数。县税务局,按时答复率 90.0%,当前超期未办 0 件;县自然资源和规划局,按时答复率 —,当前超期未办 2 件',
    )
    expect(height).toBeGreaterThanOrEqual(200)
    expect(departmentChart(zh, Array.from({ length: 12 }, (_, i) => department(`d${i}`, `部门${i}`, 1, 0))).height).toBeGreaterThan(height)
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
