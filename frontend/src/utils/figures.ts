// Report figures as people read them: periods, rates, changes against the previous period,
// the dashboard's headline cards and its charts' options. Pure functions over the API's
// figures (definitions: chalicelib/domain/reports.py), so each mapping is tested without a
// browser. Only ECharts' types are imported here: the library itself loads with the dashboard.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import type { ComposeOption } from 'echarts/core'

import type { Schemas } from '@/api/client'

export type Figures = Schemas['Figures']
export type Metrics = Schemas['Metrics']
export type Row = Schemas['Row']
export type DepartmentRow = Schemas['DepartmentRow']
export type Period = Schemas['Period']
export type TrendPoint = Schemas['TrendPoint']
export type NoticeItem = Schemas['NoticeItem']
export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>

/** vue-i18n's `t` as these helpers use it. */
export type Translate = (key: string, named?: Record<string, unknown>) => string

export const DIMENSIONS = ['commissioner', 'size_class', 'channel', 'category', 'town'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Figures every dimension table shows, in the workbook's order (the rest are in the XLSX). */
export const TABLE_METRICS = [
  'received',
  'replied',
  'due',
  'on_time',
  'on_time_rate',
  'open_overdue',
  'replied_late',
  'escalated_1',
  'escalated_2',
  'resolved_rate',
  'satisfaction_rate',
  'reopened_rate',
  'direct_rate',
  'repeat_calls',
  'avg_working_days',
  'sign_rate',
] as const satisfies readonly (keyof Metrics)[]

export const DEPARTMENT_METRICS = [
  'transferred',
  'replied',
  'on_time',
  'late',
  'on_time_rate',
  'returned',
  'open_overdue',
  'supervised',
  'supervision_closed',
  'supervision_on_time',
  'sign_rate',
  'parts_overdue',
] as const satisfies readonly (keyof DepartmentRow['metrics'])[]

const RATE = /_rate$/

// ---- values ----

/** A rate (0–1) as a percentage with one decimal; a rate without a denominator is a dash. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—'
  return `${(rate * 100).toFixed(1)}%`
}

/** Any figure of a table: rates as percentages, averages with two decimals, counts as is. */
export function metricText(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  if (RATE.test(name)) return percent(value)
  if (name === 'avg_working_days') return value.toFixed(2)
  return String(value)
}

// ---- periods ----

function dateParts(day: string): { y: string; m: number; mm: string; d: number; dd: string } {
  const [y, mm, dd] = day.split('-')
  return { y, m: Number(mm), mm, d: Number(dd), dd }
}

/** 2026年10月, or 2026年10月1日至2026年10月15日 (and their English forms). */
export function periodLabel(t: Translate, period: Pick<Period, 'from' | 'to' | 'month'>): string {
  if (period.month) {
    const [y, mm] = period.month.split('-')
    return t('reports.period.month', { y, m: Number(mm), mm })
  }
  return t('reports.period.range', {
    from: t('reports.period.date', dateParts(period.from)),
    to: t('reports.period.date', dateParts(period.to)),
  })
}

/** A month (YYYY-MM) as a label. */
export function monthLabel(t: Translate, month: string): string {
  return periodLabel(t, { from: `${month}-01`, to: `${month}-01`, month })
}

// ---- units ----

const SIZE_CLASSES = ['above_100m', 'designated', 'small_micro', 'unregistered']
const CHANNELS = ['web', 'hotline_12345', 'hotline_center']
const CATEGORIES = ['policy', 'labor', 'land', 'financing', 'talent', 'technology', 'project', 'approval', 'other']

/** A unit's name in the reader's language: codes are translated, people's names kept. */
export function unitName(t: Translate, dimension: string, row: { key: string; name: string }): string {
  if (dimension === 'size_class' && SIZE_CLASSES.includes(row.key)) return t(`reports.sizeClass.${row.key}`)
  if (dimension === 'channel' && CHANNELS.includes(row.key)) return t(`common.channel.${row.key}`)
  if (dimension === 'category' && CATEGORIES.includes(row.key)) return t(`common.category.${row.key}`)
  if (dimension === 'commissioner' && row.key === 'triage') return t('reports.triage')
  if (dimension === 'town' && row.key === 'unregistered') return t('reports.sizeClass.unregistered')
  if (dimension === 'town' && row.key === 'no_town') return t('reports.town.none')
  return row.name
}

// ---- towns (区镇) ----

/** The units that are towns (区镇), in the department table's order. */
export function townUnits(rows: DepartmentRow[]): DepartmentRow[] {
  return rows.filter((r) => r.kind === 'town')
}

/** The figures the 区镇 table shows for each filer's town: received, replied on time of
 * those due, resolved rate and satisfaction (docs/reports.md, 企业所在区镇). */
export const TOWN_FILER_METRICS = [
  'received',
  'due',
  'on_time',
  'on_time_rate',
  'resolved_rate',
  'satisfaction_rate',
] as const satisfies readonly (keyof Metrics)[]

/** The figures the 区镇 table shows for each town as a unit: its parts, parts overdue,
 * sign-for rate and supervised items (docs/reports.md, 区镇承办). */
export const TOWN_UNIT_METRICS = [
  'transferred',
  'replied',
  'on_time_rate',
  'parts_overdue',
  'open_overdue',
  'sign_rate',
  'supervised',
] as const satisfies readonly (keyof DepartmentRow['metrics'])[]

// ---- how appeals were handled (issue 18's figures) ----

export interface ProcessFigure {
  key: string
  label: string
  value: string
  detail: string
}

/** The handling figures beside the headlines: sign-for rate, parts overdue, pauses, repeat
 * calls, withdrawals, supplements, merged and voided, the direct rate and the common-problem
 * items accepted — each as docs/reports.md defines it. */
export function processFigures(
  t: Translate,
  figures: Pick<Figures, 'totals' | 'departments' | 'meetings'>,
): ProcessFigure[] {
  const m = figures.totals
  const metric = (name: string) => t(`reports.metric.${name}`)
  const d = (key: string, named: Record<string, unknown>) => t(`reports.process.${key}`, named)
  const partsOverdue = figures.departments.reduce((n, r) => n + r.metrics.parts_overdue, 0)
  const parts = figures.departments.reduce((n, r) => n + r.metrics.transferred, 0)
  const items = figures.meetings.common_items ?? []
  return [
    { key: 'sign_rate', label: metric('sign_rate'), value: percent(m.sign_rate), detail: d('signDetail', { signed: m.signed_in_time, due: m.sign_due }) },
    { key: 'parts_overdue', label: t('reports.departmentMetric.parts_overdue'), value: String(partsOverdue), detail: d('partsDetail', { parts }) },
    {
      key: 'paused',
      label: metric('paused'),
      value: String(m.paused),
      detail: d('pausedDetail', {
        ended: m.pauses_ended,
        days: m.paused_working_days,
        mean: m.avg_paused_working_days === null || m.avg_paused_working_days === undefined ? '—' : m.avg_paused_working_days.toFixed(2),
        expired: m.pause_expired,
      }),
    },
    { key: 'direct_rate', label: metric('direct_rate'), value: percent(m.direct_rate), detail: d('directDetail', { n: m.answered_on_call, received: m.received }) },
    { key: 'repeat_calls', label: metric('repeat_calls'), value: String(m.repeat_calls), detail: d('repeatDetail', {}) },
    { key: 'withdrawn', label: metric('withdrawn'), value: String(m.withdrawn), detail: d('withdrawnDetail', {}) },
    { key: 'supplements', label: metric('supplements'), value: String(m.supplements), detail: d('supplementsDetail', {}) },
    { key: 'merged_voided', label: d('mergedVoided', {}), value: String(m.merged + m.voided), detail: d('mergedVoidedDetail', { merged: m.merged, voided: m.voided }) },
    { key: 'common_items', label: d('commonItems', {}), value: String(items.length), detail: d('commonItemsDetail', { n: figures.meetings.common_appeals ?? 0 }) },
  ]
}

/** A notice's ranking rows (`{key, name, rank, ...metrics}`) as table rows. */
export function rankingRows(rows: Record<string, unknown>[]): Row[] {
  return rows.map((r) => {
    const { key, name, rank, ...metrics } = r
    return { key: String(key), name: String(name), rank: typeof rank === 'number' ? rank : null, metrics: metrics as unknown as Metrics }
  })
}

// ---- headline cards ----

export type Tone = 'good' | 'bad' | 'neutral'

export interface Headline {
  key: string
  label: string
  value: string
  detail: string
  /** the change against the previous period, in words (or that there is nothing to compare) */
  change: string
  tone: Tone
}

/** Which way is better for a figure: up (rates), down (overdue, escalations) or neither. */
const BETTER: Record<string, 'up' | 'down' | null> = {
  received: null,
  on_time_rate: 'up',
  open_overdue: 'down',
  satisfaction_rate: 'up',
  resolved_rate: 'up',
  escalated: 'down',
}

function changeOf(
  t: Translate,
  key: string,
  delta: number | null | undefined,
  hasPrevious: boolean,
): { change: string; tone: Tone } {
  if (!hasPrevious) return { change: t('reports.dashboard.noPrevious'), tone: 'neutral' }
  if (delta === null || delta === undefined) return { change: t('reports.dashboard.noComparison'), tone: 'neutral' }
  const rate = RATE.test(key)
  const size = Math.abs(rate ? delta * 100 : delta).toFixed(rate ? 1 : 0)
  if (Number(size) === 0) return { change: t('reports.dashboard.changeSame'), tone: 'neutral' }
  const way = delta > 0 ? 'up' : 'down'
  const change = t(`reports.dashboard.change${way === 'up' ? 'Up' : 'Down'}${rate ? 'Points' : ''}`, { delta: size })
  const better = BETTER[key]
  return { change, tone: !better ? 'neutral' : way === better ? 'good' : 'bad' }
}

/** The dashboard's six cards: received, on-time rate, open overdue, satisfaction, resolved,
 * escalations — each with its change against the previous period. */
export function headlines(t: Translate, figures: Pick<Figures, 'totals' | 'previous' | 'change'>): Headline[] {
  const m = figures.totals
  const c = figures.change ?? {}
  const has = figures.previous !== null && figures.previous !== undefined
  const metric = (name: string) => t(`reports.metric.${name}`)
  const escalatedDelta =
    c.escalated_1 === undefined || c.escalated_2 === undefined || c.escalated_1 === null || c.escalated_2 === null
      ? null
      : c.escalated_1 + c.escalated_2
  return [
    {
      key: 'received',
      label: metric('received'),
      value: String(m.received),
      detail: t('reports.dashboard.receivedDetail', { n: m.replied }),
      ...changeOf(t, 'received', c.received, has),
    },
    {
      key: 'on_time_rate',
      label: metric('on_time_rate'),
      value: percent(m.on_time_rate),
      detail: t('reports.dashboard.onTimeDetail', { on_time: m.on_time, due: m.due }),
      ...changeOf(t, 'on_time_rate', c.on_time_rate, has),
    },
    {
      key: 'open_overdue',
      label: metric('open_overdue'),
      value: String(m.open_overdue),
      detail: t('reports.dashboard.overdueDetail', { n: m.replied_late }),
      ...changeOf(t, 'open_overdue', c.open_overdue, has),
    },
    {
      key: 'satisfaction_rate',
      label: metric('satisfaction_rate'),
      value: percent(m.satisfaction_rate),
      detail: t('reports.dashboard.satisfactionDetail', { satisfied: m.satisfied, rated: m.rated }),
      ...changeOf(t, 'satisfaction_rate', c.satisfaction_rate, has),
    },
    {
      key: 'resolved_rate',
      label: metric('resolved_rate'),
      value: percent(m.resolved_rate),
      detail: t('reports.dashboard.resolvedDetail', { resolved: m.resolved, confirmed: m.confirmed }),
      ...changeOf(t, 'resolved_rate', c.resolved_rate, has),
    },
    {
      key: 'escalated',
      label: t('reports.dashboard.escalated'),
      value: String(m.escalated_1 + m.escalated_2),
      detail: t('reports.dashboard.escalatedDetail', { one: m.escalated_1, two: m.escalated_2 }),
      ...changeOf(t, 'escalated', escalatedDelta, has),
    },
  ]
}

// ---- charts ----

const BLUE = '#1d4ed8'
const TEAL = '#0f766e'
const GREY = '#5c6370'
const INK = '#1f2329'

/** Chart text sizes (issue 19): axis labels at least 12 px, 14 on a phone. */
export function chartFont(phone: boolean): { axis: number; legend: number } {
  return phone ? { axis: 14, legend: 14 } : { axis: 12, legend: 13 }
}

/** Rates as percentages with one decimal for a chart (null stays a gap). */
function pct(rate: number | null | undefined): number | null {
  return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10
}

/** On-time rate and sign-for rate, one pair of bars per unit (departments and towns, in
 * rank order, the first on top), on one axis from 0 to 100 %. Parts overdue are counts: they
 * are in the table, not on this axis. ``phone``: larger text, narrower names. */
export function departmentChart(
  t: Translate,
  rows: DepartmentRow[],
  phone = false,
): { option: ChartOption; label: string; height: number } {
  const rateName = t('reports.departmentMetric.on_time_rate')
  const signName = t('reports.departmentMetric.sign_rate')
  const font = chartFont(phone)
  const pctLabel = (v: unknown) => (v === null || v === undefined || v === '-' ? '—' : `${v}%`)
  const option: ChartOption = {
    color: [BLUE, TEAL],
    animation: false, // figures, not a show: drawn at once (and still for reduced motion)
    textStyle: { fontFamily: 'inherit' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, left: 0, data: [rateName, signName], textStyle: { fontSize: font.legend, color: INK } },
    grid: { left: 8, right: phone ? 48 : 56, top: 40, bottom: 8, containLabel: true },
    xAxis: {
      type: 'value',
      min: 0,
      max: 100,
      interval: phone ? 50 : 25,
      axisLabel: { formatter: '{value}%', color: GREY, fontSize: font.axis },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.name),
      axisLabel: { width: phone ? 84 : 128, overflow: 'truncate', color: INK, fontSize: font.axis },
    },
    series: [
      {
        name: rateName,
        type: 'bar',
        barMaxWidth: 24,
        data: rows.map((r) => pct(r.metrics.on_time_rate)),
        label: { show: true, position: 'right', formatter: '{c}%', color: INK, fontSize: font.axis },
        tooltip: { valueFormatter: pctLabel },
      },
      {
        name: signName,
        type: 'bar',
        barMaxWidth: 24,
        data: rows.map((r) => pct(r.metrics.sign_rate)),
        label: { show: true, position: 'right', formatter: '{c}%', color: INK, fontSize: font.axis },
        tooltip: { valueFormatter: pctLabel },
      },
    ],
  }
  const label = t('reports.dashboard.departmentsChartLabel', {
    rows: rows
      .map((r) =>
        t('reports.dashboard.departmentsChartRow', {
          name: r.name,
          rate: percent(r.metrics.on_time_rate),
          sign: percent(r.metrics.sign_rate),
        }),
      )
      .join(t('reports.dashboard.sep')),
  })
  return { option, label, height: Math.max(200, 72 + rows.length * (phone ? 56 : 48)) }
}

/** Received and on-time rate month by month (oldest first). */
export function trendChart(t: Translate, points: TrendPoint[], phone = false): { option: ChartOption; label: string } {
  const font = chartFont(phone)
  const receivedName = t('reports.metric.received')
  const rateName = t('reports.metric.on_time_rate')
  const months = points.map((p) => monthLabel(t, p.month))
  const option: ChartOption = {
    color: [GREY, BLUE],
    animation: false, // figures, not a show: drawn at once (and still for reduced motion)
    textStyle: { fontFamily: 'inherit' },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, left: 0, data: [receivedName, rateName], textStyle: { fontSize: font.legend, color: INK } },
    grid: { left: 8, right: 8, top: 64, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months, axisLabel: { color: GREY, fontSize: font.axis } },
    yAxis: [
      {
        type: 'value',
        name: receivedName,
        minInterval: 1,
        nameTextStyle: { fontSize: font.axis, color: GREY },
        axisLabel: { color: GREY, fontSize: font.axis },
      },
      {
        type: 'value',
        name: rateName,
        min: 0,
        max: 100,
        splitLine: { show: false },
        nameTextStyle: { fontSize: font.axis, color: GREY },
        axisLabel: { formatter: '{value}%', color: GREY, fontSize: font.axis },
      },
    ],
    series: [
      {
        name: receivedName,
        type: 'line',
        yAxisIndex: 0,
        symbolSize: 8,
        data: points.map((p) => p.totals.received),
      },
      {
        name: rateName,
        type: 'line',
        yAxisIndex: 1,
        symbolSize: 8,
        connectNulls: true,
        data: points.map((p) => pct(p.totals.on_time_rate)),
        tooltip: { valueFormatter: (v) => (v === null || v === undefined || v === '-' ? '—' : `${v}%`) },
      },
    ],
  }
  const label = t('reports.dashboard.trendChartLabel', {
    n: points.length,
    rows: points
      .map((p, i) =>
        t('reports.dashboard.trendChartRow', {
          month: months[i],
          received: p.totals.received,
          rate: percent(p.totals.on_time_rate),
        }),
      )
      .join(t('reports.dashboard.sep')),
  })
  return { option, label }
}
