import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'

import admin from '@/i18n/messages/admin'
import policies from '@/i18n/messages/policies'
import {
  apiQuery,
  conditionsOf,
  conditionWords,
  createBody,
  filtersFromQuery,
  formField,
  formOf,
  jobFinished,
  jobMatched,
  localErrors,
  NO_FILTERS,
  paragraphs,
  patchBody,
  queryFromFilters,
  validity,
  type Conditions,
  type Policy,
} from './policies'

function translator(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({
    legacy: false,
    locale,
    messages: {
      'zh-CN': { admin: admin.zh, policies: policies.zh },
      en: { admin: admin.en, policies: policies.en },
    },
  })
  return i18n.global.t as (key: string, values?: Record<string, unknown>) => string
}
const zh = translator('zh-CN')
const en = translator('en')

const NONE: Conditions = {
  industries: [],
  size_classes: [],
  towns: [],
  key_tech: false,
  major_project: false,
  employees: null,
  revenue: null,
}

function policy(over: Partial<Policy> = {}): Policy {
  return {
    id: 'P-20260601-a1b2c3',
    title: '如东县支持工业企业技术改造的若干政策',
    issuer: '县工业和信息化局',
    doc_number: '东政发〔2026〕12号',
    summary: null,
    body: '第一条 为推动工业企业转型升级……',
    effective_from: '2026-01-01',
    expires_on: '2027-12-31',
    conditions: { ...NONE, industries: ['industry'], size_classes: ['designated'] },
    conditions_text: '行业：工业；规模：规上',
    status: 'draft',
    published_at: null,
    interpretations: [],
    attachments: [],
    withdrawal: null,
    push_job_id: null,
    application: null,
    expired: false,
    version: 3,
    created_at: '2026-06-01T09:00:00+08:00',
    updated_at: '2026-06-01T09:00:00+08:00',
    ...over,
  }
}

describe('the catalogue filters', () => {
  it('reads the address, dropping values the API does not know', () => {
    expect(filtersFromQuery({ q: ' 设施 用地 ', industry: 'agriculture', size_class: 'huge', include_expired: 'true' })).toEqual({
      q: '设施 用地',
      industry: 'agriculture',
      size_class: '',
      include_expired: true,
      applying: false,
    })
    expect(filtersFromQuery({})).toEqual(NO_FILTERS)
    expect(filtersFromQuery({ applying: 'true' })).toEqual({ ...NO_FILTERS, applying: true })
    expect(filtersFromQuery({ q: ['技改', '用地'], include_expired: 'yes' })).toEqual({ ...NO_FILTERS, q: '技改' })
    expect(filtersFromQuery({ q: '长'.repeat(80) }).q).toHaveLength(50)
  })

  it('writes only what is filtered into the address, and reads it back the same', () => {
    expect(queryFromFilters(NO_FILTERS)).toEqual({})
    const f = { q: '技术改造', industry: 'industry' as const, size_class: 'designated' as const, include_expired: true, applying: true }
    const q = queryFromFilters(f)
    expect(q).toEqual({ q: '技术改造', industry: 'industry', size_class: 'designated', include_expired: 'true', applying: 'true' })
    expect(apiQuery(f, null)).toMatchObject({ applying: true, include_expired: true })
    expect(filtersFromQuery(q as Record<string, string>)).toEqual(f)
  })

  it('asks the API for every keyword once, with the filters and the cursor', () => {
    expect(apiQuery(NO_FILTERS, null)).toEqual({ limit: 20 })
    expect(apiQuery({ q: '  设施\u3000 用地\t', industry: 'agriculture', size_class: '', include_expired: false, applying: false }, 'c2')).toEqual({
      q: '设施 用地',
      industry: 'agriculture',
      limit: 20,
      cursor: 'c2',
    })
    expect(apiQuery({ ...NO_FILTERS, include_expired: true }, null).include_expired).toBe(true)
  })
})

describe('a policy in words', () => {
  it('says the conditions as the API does, in Chinese', () => {
    expect(conditionWords(zh, { ...NONE, industries: ['industry'], size_classes: ['designated'] })).toBe('行业：工业；规模：规上')
    const all: Conditions = {
      industries: ['agriculture', 'industry'],
      size_classes: ['above_100m', 'designated'],
      towns: ['掘港街道', '长沙镇'],
      key_tech: true,
      major_project: true,
      employees: { min: 50, max: 300 },
      revenue: { min: 2000, max: null },
    }
    expect(conditionWords(zh, all)).toBe(
      '行业：农业、工业；规模：亿元以上、规上；乡镇：掘港街道、长沙镇；重点科技型企业；省市重大项目；从业人数：50–300人；营业收入：≥2000万元',
    )
    expect(conditionWords(zh, { ...NONE, employees: { min: null, max: 50 } })).toBe('从业人数：≤50人')
    expect(conditionWords(zh, NONE)).toBe('所有企业')
  })

  it('says them in English too', () => {
    expect(conditionWords(en, { ...NONE, industries: ['industry'], size_classes: ['designated'], key_tech: true })).toBe(
      'Industry: Industry; Size: Designated size; Key technology enterprise',
    )
    expect(conditionWords(en, NONE)).toBe('Every enterprise')
  })

  it('says when it is in force', () => {
    expect(validity(zh, { effective_from: '2026-01-01', expires_on: '2027-12-31' })).toBe('2026-01-01 至 2027-12-31')
    expect(validity(zh, { effective_from: '2026-01-01', expires_on: null })).toBe('2026-01-01 起长期有效')
  })

  it('splits a text into its paragraphs, as text', () => {
    expect(paragraphs('第一条 总则。\r\n\n  第二条 适用范围。\u3000\n<b>第三条</b>')).toEqual([
      '第一条 总则。',
      '第二条 适用范围。',
      '<b>第三条</b>',
    ])
    expect(paragraphs('')).toEqual([])
    expect(paragraphs(null)).toEqual([])
  })
})

describe('the drafting form', () => {
  it('sends a draft with its conditions, empty optional fields as null', () => {
    const f = formOf(null)
    Object.assign(f, {
      title: ' 技改补助 ',
      issuer: '县工信局',
      body: '正文',
      effective_from: '2026-06-01',
      industries: ['industry'],
      size_classes: ['designated', 'above_100m'],
      towns: [' 掘港街道', '掘港街道', ''],
      employees_min: '50',
      revenue_max: '5000.5',
    })
    expect(createBody(f)).toEqual({
      title: '技改补助',
      issuer: '县工信局',
      doc_number: null,
      summary: null,
      body: '正文',
      effective_from: '2026-06-01',
      expires_on: null,
      conditions: {
        industries: ['industry'],
        size_classes: ['above_100m', 'designated'],
        towns: ['掘港街道'],
        key_tech: false,
        major_project: false,
        employees: { min: 50, max: null },
        revenue: { min: null, max: 5000.5 },
      },
    })
  })

  it('changes only what was changed, under the version it was read at', () => {
    const p = policy()
    const f = formOf(p)
    expect(patchBody(p, f)).toEqual({ version: 3 })
    f.doc_number = ''
    f.expires_on = ''
    f.towns = ['长沙镇']
    expect(patchBody(p, f)).toEqual({
      version: 3,
      doc_number: null,
      expires_on: null,
      conditions: { ...conditionsOf(formOf(p)), towns: ['长沙镇'] },
    })
  })

  it('catches what it can before sending', () => {
    const f = formOf(null)
    expect(localErrors(zh, f)).toEqual({ title: '必填', issuer: '必填', body: '必填', effective_from: '必填' })
    Object.assign(f, {
      title: '标题',
      issuer: '县工信局',
      body: '正文',
      effective_from: '2026-06-01',
      expires_on: '2026-05-31',
      employees_min: '300',
      employees_max: '50',
      revenue_min: '-1',
      revenue_max: '12.5',
    })
    expect(localErrors(zh, f)).toEqual({
      expires_on: '失效日期早于生效日期',
      'conditions.employees': '最少不能大于最多',
      'conditions.revenue.min': '请填写不小于 0 的数字',
    })
    f.employees_min = '2.5'
    expect(localErrors(zh, f)['conditions.employees.min']).toBe('请填写整数')
  })

  it('shows a list item’s error at its list', () => {
    expect(formField('conditions.industries.0')).toBe('conditions.industries')
    expect(formField('conditions.towns')).toBe('conditions.towns')
    expect(formField('conditions.employees.min')).toBe('conditions.employees.min')
    expect(formField('title')).toBe('title')
  })
})

describe('the push job', () => {
  it('is finished when done or failed, and counts the enterprises told', () => {
    expect(jobFinished({ status: 'running' })).toBe(false)
    expect(jobFinished({ status: 'done' })).toBe(true)
    expect(jobFinished({ status: 'failed' })).toBe(true)
    expect(jobMatched({ counts: { matched: 3 }, result: null })).toBe(3)
    expect(jobMatched({ counts: { matched: 3 }, result: { processed: 10, matched: 4 } })).toBe(4)
    expect(jobMatched({ counts: {}, result: null })).toBe(0)
  })
})
