import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/api/problem'
import applications from '@/i18n/messages/applications'
import attachments from '@/i18n/messages/attachments'
import common from '@/i18n/messages/common'

const get = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./ApplicationPage.vue')).default

/** The error each form item shows, by its label (Element Plus renders it under the field). */
function errorsByLabel(wrapper: VueWrapper): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of wrapper.findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

const by = (name: string) => ({ username: name, role: 'department', display_name: name })

function application(over: Record<string, unknown> = {}) {
  return {
    id: 'SB-20261127-3fa9c1',
    policy_id: 'P-1',
    policy_title: '智能化改造专项资金',
    uscc: '91320623MA1MXXXX0D',
    enterprise_name: '如东恒润机械制造有限公司',
    form: { project_name: '数控机床智能化改造', summary: '购置五轴加工中心', amount: 300, contact_name: '张伟', contact_phone: '13812345678' },
    materials: [],
    eligibility: { matched: true, reasons: [{ condition: 'industry', text: '行业：工业' }] },
    reviewer_department_id: 'tax',
    reviewer_name: '县税务局',
    status: 'under_review',
    reason: null,
    history: [
      { status: 'submitted', at: '2026-11-27T02:00:00Z', by: by('张伟'), note: null },
      { status: 'under_review', at: '2026-11-27T03:00:00Z', by: by('钱峰'), note: null },
    ],
    submitted_at: '2026-11-27T02:00:00Z',
    decided_at: null,
    filed_by: 'ent-hengrun',
    version: 2,
    created_at: '2026-11-27T02:00:00Z',
    updated_at: '2026-11-27T03:00:00Z',
    actions: ['approve', 'reject'],
    ...over,
  }
}

async function setup() {
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, applications: applications.zh, attachments: attachments.zh } },
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p/>' } }] })
  const w = mount(Page, { props: { id: 'SB-20261127-3fa9c1' }, global: { plugins: [i18n, router] } })
  await flushPromises()
  return w
}

describe('ApplicationPage', () => {
  beforeEach(() => {
    get.mockReset()
    post.mockReset()
    get.mockResolvedValue(application())
  })

  it('shows the progress and the history with who and when, in Beijing time', async () => {
    const w = await setup()
    const steps = w.findAll('[data-step]')
    expect(steps.map((s) => s.attributes('data-step'))).toEqual(['submitted', 'under_review', 'decision'])
    expect(steps[1]?.attributes('data-step-status')).toBe('process')
    expect(steps[1]?.text()).toContain('2026-11-27 11:00')
    const history = w.findAll('[data-testid=application-history] li')
    expect(history[1]?.text()).toContain('钱峰 · 2026-11-27 11:00')
  })

  it('offers only the steps the API lists', async () => {
    const w = await setup()
    expect(w.findAll('[data-action]').map((b) => b.attributes('data-action'))).toEqual(['approve', 'reject'])
    get.mockResolvedValue(application({ status: 'approved', actions: [] }))
    const done = await setup()
    expect(done.find('[data-testid=application-actions]').exists()).toBe(false)
  })

  it('will not reject without a reason, and sends the reason under the version read', async () => {
    const w = await setup()
    await w.find('[data-action=reject]').trigger('click')
    await w.find('[data-form=reject]').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(w)).toEqual({ 驳回理由: '驳回必须填写理由' })
    post.mockResolvedValue(
      application({ status: 'rejected', reason: '投资额不足', actions: [], version: 3 }),
    )
    await w.find('textarea[data-field=note]').setValue('  投资额不足 ')
    await w.find('[data-form=reject]').trigger('submit')
    await flushPromises()
    expect(post.mock.calls[0]?.[1]).toMatchObject({
      params: { path: { application_id: 'SB-20261127-3fa9c1' } },
      body: { action: 'reject', version: 2, note: '投资额不足' },
    })
    expect(w.find('[data-testid=rejection-reason]').text()).toContain('投资额不足')
    expect(w.find('[data-testid=application-number]').attributes('data-version')).toBe('3')
  })

  it('asks to reload when someone else moved it first (409)', async () => {
    const w = await setup()
    post.mockRejectedValue(new ApiError(409, { type: 'x', title: 'x', status: 409, detail: '版本已变化', code: 'version_conflict' }))
    await w.find('[data-action=approve]').trigger('click')
    await w.find('[data-form=approve]').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid=application-conflict]').exists()).toBe(true)
    get.mockResolvedValue(application({ status: 'approved', actions: [], version: 3 }))
    await w.find('[data-testid=application-reload]').trigger('click')
    await flushPromises()
    expect(get).toHaveBeenCalledTimes(2)
    expect(w.find('[data-testid=application-conflict]').exists()).toBe(false)
  })
})
