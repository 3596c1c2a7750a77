// The rules of the policy pages that are not layout: the catalogue's filters as they travel
// between the address bar and the API, a policy's conditions and validity in words, its body
// as paragraphs, and the drafting form (what is sent, what is checked before sending).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

import type { Schemas } from '@/api/client'

export type Industry = Schemas['Industry']
export type SizeClass = Schemas['SizeClass']
export type Policy = Schemas['Policy']
export type PolicySummary = Schemas['PolicySummary']
export type Conditions = Schemas['Conditions-Output']
export type Job = Schemas['Job']
type Translate = (key: string, values?: Record<string, unknown>) => string

export const INDUSTRIES: Industry[] = ['agriculture', 'industry', 'construction_real_estate', 'services', 'other']
export const SIZE_CLASSES: SizeClass[] = ['above_100m', 'designated', 'small_micro']
/** Limits of the API (chalicelib/api/policies.py, domain/policies.py). */
export const LIMITS = { q: 50, title: 200, issuer: 100, docNumber: 60, summary: 500, body: 30_000, interpretation: 5000, author: 100, reason: 500 }
export const MAX_INTERPRETATIONS = 10
/** Files one policy keeps (domain/policies.py MAX_ATTACHMENTS). */
export const MAX_ATTACHMENTS = 20
/** Catalogue page size. */
export const PAGE_SIZE = 20

// ---- the catalogue's filters -------------------------------------------------------------

export interface CatalogueFilters {
  q: string
  industry: Industry | ''
  size_class: SizeClass | ''
  include_expired: boolean
  /** only policies taking applications (申报) now */
  applying: boolean
}

export const NO_FILTERS: CatalogueFilters = { q: '', industry: '', size_class: '', include_expired: false, applying: false }

function one(value: LocationQuery[string]): string {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' ? v : ''
}

/** The filters an address names (`/policies?q=用地&industry=industry`); unknown values are
 * dropped rather than sent, so a mistyped link still shows the catalogue. */
export function filtersFromQuery(query: LocationQuery): CatalogueFilters {
  const industry = one(query.industry)
  const size = one(query.size_class)
  return {
    q: one(query.q).trim().slice(0, LIMITS.q),
    industry: (INDUSTRIES as string[]).includes(industry) ? (industry as Industry) : '',
    size_class: (SIZE_CLASSES as string[]).includes(size) ? (size as SizeClass) : '',
    include_expired: one(query.include_expired) === 'true',
    applying: one(query.applying) === 'true',
  }
}

/** The address's query for some filters: only what differs from no filter, so the plain
 * catalogue is `/policies`. */
export function queryFromFilters(f: CatalogueFilters): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  const q = f.q.trim()
  if (q) out.q = q
  if (f.industry) out.industry = f.industry
  if (f.size_class) out.size_class = f.size_class
  if (f.include_expired) out.include_expired = 'true'
  if (f.applying) out.applying = 'true'
  return out
}

export interface CatalogueQuery {
  q?: string
  industry?: Industry
  size_class?: SizeClass
  include_expired?: boolean
  applying?: boolean
  limit: number
  cursor?: string
}

/** The API's query for a page of the catalogue. Keywords are separated by any white space
 * (the API wants single spaces: every word must appear). */
export function apiQuery(f: CatalogueFilters, cursor: string | null, limit = PAGE_SIZE): CatalogueQuery {
  const out: CatalogueQuery = { limit }
  const q = f.q.trim().split(/\s+/).filter(Boolean).join(' ').slice(0, LIMITS.q)
  if (q) out.q = q
  if (f.industry) out.industry = f.industry
  if (f.size_class) out.size_class = f.size_class
  if (f.include_expired) out.include_expired = true
  if (f.applying) out.applying = true
  if (cursor) out.cursor = cursor
  return out
}

export function sameFilters(a: CatalogueFilters, b: CatalogueFilters): boolean {
  return (
    a.q.trim() === b.q.trim() &&
    a.industry === b.industry &&
    a.size_class === b.size_class &&
    a.include_expired === b.include_expired &&
    a.applying === b.applying
  )
}

// ---- words -------------------------------------------------------------------------------

interface RangeLike {
  min?: number | null
  max?: number | null
}

function rangeWords(t: Translate, r: RangeLike, unit: string): string {
  const n = (x: number) => String(Number(x))
  if (r.min != null && r.max != null) return t('policies.condition.between', { min: n(r.min), max: n(r.max), unit })
  if (r.min != null) return t('policies.condition.atLeast', { min: n(r.min), unit })
  return t('policies.condition.atMost', { max: n(r.max ?? 0), unit })
}

/** The conditions in words, one part each, in the reader's language (in Chinese the same
 * words as the API's `conditions_text`: 「行业:工业」「规模:规上」). Empty: every enterprise. */
export function conditionParts(t: Translate, c: Partial<Conditions> | null | undefined): string[] {
  if (!c) return []
  const list = (values: string[], prefix: string) =>
    values.map((v) => t(`${prefix}.${v}`)).join(t('policies.condition.listSeparator'))
  const parts: string[] = []
  if (c.industries?.length) parts.push(t('policies.condition.industry', { v: list(c.industries, 'admin.industry') }))
  if (c.size_classes?.length) parts.push(t('policies.condition.sizeClass', { v: list(c.size_classes, 'admin.sizeClass') }))
  if (c.towns?.length) parts.push(t('policies.condition.town', { v: c.towns.join(t('policies.condition.listSeparator')) }))
  if (c.key_tech) parts.push(t('policies.condition.keyTech'))
  if (c.major_project) parts.push(t('policies.condition.majorProject'))
  if (c.employees && (c.employees.min != null || c.employees.max != null)) {
    parts.push(t('policies.condition.employees', { v: rangeWords(t, c.employees, t('policies.condition.people')) }))
  }
  if (c.revenue && (c.revenue.min != null || c.revenue.max != null)) {
    parts.push(t('policies.condition.revenue', { v: rangeWords(t, c.revenue, t('policies.condition.tenThousandYuan')) }))
  }
  return parts
}

export function conditionWords(t: Translate, c: Partial<Conditions> | null | undefined): string {
  const parts = conditionParts(t, c)
  return parts.length ? parts.join(t('policies.condition.separator')) : t('policies.condition.any')
}

/** When a policy is in force, in words (dates alone: no time zone to convert). */
export function validity(t: Translate, p: { effective_from: string; expires_on: string | null }): string {
  if (!p.expires_on) return t('policies.policy.noEnd', { from: p.effective_from })
  return t('policies.policy.range', { from: p.effective_from, to: p.expires_on })
}

/** A text as its paragraphs: one per line, blank lines and surrounding spaces dropped
 * (shown as text, never as HTML). */
export function paragraphs(text: string | null | undefined): string[] {
  if (!text) return []
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ''))
    .filter(Boolean)
}

// ---- the drafting form ---------------------------------------------------------------------

export interface PolicyForm {
  title: string
  issuer: string
  doc_number: string
  summary: string
  body: string
  effective_from: string
  expires_on: string
  industries: Industry[]
  size_classes: SizeClass[]
  towns: string[]
  key_tech: boolean
  major_project: boolean
  employees_min: string
  employees_max: string
  revenue_min: string
  revenue_max: string
}

/** The conditions part of a form (a policy's, a financial product's). */
export type ConditionFields = Pick<
  PolicyForm,
  | 'industries'
  | 'size_classes'
  | 'towns'
  | 'key_tech'
  | 'major_project'
  | 'employees_min'
  | 'employees_max'
  | 'revenue_min'
  | 'revenue_max'
>

const text = (n: number | null | undefined) => (n == null ? '' : String(n))

/** A form's condition fields filled from some conditions (empty: every enterprise). */
export function conditionFieldsOf(c: Conditions | null | undefined): ConditionFields {
  return {
    industries: [...(c?.industries ?? [])],
    size_classes: [...(c?.size_classes ?? [])],
    towns: [...(c?.towns ?? [])],
    key_tech: c?.key_tech ?? false,
    major_project: c?.major_project ?? false,
    employees_min: text(c?.employees?.min),
    employees_max: text(c?.employees?.max),
    revenue_min: text(c?.revenue?.min),
    revenue_max: text(c?.revenue?.max),
  }
}

export function formOf(p: Policy | null): PolicyForm {
  return {
    title: p?.title ?? '',
    issuer: p?.issuer ?? '',
    doc_number: p?.doc_number ?? '',
    summary: p?.summary ?? '',
    body: p?.body ?? '',
    effective_from: p?.effective_from ?? '',
    expires_on: p?.expires_on ?? '',
    ...conditionFieldsOf(p?.conditions),
  }
}

const NUMBER = /^\d+(\.\d+)?$/

function numberOf(value: string): number | null {
  const v = value.trim()
  return v && NUMBER.test(v) ? Number(v) : null
}

function rangeOf(min: string, max: string): { min: number | null; max: number | null } | null {
  const lo = numberOf(min)
  const hi = numberOf(max)
  return lo == null && hi == null ? null : { min: lo, max: hi }
}

/** The form's conditions as the API takes them (towns trimmed, no duplicates). */
export function conditionsOf(f: ConditionFields): Conditions {
  const towns = [...new Set(f.towns.map((x) => x.trim()).filter(Boolean))]
  return {
    industries: INDUSTRIES.filter((i) => f.industries.includes(i)),
    size_classes: SIZE_CLASSES.filter((s) => f.size_classes.includes(s)),
    towns,
    key_tech: f.key_tech,
    major_project: f.major_project,
    employees: rangeOf(f.employees_min, f.employees_max),
    revenue: rangeOf(f.revenue_min, f.revenue_max),
  }
}

/** What can be told before asking the server, by the API's field names
 * (`conditions.employees.min` …). */
export function localErrors(t: Translate, f: PolicyForm): Record<string, string> {
  const out: Record<string, string> = {}
  const required = t('policies.form.required')
  const tooLong = (n: number) => t('policies.form.tooLong', { n })
  for (const [field, limit] of [
    ['title', LIMITS.title],
    ['issuer', LIMITS.issuer],
    ['body', LIMITS.body],
  ] as const) {
    const v = f[field].trim()
    if (!v) out[field] = required
    else if (v.length > limit) out[field] = tooLong(limit)
  }
  if (f.doc_number.trim().length > LIMITS.docNumber) out.doc_number = tooLong(LIMITS.docNumber)
  if (f.summary.trim().length > LIMITS.summary) out.summary = tooLong(LIMITS.summary)
  if (!f.effective_from) out.effective_from = required
  if (f.effective_from && f.expires_on && f.expires_on < f.effective_from) {
    out.expires_on = t('policies.form.expiresBeforeEffective')
  }
  return { ...out, ...conditionErrors(t, f) }
}

/** A form's condition ranges checked before sending: numbers, whole people, min ≤ max. */
export function conditionErrors(t: Translate, f: ConditionFields): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of ['employees', 'revenue'] as const) {
    const ends = { min: f[`${name}_min`].trim(), max: f[`${name}_max`].trim() }
    for (const end of ['min', 'max'] as const) {
      const v = ends[end]
      if (!v) continue
      if (!NUMBER.test(v)) out[`conditions.${name}.${end}`] = t('policies.form.notNumber')
      else if (name === 'employees' && !Number.isInteger(Number(v))) out[`conditions.${name}.${end}`] = t('policies.form.notWhole')
    }
    const lo = numberOf(ends.min)
    const hi = numberOf(ends.max)
    if (lo != null && hi != null && lo > hi) out[`conditions.${name}`] = t('policies.form.minAboveMax')
  }
  return out
}

const optional = (v: string) => v.trim() || null

export type PolicyCreateBody = Schemas['PolicyCreate']
export type PolicyPatchBody = Schemas['PolicyPatch']

export function createBody(f: PolicyForm): PolicyCreateBody {
  return {
    title: f.title.trim(),
    issuer: f.issuer.trim(),
    doc_number: optional(f.doc_number),
    summary: optional(f.summary),
    body: f.body.trim(),
    effective_from: f.effective_from,
    expires_on: f.expires_on || null,
    conditions: conditionsOf(f),
  }
}

/** Whether two conditions say the same (towns in any order). */
export function sameConditions(a: Conditions, b: Conditions): boolean {
  const norm = (c: Conditions) =>
    JSON.stringify({
      ...c,
      towns: [...c.towns].sort(),
      employees: c.employees ? { min: c.employees.min ?? null, max: c.employees.max ?? null } : null,
      revenue: c.revenue ? { min: c.revenue.min ?? null, max: c.revenue.max ?? null } : null,
    })
  return norm(a) === norm(b)
}

/** Only what changed, under the version the form was filled from (null clears a field). */
export function patchBody(original: Policy, f: PolicyForm): PolicyPatchBody {
  const body: PolicyPatchBody = { version: original.version }
  const next = createBody(f)
  if (next.title !== original.title) body.title = next.title
  if (next.issuer !== original.issuer) body.issuer = next.issuer
  if ((next.doc_number ?? null) !== original.doc_number) body.doc_number = next.doc_number
  if ((next.summary ?? null) !== original.summary) body.summary = next.summary
  if (next.body !== original.body) body.body = next.body
  if (next.effective_from !== original.effective_from) body.effective_from = next.effective_from
  if ((next.expires_on ?? null) !== original.expires_on) body.expires_on = next.expires_on
  const conditions = conditionsOf(f)
  if (!sameConditions(conditions, original.conditions)) body.conditions = conditions
  return body
}

/** Where a field error the API names is shown on the form: a condition's list item or a
 * range's end at its field (`conditions.industries.0` → `conditions.industries`). */
export function formField(apiField: string): string {
  const m = /^conditions\.(industries|size_classes|towns)(\.\d+)?$/.exec(apiField)
  if (m) return `conditions.${m[1]}`
  return apiField
}

// ---- the push job ------------------------------------------------------------------------

export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

export function jobStatus(job: Pick<Job, 'status'>): JobStatus {
  const s = job.status
  return s === 'running' || s === 'done' || s === 'failed' ? s : 'queued'
}

export function jobFinished(job: Pick<Job, 'status'>): boolean {
  const s = jobStatus(job)
  return s === 'done' || s === 'failed'
}

/** Enterprises the push told: the result once done, the running count before. */
export function jobMatched(job: Pick<Job, 'counts' | 'result'>): number {
  const fromResult = job.result?.matched
  if (typeof fromResult === 'number') return fromResult
  return job.counts?.matched ?? 0
}
