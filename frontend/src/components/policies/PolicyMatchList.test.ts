import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Schemas } from '@/api/client'
import admin from '@/i18n/messages/admin'
import policies from '@/i18n/messages/policies'
import PolicyMatchList from './PolicyMatchList.vue'

type PolicyMatch = Schemas['PolicyMatch']
type Reason = Schemas['Reason']

function item(id: string, title: string, reasons: Reason[], failed: Reason[] = []): PolicyMatch {
  return {
    policy: {
      id,
      title,
      issuer: '县工业和信息化局',
      doc_number: null,
      summary: null,
      effective_from: '2026-01-01',
      expires_on: null,
      conditions_text: '行业：工业；规模：规上',
      interpretations: 0,
      published_at: '2026-06-15T10:00:00+08:00',
      expired: false,
      application: null,
    },
    match: { matched: failed.length === 0, reasons, failed },
    near_miss: failed.length === 1,
  }
}

const INDUSTRY: Reason = { condition: 'industry', text: '行业：工业' }
const SIZE: Reason = { condition: 'size_class', text: '规模：规上' }
const ITEMS = [
  item('P-1', '技改补助', [INDUSTRY, SIZE]),
  item('P-2', '普惠政策', []),
  item('P-3', '重大项目扶持', [INDUSTRY, SIZE], [{ condition: 'major_project', text: '须有省市重大项目' }]),
]

function setup(props: Record<string, unknown>) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { admin: admin.zh, policies: policies.zh } } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)', component: { template: '<p />' } }] })
  return mount(PolicyMatchList, { props: props as never, global: { plugins: [i18n, router] } })
}

const chips = (w: ReturnType<typeof setup>, selector: string) =>
  w.findAll(`${selector} li`).map((li) => li.text())

describe('PolicyMatchList', () => {
  it('shows each match with the conditions it meets, then each near miss with the one it fails', () => {
    const w = setup({ items: ITEMS })
    expect(w.find('[data-testid=matched] h2').text()).toBe('符合条件（2）')
    expect(chips(w, '[data-match="P-1"] [data-reasons=met]')).toEqual(['行业：工业', '规模：规上'])
    expect(chips(w, '[data-match="P-2"] [data-reasons=met]')).toEqual(['所有企业'])
    expect(w.find('[data-match="P-1"] a').attributes('href')).toBe('/policies/P-1')
    expect(w.find('[data-testid=near-misses] h2').text()).toBe('差一项条件（1）')
    expect(chips(w, '[data-near-miss="P-3"] [data-reasons=failed]')).toEqual(['未满足：须有省市重大项目'])
    expect(chips(w, '[data-near-miss="P-3"] [data-reasons=met]')).toEqual(['行业：工业', '规模：规上'])
  })

  it('is shorter for staff: the failed condition only, headings one level down', () => {
    const w = setup({ items: ITEMS, compact: true, level: 'h3' })
    expect(w.find('[data-testid=matched] h3').text()).toBe('符合条件（2）')
    expect(w.find('[data-match="P-1"] h4').text()).toBe('技改补助')
    expect(w.find('[data-near-miss="P-3"] [data-reasons=met]').exists()).toBe(false)
    expect(w.find('[data-testid=conditions-text]').exists()).toBe(false)
  })

  it('says when nothing is fully met', () => {
    const w = setup({ items: [ITEMS[2]] })
    expect(w.find('[data-testid=matched]').text()).toContain('暂无完全符合条件的政策。')
  })
})
