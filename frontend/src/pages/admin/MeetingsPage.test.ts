import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { ApiError } from '@/api/problem'
import { session } from '@/auth/session'
import common from '@/i18n/messages/common'
import meetings from '@/i18n/messages/meetings'

const get = vi.fn()
const put = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: {
    GET: (...a: unknown[]) => get(...a),
    PUT: (...a: unknown[]) => put(...a),
    POST: (...a: unknown[]) => post(...a),
  },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./MeetingsPage.vue')).default
const AgendaEditor = (await import('./meetings/AgendaEditor.vue')).default
const RecordForm = (await import('./meetings/RecordForm.vue')).default
const DecisionForms = (await import('./meetings/DecisionForms.vue')).default

function keys(v: unknown, p = ''): string[] {
  if (typeof v !== 'object' || v === null) return [p]
  return Object.entries(v).flatMap(([k, x]) => keys(x, p ? `${p}.${k}` : k))
}

const DECISION = {
  departments: [{ id: 'natural-resources', name: '自然资源局', due_at: '2026-12-11T23:59:59+08:00' }],
  due_working_days: 10,
  supervision_due_at: '2026-12-11T23:59:59+08:00',
  notes: '月底前完成用地预审',
  decided_at: '2026-11-27T10:00:00+08:00',
  decided_by: { username: 'admin', role: 'admin', display_name: '管理员' },
  supervised: [],
  already_supervised: [],
  pending: [],
}
const ITEM = { kind: 'appeal', group_id: null, appeal_ids: [] }
function meeting(over: Record<string, unknown> = {}) {
  return {
    id: '2026-11',
    month: '2026-11',
    status: 'draft',
    held_at: null,
    chair: null,
    attendees: [],
    agenda: [
      { ...ITEM, appeal_id: 'XQT-1', title: '用地指标', reason: 'multi_department', decision: null },
      { ...ITEM, appeal_id: 'XQT-2', title: '融资难', reason: 'overdue', decision: null },
    ],
    flagged_at: null,
    proposals: [],
    proposals_at: null,
    version: 3,
    created_at: null,
    updated_at: null,
    ...over,
  }
}
const OCTOBER = meeting({ id: '2026-10', month: '2026-10', status: 'missed', agenda: [], flagged_at: '2026-11-02T00:05:00+08:00' })
const APPEALS = [
  { id: 'XQT-1', title: '用地指标', escalation_level: 2, escalation_reason: 'multi_department', status: 'processing' },
  { id: 'XQT-3', title: '招工难', escalation_level: 2, escalation_reason: 'common', status: 'received' },
  { id: 'XQT-4', title: '一级', escalation_level: 1, escalation_reason: 'overdue', status: 'processing' },
  { id: 'XQT-5', title: '已办结', escalation_level: 2, escalation_reason: 'other', status: 'closed' },
]

let current: ReturnType<typeof meeting> | null
function serve() {
  get.mockImplementation(async (path: string, opts?: { params?: { query?: Record<string, unknown> } }) => {
    if (path === '/api/v1/health') return { now: '2026-11-27T10:00:00+08:00' }
    if (path === '/api/v1/meetings') return { items: current ? [current, OCTOBER] : [OCTOBER], next_cursor: null }
    if (path === '/api/v1/meetings/{month}') {
      if (!current) throw new ApiError(404, { type: 'x', title: '未找到', status: 404, detail: '不存在', code: 'not_found' })
      return current
    }
    if (path === '/api/v1/departments') {
      return { items: [{ id: 'natural-resources', name: '自然资源局', active: true }, { id: 'finance', name: '财政局', active: true }], next_cursor: null }
    }
    if (path === '/api/v1/appeals') {
      // the API's escalation queue: open appeals at that level only
      const level = opts?.params?.query?.escalation_level
      const open = (a: (typeof APPEALS)[number]) => a.status === 'received' || a.status === 'processing'
      return { items: APPEALS.filter((a) => level === undefined || (a.escalation_level === level && open(a))), next_cursor: null }
    }
    throw new Error(path)
  })
}

async function setup(role: 'admin' | 'supervisor') {
  session.user = { username: role, role, display_name: role, department_id: null } as unknown as Me
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, meetings: meetings.zh } },
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/meetings', component: Page },
      { path: '/appeals/:id', component: { template: '<p>detail</p>' } },
    ],
  })
  await router.push('/admin/meetings')
  await router.isReady()
  const wrapper = mount(Page, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

/** The error each form item of a form shows, by its label. */
function errorsByLabel(form: ReturnType<Awaited<ReturnType<typeof setup>>['wrapper']['find']>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of form.findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

type State = {
  addId: string
  record: { held_at: string; chair: string; attendees: string[] }
  decisionForms: Record<string, { departments: string[]; days: number | undefined; notes: string }>
}
/** The setup state of one of the page's parts (meetings/…). */
const state = (w: Awaited<ReturnType<typeof setup>>['wrapper'], part: typeof AgendaEditor) =>
  (w.findComponent(part).vm as unknown as { $: { setupState: State } }).$.setupState

// the first mount compiles the whole page (Element Plus included): slow on a busy machine
describe('MeetingsPage', { timeout: 20_000 }, () => {
  beforeEach(() => {
    get.mockReset(); put.mockReset(); post.mockReset()
    current = meeting()
    serve()
  })

  it('has the same keys in Chinese and English', () => {
    expect(keys(meetings.en).sort()).toEqual(keys(meetings.zh).sort())
  })

  it('lets a supervisor read the months and the agenda, nothing more', async () => {
    current = meeting({ status: 'held', held_at: '2026-11-27', chair: '王县长', attendees: ['发改委', '财政局'],
      agenda: [{ ...ITEM, appeal_id: 'XQT-1', title: '用地指标', reason: 'multi_department', decision: DECISION }] })
    const { wrapper } = await setup('supervisor')
    const months = wrapper.find('[data-testid=meetings-list]')
    expect(months.attributes('aria-label')).toBe('各月集中会办')
    expect(months.find('[data-month="2026-11"]').text()).toContain('已召开')
    expect(months.find('[data-month="2026-10"]').text()).toContain('未召开（已通报）')
    expect(months.find('[data-month="2026-10"]').text()).toContain('2026-11-02 00:05 通报')
    const agenda = wrapper.find('[data-testid=meeting-agenda]')
    const row = agenda.find('[data-appeal="XQT-1"]')
    expect(row.find('a').attributes('href')).toBe('/appeals/XQT-1')
    expect(row.text()).toContain('涉及多部门')
    expect(row.text()).toContain('自然资源局')
    expect(row.text()).toContain('2026-12-11 23:59')
    expect(row.text()).toContain('月底前完成用地预审')
    expect(wrapper.text()).toContain('王县长')
    expect(wrapper.find('[data-testid=meeting-record-form]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=agenda-form]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=decisions]').exists()).toBe(false)
    expect(get.mock.calls.some(([p]) => p === '/api/v1/appeals')).toBe(false)
  })

  it('edits the agenda with the open level-2 appeals only, and shows refusals by row', async () => {
    const { wrapper } = await setup('admin')
    const select = wrapper.findComponent('[data-testid=agenda-add-select]')
    const offered = (select.findAllComponents({ name: 'ElOption' }) as { props: (k: string) => unknown }[]).map((o) => o.props('value'))
    expect(offered).toEqual(['XQT-3'])
    // asked of the API, not filtered here from every appeal
    const asked = get.mock.calls.filter(([p]) => p === '/api/v1/appeals')
    expect(asked).toHaveLength(1)
    expect(asked[0][1].params.query).toEqual({ scope: 'all', escalation_level: 2, limit: 100 })
    state(wrapper, AgendaEditor).addId = 'XQT-3'
    await flushPromises()
    await wrapper.find('[data-testid=agenda-add]').trigger('click')
    await wrapper.find('[data-appeal="XQT-1"] [data-testid=agenda-remove]').trigger('click')
    expect(wrapper.text()).toContain('议程有未保存的修改')
    put.mockRejectedValueOnce(new ApiError(400, { type: 'x', title: 't', status: 400, detail: 'd', code: 'validation_error',
      errors: [{ field: 'appeal_ids.1', code: 'not_level_two', message: '诉求 XQT-3 不是二级升级诉求' }] }))
    await wrapper.find('[data-testid=agenda-form]').trigger('submit')
    await flushPromises()
    const [path, opts] = put.mock.calls[0]
    expect(path).toBe('/api/v1/meetings/{month}/agenda')
    expect(opts).toMatchObject({ params: { path: { month: '2026-11' } }, body: { version: 3, appeal_ids: ['XQT-2', 'XQT-3'] } })
    expect(wrapper.find('[data-appeal="XQT-3"]').text()).toContain('不是二级升级诉求')
    expect(wrapper.find('[data-appeal="XQT-2"] [role=alert]').exists()).toBe(false)
  })

  it('records the meeting, and reloads on a version conflict', async () => {
    const { wrapper } = await setup('admin')
    const form = wrapper.find('[data-testid=meeting-record-form]')
    expect(state(wrapper, RecordForm).record.held_at).toBe('2026-11-27')
    await form.trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(form)).toEqual({ 主持人: '必填', '参会单位/人员': '必填' })

    Object.assign(state(wrapper, RecordForm).record, { chair: ' 王县长 ', attendees: ['发改委', '财政局'] })
    post.mockRejectedValueOnce(new ApiError(409, { type: 'x', title: 't', status: 409, detail: '版本已变', code: 'version_conflict' }))
    const before = get.mock.calls.filter(([p]) => p === '/api/v1/meetings/{month}').length
    await form.trigger('submit')
    await flushPromises()
    expect(post.mock.calls[0][1].body).toEqual({ version: 3, held_at: '2026-11-27', chair: '王县长', attendees: ['发改委', '财政局'] })
    expect(get.mock.calls.filter(([p]) => p === '/api/v1/meetings/{month}').length).toBe(before + 1)

    post.mockResolvedValueOnce(meeting({ status: 'held', held_at: '2026-11-27', chair: '王县长', attendees: ['发改委'], version: 4 }))
    await wrapper.find('[data-testid=meeting-record-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid=meeting-record-form]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=decision-form-XQT-1]').exists()).toBe(true)
    expect(wrapper.find('[data-month="2026-11"]').text()).toContain('已召开')
  })

  it('decides a held meeting item and shows field errors next to fields', async () => {
    current = meeting({ status: 'held', held_at: '2026-11-27', chair: '王县长', attendees: ['发改委'] })
    const { wrapper } = await setup('admin')
    const form = wrapper.find('[data-testid=decision-form-XQT-2]')
    await form.trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(form)).toEqual({ '责任单位（可多选）': '必填', '办理时限（工作日，1–60）': '必填' })

    Object.assign(state(wrapper, DecisionForms).decisionForms['XQT-2'], { departments: ['finance'], days: 10, notes: ' 本月内办结 ' })
    post.mockRejectedValueOnce(new ApiError(400, { type: 'x', title: 't', status: 400, detail: 'd', code: 'validation_error',
      errors: [{ field: 'departments.0', code: 'reference_not_found', message: '部门 finance 不存在' }] }))
    await form.trigger('submit')
    await flushPromises()
    expect(post.mock.calls[0][0]).toBe('/api/v1/meetings/{month}/decisions')
    expect(post.mock.calls[0][1].body).toEqual({ version: 3, appeal_id: 'XQT-2', departments: ['finance'], due_working_days: 10, notes: '本月内办结' })
    expect(errorsByLabel(form)).toEqual({ '责任单位（可多选）': '部门 finance 不存在' })

    post.mockResolvedValueOnce(meeting({ status: 'held', version: 4, agenda: [
      { ...ITEM, appeal_id: 'XQT-1', title: '用地指标', reason: 'multi_department', decision: null },
      { ...ITEM, appeal_id: 'XQT-2', title: '融资难', reason: 'overdue', decision: DECISION },
    ] }))
    await form.trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid=decision-form-XQT-2]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=decision-form-XQT-1]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=meeting-agenda] [data-appeal="XQT-2"]').text()).toContain('自然资源局')
  })

  it('accepts a proposed common issue onto the agenda, its appeals set apart from the level-2 ones', async () => {
    const members = ['XQT-7', 'XQT-8', 'XQT-9']
    const proposal = {
      id: 'CP-XQT-7', title: '园区变压器容量不足', category: 'project', departments: [], appeal_ids: members,
      appeals: [], enterprises: [{ key: 'U1' }, { key: 'U2' }, { key: 'U3' }], score: 0.72, status: 'proposed',
    }
    current = meeting({ proposals: [proposal], proposals_at: '2026-11-02T09:00:00+08:00' })
    const { wrapper } = await setup('admin')
    const row = wrapper.find('[data-proposal="CP-XQT-7"]')
    expect(row.text()).toContain('园区变压器容量不足')
    expect(row.text()).toContain('72%')
    expect(row.find('a').attributes('href')).toBe('/admin/meetings/2026-11/proposals/CP-XQT-7')

    const common = { kind: 'common', group_id: 'CP-XQT-7', appeal_ids: members, appeal_id: 'XQT-7',
      title: '园区变压器容量不足', reason: 'common', decision: null }
    post.mockResolvedValueOnce(meeting({ version: 4, agenda: [...current.agenda, common],
      proposals: [{ ...proposal, status: 'accepted' }] }))
    await row.find('[data-testid=proposal-accept]').trigger('click')
    await flushPromises()
    expect(post.mock.calls[0][0]).toBe('/api/v1/meetings/{month}/proposals/{group_id}/accept')
    expect(post.mock.calls[0][1]).toEqual({ params: { path: { month: '2026-11', group_id: 'CP-XQT-7' } }, body: { version: 3 } })
    const item = wrapper.find('[data-testid=meeting-agenda] [data-kind="common"]')
    expect(item.text()).toContain('共性诉求')
    expect(item.text()).toContain('3 件诉求')
    expect(wrapper.find('[data-proposal="CP-XQT-7"]').text()).toContain('已采纳')

    // saving the agenda sends the level-2 appeals only: the common item stays by its proposal
    state(wrapper, AgendaEditor).addId = 'XQT-3'
    await flushPromises()
    await wrapper.find('[data-testid=agenda-add]').trigger('click')
    put.mockResolvedValueOnce(meeting({ version: 5 }))
    await wrapper.find('[data-testid=agenda-form]').trigger('submit')
    await flushPromises()
    expect(put.mock.calls[0][1].body).toEqual({ version: 4, appeal_ids: ['XQT-1', 'XQT-2', 'XQT-3'] })
  })

  it('explains a month the job has not drafted yet', async () => {
    current = null
    const { wrapper } = await setup('admin')
    expect(wrapper.find('[data-month="2026-11"]').text()).toContain('未起草')
    expect(wrapper.text()).toContain('2026年11月的集中会办尚未起草')
    expect(wrapper.find('[data-testid=meeting-empty]').text()).toContain('每月第一个工作日')
    // the months' list already said so: no request that could only be a 404
    expect(get).not.toHaveBeenCalledWith('/api/v1/meetings/{month}', expect.anything())
    // what can be done meanwhile: the appeals the draft will list, and the latest meeting
    expect(wrapper.find('[data-testid=meeting-empty-level2]').attributes('href')).toBe('/appeals?escalation=2')
    const latest = wrapper.find('[data-testid=meeting-empty-latest]')
    expect(latest.text()).toBe('查看最近一次会办（2026年10月）')
    expect(latest.attributes('href')).toBe('/admin/meetings?month=2026-10')
  })

  it('asks for a month older than the months listed so far', async () => {
    current = null
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/health') return { now: '2026-11-27T10:00:00+08:00' }
      // a long history: the first page stops at October, more to come
      if (path === '/api/v1/meetings') return { items: [OCTOBER], next_cursor: 'more' }
      if (path === '/api/v1/meetings/{month}') throw new ApiError(404, { type: 'x', title: '未找到', status: 404, detail: '不存在', code: 'not_found' })
      throw new Error(path)
    })
    const { wrapper, router } = await setup('supervisor')
    expect(get).not.toHaveBeenCalledWith('/api/v1/meetings/{month}', expect.anything()) // November: newer than the list's oldest
    await router.push('/admin/meetings?month=2025-01')
    await flushPromises()
    expect(get).toHaveBeenCalledWith('/api/v1/meetings/{month}', { params: { path: { month: '2025-01' } } })
    expect(wrapper.find('[data-testid=meeting-empty]').exists()).toBe(true)
  })
})
