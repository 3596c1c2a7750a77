// The rules of the financing pages that are not layout: the products' filters as they travel
// between the address bar and the API, a product's ranges in words, the financing need form
// and the service centre's product form (what is sent, what is checked before sending).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

import type { Schemas } from '@/api/client'
import {
  conditionErrors,
  conditionFieldsOf,
  conditionsOf,
  sameConditions,
  type ConditionFields,
  type Conditions,
} from '@/utils/policies'

export type Product = Schemas['Product']
export type Suggestion = Schemas['Suggestion']
export type FinancingRequest = Schemas['FinancingRequest']
export type NeedBody = Schemas['NeedCreate']
export type ProductCreateBody = Schemas['ProductCreate']
export type ProductPatchBody = Schemas['ProductPatch']
type Translate = (key: string, values?: Record<string, unknown>) => string

/** Limits of the API (domain/financing.py, api/financing.py, domain/models.py). */
export const LIMITS = {
  bank: 100,
  name: 100,
  description: 2000,
  purpose: 1000,
  contactName: 100,
  contactPhone: 30,
  amount: 1_000_000,
  term: 360,
  rate: 36,
}
/** A county lists tens of products: one page holds them (the API's largest). */
export const PAGE_SIZE = 100

const DECIMAL = /^\d+(\.\d+)?$/
const WHOLE = /^\d+$/

function one(value: LocationQuery[string]): string {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' ? v.trim() : ''
}

/** A positive amount in 万元 within the API's bound, or null. */
function amountOf(value: string): number | null {
  const v = value.trim()
  if (!DECIMAL.test(v)) return null
  const n = Number(v)
  return n > 0 && n <= LIMITS.amount ? n : null
}

/** A whole number of months 1–360, or null. */
function termOf(value: string): number | null {
  const v = value.trim()
  if (!WHOLE.test(v)) return null
  const n = Number(v)
  return n >= 1 && n <= LIMITS.term ? n : null
}

// ---- the products' filters -------------------------------------------------------------------

export interface ProductFilters {
  amount: string
  term_months: string
  bank: string
}

export const NO_FILTERS: ProductFilters = { amount: '', term_months: '', bank: '' }

/** The filters an address names (`/financing?amount=300&term_months=12&bank=农商`); values
 * the API would refuse are dropped, so a mistyped link still lists the products. */
export function filtersFromQuery(query: LocationQuery): ProductFilters {
  const amount = one(query.amount)
  const term = one(query.term_months)
  return {
    amount: amountOf(amount) != null ? amount : '',
    term_months: termOf(term) != null ? term : '',
    bank: one(query.bank).slice(0, LIMITS.bank),
  }
}

/** The address's query: only what is set, so the plain list is `/financing`. */
export function queryFromFilters(f: ProductFilters): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (amountOf(f.amount) != null) out.amount = f.amount.trim()
  if (termOf(f.term_months) != null) out.term_months = f.term_months.trim()
  if (f.bank.trim()) out.bank = f.bank.trim().slice(0, LIMITS.bank)
  return out
}

export interface ProductQuery {
  limit: number
  amount?: number
  term_months?: number
  bank?: string
  include_inactive?: boolean
}

/** The API's query for the products the filters keep. */
export function apiQuery(f: ProductFilters): ProductQuery {
  const out: ProductQuery = { limit: PAGE_SIZE }
  const amount = amountOf(f.amount)
  const term = termOf(f.term_months)
  if (amount != null) out.amount = amount
  if (term != null) out.term_months = term
  if (f.bank.trim()) out.bank = f.bank.trim().slice(0, LIMITS.bank)
  return out
}

/** What the filter form holds that the API would refuse, by field. */
export function filterErrors(t: Translate, f: ProductFilters): Record<string, string> {
  const out: Record<string, string> = {}
  if (f.amount.trim() && amountOf(f.amount) == null) out.amount = t('financing.form.amountInvalid')
  if (f.term_months.trim() && termOf(f.term_months) == null) out.term_months = t('financing.form.termInvalid')
  return out
}

export function sameFilters(a: ProductFilters, b: ProductFilters): boolean {
  return a.amount.trim() === b.amount.trim() && a.term_months.trim() === b.term_months.trim() && a.bank.trim() === b.bank.trim()
}

// ---- words -------------------------------------------------------------------------------------

const num = (x: number) => String(Number(x))

/** `3.45–4.2`, or one figure when both ends are the same. */
export function range(min: number, max: number): string {
  return min === max ? num(min) : `${num(min)}–${num(max)}`
}

/** A product's three ranges in words: 「3.45–4.2%」「6–36 个月」「50–1000 万元」. */
export function productRanges(t: Translate, p: Pick<Product, 'rate_min' | 'rate_max' | 'term_min' | 'term_max' | 'amount_min' | 'amount_max'>) {
  return {
    rate: t('financing.product.rateRange', { range: range(p.rate_min, p.rate_max) }),
    term: t('financing.product.termRange', { range: range(p.term_min, p.term_max) }),
    amount: t('financing.product.amountRange', { range: range(p.amount_min, p.amount_max) }),
  }
}

// ---- the financing need --------------------------------------------------------------------

export interface NeedForm {
  amount: string
  term_months: string
  purpose: string
  contact_name: string
  contact_phone: string
}

/** An empty need, or one carrying the amount and term a reader filtered the products by. */
export function needFormOf(query: LocationQuery = {}): NeedForm {
  const f = filtersFromQuery(query)
  return { amount: f.amount, term_months: f.term_months, purpose: '', contact_name: '', contact_phone: '' }
}

/** What can be told before asking the server, by the API's field names. */
export function needErrors(t: Translate, f: NeedForm): Record<string, string> {
  const out: Record<string, string> = {}
  // said as a clerk would: what to fill in, not 「必填」
  if (!f.amount.trim()) out.amount = t('financing.form.needAmount')
  else if (amountOf(f.amount) == null) out.amount = t('financing.form.amountInvalid')
  if (!f.term_months.trim()) out.term_months = t('financing.form.needTerm')
  else if (termOf(f.term_months) == null) out.term_months = t('financing.form.termInvalid')
  const purpose = f.purpose.trim()
  if (!purpose) out.purpose = t('financing.form.needPurpose')
  else if (purpose.length > LIMITS.purpose) out.purpose = t('financing.form.tooLong', { n: LIMITS.purpose })
  return out
}

export function needBody(f: NeedForm): NeedBody {
  return {
    amount: Number(f.amount.trim()),
    term_months: Number(f.term_months.trim()),
    purpose: f.purpose.trim(),
    contact_name: f.contact_name.trim() || undefined,
    contact_phone: f.contact_phone.trim() || undefined,
  }
}

// ---- the service centre's product form -----------------------------------------------------

export interface ProductForm extends ConditionFields {
  bank: string
  name: string
  rate_min: string
  rate_max: string
  term_min: string
  term_max: string
  amount_min: string
  amount_max: string
  description: string
  active: boolean
}

/** A product's ranges: (lower end, upper end), as the API checks them (RANGES). */
export const RANGES = [
  ['rate_min', 'rate_max'],
  ['term_min', 'term_max'],
  ['amount_min', 'amount_max'],
] as const
type RangeField = (typeof RANGES)[number][number]

export function productFormOf(p: Product | null): ProductForm {
  const text = (n: number | undefined) => (n == null ? '' : num(n))
  return {
    bank: p?.bank ?? '',
    name: p?.name ?? '',
    rate_min: text(p?.rate_min),
    rate_max: text(p?.rate_max),
    term_min: text(p?.term_min),
    term_max: text(p?.term_max),
    amount_min: text(p?.amount_min),
    amount_max: text(p?.amount_max),
    description: p?.description ?? '',
    active: p?.active ?? true,
    ...conditionFieldsOf(p?.conditions),
  }
}

/** Bounds of each range field (the API's); terms are whole months. */
const BOUNDS: Record<RangeField, { min: number; max: number; whole: boolean; positive?: boolean }> = {
  rate_min: { min: 0, max: LIMITS.rate, whole: false },
  rate_max: { min: 0, max: LIMITS.rate, whole: false },
  term_min: { min: 1, max: LIMITS.term, whole: true },
  term_max: { min: 1, max: LIMITS.term, whole: true },
  amount_min: { min: 0, max: LIMITS.amount, whole: false },
  amount_max: { min: 0, max: LIMITS.amount, whole: false, positive: true },
}

/** What can be told before asking the server, by the API's field names; a range whose upper
 * end is below its lower end is shown at the upper end, as the API names it. */
export function productErrors(t: Translate, f: ProductForm): Record<string, string> {
  const out: Record<string, string> = {}
  const required = t('financing.form.required')
  for (const field of ['bank', 'name'] as const) {
    const v = f[field].trim()
    if (!v) out[field] = required
    else if (v.length > LIMITS[field]) out[field] = t('financing.form.tooLong', { n: LIMITS[field] })
  }
  if (f.description.trim().length > LIMITS.description) {
    out.description = t('financing.form.tooLong', { n: LIMITS.description })
  }
  const values: Partial<Record<RangeField, number>> = {}
  for (const [field, b] of Object.entries(BOUNDS) as [RangeField, (typeof BOUNDS)[RangeField]][]) {
    const v = f[field].trim()
    if (!v) {
      out[field] = required
      continue
    }
    if (!(b.whole ? WHOLE : DECIMAL).test(v)) {
      out[field] = t(b.whole ? 'financing.form.notWhole' : 'financing.form.notNumber')
      continue
    }
    const n = Number(v)
    if (b.positive && n === 0) {
      out[field] = t('financing.form.amountInvalid')
      continue
    }
    if (n < b.min || n > b.max) {
      out[field] = t('financing.form.outOfRange', { min: b.min, max: b.max })
      continue
    }
    values[field] = n
  }
  for (const [low, high] of RANGES) {
    const lo = values[low]
    const hi = values[high]
    if (lo != null && hi != null && hi < lo) out[high] = t('financing.error.range_order')
  }
  return { ...out, ...conditionErrors(t, f) }
}

export function createProductBody(f: ProductForm): ProductCreateBody {
  return {
    bank: f.bank.trim(),
    name: f.name.trim(),
    rate_min: Number(f.rate_min),
    rate_max: Number(f.rate_max),
    term_min: Number(f.term_min),
    term_max: Number(f.term_max),
    amount_min: Number(f.amount_min),
    amount_max: Number(f.amount_max),
    conditions: conditionsOf(f),
    description: f.description.trim() || null,
    active: f.active,
  }
}

/** Only what changed, under the version the form was filled from (an emptied description
 * is cleared with null). */
export function patchProductBody(original: Product, f: ProductForm): ProductPatchBody {
  const body: ProductPatchBody = { version: original.version }
  const next = createProductBody(f)
  for (const key of ['bank', 'name', ...RANGES.flat()] as const) {
    if (next[key] !== original[key]) (body as Record<string, unknown>)[key] = next[key]
  }
  if ((next.description ?? null) !== (original.description ?? null)) body.description = next.description ?? null
  if (next.active !== original.active) body.active = next.active
  const conditions = next.conditions as Conditions
  if (!sameConditions(conditions, original.conditions)) body.conditions = conditions
  return body
}

/** Withdraw (停办) or reactivate a product: only `active`, under its version. */
export function activeBody(p: Product, active: boolean): ProductPatchBody {
  return { version: p.version, active }
}
