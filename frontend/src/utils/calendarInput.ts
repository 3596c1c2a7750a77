// What an administrator types or uploads when loading a year's holiday notice (放假通知), read
// in the browser before anything is sent: lists of dates, a CSV of `date,kind[,name]`, and the
// month grids of the year at a glance. Pure functions; dates are ISO strings (YYYY-MM-DD).

/** Why a line could not be read. */
export type LineReason = 'date' | 'range' | 'name' | 'kind' | 'noDate'

export interface LineProblem {
  line: number // 1-based
  text: string
  reason: LineReason
}

export interface DateList {
  dates: string[] // unique, sorted
  names: Record<string, string> // date → name, for dates given a name on their line
  problems: LineProblem[]
  duplicates: number
}

export interface CsvSchedule {
  holidays: string[] // unique, sorted
  workdays: string[] // unique, sorted
  names: Record<string, string> // holiday date → name
  problems: LineProblem[]
  rows: number // data rows read (header and blank lines not counted)
}

/** The longest name the API takes (HolidayName: 1–20 characters). */
export const NAME_MAX = 20
/** The longest range `A~B` read as a run of days (a holiday never lasts longer). */
export const RANGE_MAX = 31

const DAY_MS = 86_400_000

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function iso(y: number, m: number, d: number): string | null {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return null
  const t = new Date(Date.UTC(y, m - 1, d))
  if (t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null // 2027-02-30
  return `${y}-${pad(m)}-${pad(d)}`
}

function toUtc(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y, m - 1, d)
}

function fromUtc(ms: number): string {
  const t = new Date(ms)
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}

/** Full-width digits and punctuation (2027,1/1, 2027年1月1日) as ASCII. */
function normalise(text: string): string {
  return text.normalize('NFKC')
}

const FULL = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, // 2027-01-01, 2027/1/1, 2027.1.1
  /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/, // 2027年1月1日
  /^(\d{4})(\d{2})(\d{2})$/, // 20270101
]

/** One date in any accepted spelling, as YYYY-MM-DD; null if it is none or no such day. */
export function parseDate(raw: string): string | null {
  const text = normalise(raw).trim()
  for (const pattern of FULL) {
    const m = pattern.exec(text)
    if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]))
  }
  return null
}

/** The end of a range, which may leave out the start's year (10-07, 10月7日) or month (7日). */
function parseEnd(raw: string, start: string): string | null {
  const full = parseDate(raw)
  if (full) return full
  const [y, m] = start.split('-').map(Number)
  const monthDay = /^(\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(raw)
  if (monthDay) return iso(y, Number(monthDay[1]), Number(monthDay[2]))
  const day = /^(\d{1,2})[日号]?$/.exec(raw)
  if (day) return iso(y, m, Number(day[1]))
  return null
}

/** A date or a range `A~B` (also 至, 到) as the days it covers; a reason if it is neither. */
export function parseDateToken(token: string): string[] | LineReason {
  const parts = normalise(token).split('~')
  if (parts.length === 1) {
    const one = parseDate(parts[0])
    return one ? [one] : 'date'
  }
  if (parts.length !== 2) return 'range'
  const start = parseDate(parts[0])
  const end = start ? parseEnd(parts[1], start) : null
  if (!start || !end) return 'date'
  const from = toUtc(start)
  const days = (toUtc(end) - from) / DAY_MS + 1
  if (days < 1 || days > RANGE_MAX) return 'range'
  return Array.from({ length: days }, (_, i) => fromUtc(from + i * DAY_MS))
}

// Range marks (with any spaces around them) become `~`; notes in brackets — 2027-01-01(周五) —
// are dropped; then a line splits on commas, 、, semicolons and spaces.
const RANGE = /\s*(?:~|至|到|–|—)\s*/g
const NOTE = /[(\[【][^)\]】]*[)\]】]/g
const SEPARATORS = /[\s,、;]+/

/**
 * Dates typed one a line or separated by commas, 、, semicolons or spaces. Each may be written
 * 2027-01-01, 2027/1/1, 2027.1.1, 20270101 or 2027年1月1日, or be a range `2027-10-01~2027-10-07`
 * (also 至 / 到; the end may leave out the year or month: `2027年10月1日至7日`). Words without
 * digits on a line name its dates: `2027-10-01~2027-10-07 国庆`. Blank lines and lines starting
 * with `#` are skipped; bracketed notes are ignored.
 */
export function parseDateList(text: string): DateList {
  const found = new Map<string, string | undefined>()
  const problems: LineProblem[] = []
  let duplicates = 0
  normalise(text)
    .split(/\r\n|\r|\n/)
    .forEach((raw, index) => {
      const line = raw.trim()
      if (!line || line.startsWith('#')) return
      const tokens = line.replace(NOTE, ' ').replace(RANGE, '~').split(SEPARATORS).filter(Boolean)
      const dates: string[] = []
      const words: string[] = []
      let reason: LineReason | null = null
      for (const token of tokens) {
        if (!/\d/.test(token)) {
          words.push(token)
          continue
        }
        const days = parseDateToken(token)
        if (typeof days === 'string') reason ??= days
        else dates.push(...days)
      }
      const name = words.join(' ')
      if (!reason && !dates.length) reason = 'noDate'
      if (!reason && name.length > NAME_MAX) reason = 'name'
      if (reason) {
        problems.push({ line: index + 1, text: line, reason })
        return
      }
      for (const date of dates) {
        if (found.has(date)) duplicates += 1
        found.set(date, name || found.get(date))
      }
    })
  const dates = [...found.keys()].sort()
  const names: Record<string, string> = {}
  for (const date of dates) {
    const name = found.get(date)
    if (name) names[date] = name
  }
  return { dates, names, problems, duplicates }
}

const HOLIDAY_KINDS = new Set(['放假', '休', '休息', '假', '假日', '节假日', 'holiday', 'off', 'rest'])
const WORKDAY_KINDS = new Set(['上班', '班', '调休', '调休上班', '补班', '工作日', 'workday', 'work', 'working'])

/** The fields of one CSV line (`,` `;` or tab; "quoted, fields" and "" inside quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',' || c === ';' || c === '\t') {
      fields.push(field.trim())
      field = ''
    } else field += c
  }
  fields.push(field.trim())
  return fields
}

/**
 * A CSV of `date,kind[,name]` rows: kind 放假 / holiday (also 休, off) or 上班 / workday (also
 * 班, 补班, 调休上班); the date in any spelling `parseDate` reads, or a range. A first row whose
 * first cell has no digit is a header. Names are kept for holidays only.
 */
export function parseCsv(text: string): CsvSchedule {
  const holidays = new Set<string>()
  const workdays = new Set<string>()
  const names: Record<string, string> = {}
  const problems: LineProblem[] = []
  let rows = 0
  let first = true
  normalise(text.replace(/^\uFEFF/, ''))
    .split(/\r\n|\r|\n/)
    .forEach((raw, index) => {
      const line = raw.trim()
      if (!line || line.startsWith('#')) return
      const [when = '', kindCell = '', nameCell = ''] = csvFields(line)
      const header = first && !/\d/.test(when)
      first = false
      if (header) return
      rows += 1
      const days = parseDateToken(when.replace(RANGE, '~'))
      const kind = kindCell.toLowerCase()
      const holiday = HOLIDAY_KINDS.has(kind)
      const name = nameCell.trim()
      const reason: LineReason | null =
        typeof days === 'string'
          ? days
          : !holiday && !WORKDAY_KINDS.has(kind)
            ? 'kind'
            : holiday && name.length > NAME_MAX
              ? 'name'
              : null
      if (reason || typeof days === 'string') {
        problems.push({ line: index + 1, text: line, reason: reason ?? 'date' })
        return
      }
      for (const day of days) {
        if (!holiday) workdays.add(day)
        else {
          holidays.add(day)
          if (name) names[day] = name
        }
      }
    })
  return { holidays: [...holidays].sort(), workdays: [...workdays].sort(), names, problems, rows }
}

/** A file's text: UTF-8 (with or without a BOM), else GB18030 — what Excel saves in China. */
export function decodeText(buffer: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer)
  } catch {
    return new TextDecoder('gb18030').decode(buffer)
  }
}

/**
 * Dates as the lists above read them back: a line per run of consecutive days with the same
 * name, `2027-10-01~2027-10-07 国庆`, or one date.
 */
export function formatDateList(dates: readonly string[], names: Record<string, string> = {}): string {
  const sorted = [...new Set(dates)].sort()
  const lines: string[] = []
  let i = 0
  while (i < sorted.length) {
    const start = sorted[i]
    const name = names[start] ?? ''
    let j = i
    while (
      j + 1 < sorted.length &&
      toUtc(sorted[j + 1]) - toUtc(sorted[j]) === DAY_MS &&
      (names[sorted[j + 1]] ?? '') === name
    )
      j++
    const span = j > i ? `${start}~${sorted[j]}` : start
    lines.push(name ? `${span} ${name}` : span)
    i = j + 1
  }
  return lines.join('\n')
}

/** 0 for Monday … 6 for Sunday. */
export function weekdayOf(date: string): number {
  return (new Date(toUtc(date)).getUTCDay() + 6) % 7
}

/** The weeks of a month (1–12), Monday first, each 7 cells: a date, or null outside the month. */
export function monthWeeks(year: number, month: number): (string | null)[][] {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const lead = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7
  const cells: (string | null)[] = Array<string | null>(lead).fill(null)
  for (let d = 1; d <= days; d++) cells.push(`${year}-${pad(month)}-${pad(d)}`)
  while (cells.length % 7) cells.push(null)
  const weeks: (string | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

const beijingParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** The date (YYYY-MM-DD) and time (HH:mm) on Beijing's wall clock at `when`. */
export function beijingWallClock(when: Date = new Date()): { date: string; time: string } {
  const p = Object.fromEntries(beijingParts.formatToParts(when).map((x) => [x.type, x.value]))
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` }
}

/** A Beijing wall-clock date and time (HH:mm or HH:mm:ss) as ISO 8601 with +08:00; null if invalid. */
export function beijingIso(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || parseDate(date) !== date) return null
  const m = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(time)
  if (!m) return null
  return `${date}T${m[1]}:${m[2]}:${m[3] ?? '00'}+08:00`
}
