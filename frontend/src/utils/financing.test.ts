import { describe, expect, it } from 'vitest'

import {
  apiQuery,
  filterErrors,
  filtersFromQuery,
  needBody,
  needErrors,
  needFormOf,
  patchProductBody,
  productErrors,
  productFormOf,
  productRanges,
  queryFromFilters,
  type Product,
} from './financing'

// Words by key with their values, so a test reads which message and with what.
const t = (key: string, values?: Record<string, unknown>) => (values ? `${key}${JSON.stringify(values)}` : key)

const TECH_LOAN: Product = {
  id: 'fp-1',
  bank: '如东农村商业银行',
  name: '科技贷',
  rate_min: 3.45,
  rate_max: 4.2,
  term_min: 6,
  term_max: 36,
  amount_min: 50,
  amount_max: 1000,
  conditions: { industries: [], size_classes: [], towns: [], key_tech: true, major_project: false, employees: null, revenue: null },
  conditions_text: '重点科技型企业',
  description: '面向科技型中小企业的信用贷款。',
  active: true,
  version: 3,
  created_at: '2026-06-15T10:00:00+08:00',
  updated_at: '2026-06-15T10:00:00+08:00',
}

describe('the products’ filters', () => {
  it('keep what the API takes and drop the rest, so a mistyped link still lists products', () => {
    const f = filtersFromQuery({ amount: '300', term_months: '12.5', bank: ' 农商 ' })
    expect(f).toEqual({ amount: '300', term_months: '', bank: '农商' })
    expect(filtersFromQuery({ amount: '0', term_months: '361' })).toEqual({ amount: '', term_months: '', bank: '' })
    expect(apiQuery({ amount: '300.5', term_months: '12', bank: '农商' })).toEqual({
      limit: 100,
      amount: 300.5,
      term_months: 12,
      bank: '农商',
    })
    expect(apiQuery({ amount: '', term_months: '', bank: '  ' })).toEqual({ limit: 100 })
    expect(queryFromFilters({ amount: 'abc', term_months: '24', bank: '' })).toEqual({ term_months: '24' })
  })

  it('say what the API would refuse before asking', () => {
    expect(filterErrors(t, { amount: '-5', term_months: '0', bank: '' })).toEqual({
      amount: 'financing.form.amountInvalid',
      term_months: 'financing.form.termInvalid',
    })
    expect(filterErrors(t, { amount: '', term_months: '', bank: 'x' })).toEqual({})
  })
})

describe('a product in words', () => {
  it('gives each range once, or one figure when both ends agree', () => {
    expect(productRanges(t, { ...TECH_LOAN, term_min: 12, term_max: 12 })).toEqual({
      rate: 'financing.product.rateRange{"range":"3.45–4.2"}',
      term: 'financing.product.termRange{"range":"12"}',
      amount: 'financing.product.amountRange{"range":"50–1000"}',
    })
  })
})

describe('the financing need', () => {
  it('starts from the amount and term the products were filtered by', () => {
    expect(needFormOf({ amount: '300', term_months: '12' })).toMatchObject({ amount: '300', term_months: '12', purpose: '' })
  })

  it('is checked before sending and sent as numbers, without empty contacts', () => {
    expect(needErrors(t, needFormOf())).toEqual({
      amount: 'financing.form.needAmount',
      term_months: 'financing.form.needTerm',
      purpose: 'financing.form.needPurpose',
    })
    const form = { amount: '300', term_months: '12', purpose: ' 采购原材料 ', contact_name: '', contact_phone: ' ' }
    expect(needErrors(t, form)).toEqual({})
    expect(needBody(form)).toEqual({ amount: 300, term_months: 12, purpose: '采购原材料', contact_name: undefined, contact_phone: undefined })
    expect(needErrors(t, { ...form, term_months: '6.5' })).toEqual({ term_months: 'financing.form.termInvalid' })
  })
})

describe('the product form', () => {
  it('shows a range whose upper end is below its lower end at the upper end, as the API names it', () => {
    const form = { ...productFormOf(TECH_LOAN), rate_min: '5', rate_max: '4.2', term_max: '6.5' }
    const errors = productErrors(t, form)
    expect(errors.rate_max).toBe('financing.error.range_order')
    expect(errors.rate_min).toBeUndefined()
    expect(errors.term_max).toBe('financing.form.notWhole')
    expect(productErrors(t, productFormOf(TECH_LOAN))).toEqual({})
    expect(Object.keys(productErrors(t, productFormOf(null))).sort()).toEqual(
      ['amount_max', 'amount_min', 'bank', 'name', 'rate_max', 'rate_min', 'term_max', 'term_min'].sort(),
    )
  })

  it('sends only what changed, under the version it was read at', () => {
    const form = productFormOf(TECH_LOAN)
    expect(patchProductBody(TECH_LOAN, form)).toEqual({ version: 3 })
    form.rate_min = '3.2'
    form.description = ''
    form.size_classes = ['small_micro']
    expect(patchProductBody(TECH_LOAN, form)).toEqual({
      version: 3,
      rate_min: 3.2,
      description: null,
      conditions: { ...TECH_LOAN.conditions, size_classes: ['small_micro'] },
    })
  })
})
