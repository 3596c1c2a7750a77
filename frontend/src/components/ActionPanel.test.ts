import { flushPromises, mount } from '@vue/test-utils'
import { ElMessage, ElMessageBox } from 'element-plus'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import type { AppealDetail } from '@/api/client'
import { ApiError } from '@/api/problem'
import { i18n, setLocale } from '@/i18n'

const post = vi.fn()
const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { POST: (...args: unknown[]) => post(...args), GET: (...args: unknown[]) => get(...args) },
  unwrap: async (call: Promise<unknown>) => call,
}))
vi.mock('element-plus', async (original) => {
  const real = await original<typeof import('element-plus')>()
  const message = Object.assign(vi.fn(), { success: vi.fn(), warning: vi.fn(), error: vi.fn() })
  return { ...real, ElMessage: message }
})

const ActionPanel = (await import('./ActionPanel.vue')).default

type Part = { id: string; name: string; status: string; due_at: string; signed_at: string | null }
function part(over: Partial<Part> = {}): Part {
  return { id: 'tax', name: '县税务局', status: 'open', due_at: '2026-12-10T23:59:59+08:00', signed_at: null, ...over }
}
function appeal(status: string, actions: string[], over: Record<string, unknown> = {}): AppealDetail {
  return {
    id: 'XQT-20261207-0001',
    version: 3,
    status,
    actions,
    departments: [],
    urgency: 'normal',
    reply_due_at: '2026-12-14T23:59:59+08:00',
    assignee: { id: 'c1', name: '王专员' },
    escalation_level: 0,
    supervision: null,
    supervision_due_at: null,
    merged_into: null,
    category: 'other',
    ...over,
  } as unknown as AppealDetail
}

function setup(a: AppealDetail) {
  return mount(ActionPanel, { props: { appeal: a }, global: { plugins: [i18n] }, attachTo: document.body })
}
const primary = (w: ReturnType<typeof setup>) => w.find('[data-primary="true"]')
const labels = (w: ReturnType<typeof setup>, selector: string) => w.findAll(`${selector} [data-action]`).map((b) => b.attributes('data-action'))
const said = () => (ElMessage as unknown as ReturnType<typeof vi.fn>).mock.calls.at(-1)?.[0]?.message

describe('ActionPanel: the one primary step per role and state', () => {
  beforeEach(() => setLocale('zh-CN'))

  it.each([
    ['the owner, received', appeal('received', ['accept', 'transfer', 'reassign', 'merge', 'void']), 'accept', '受理'],
    ['the owner, processing, nothing sent out', appeal('processing', ['transfer', 'reply', 'pause', 'request_extension', 'set_urgency']), 'reply', '答复企业'],
    ['the owner, processing, every part answered', appeal('processing', ['transfer', 'reply', 'pause'], { departments: [part({ status: 'replied' })] }), 'reply', '答复企业'],
    ['a department, unsigned part', appeal('processing', ['accept_part', 'department_reply', 'return'], { departments: [part()] }), 'accept_part', '签收'],
    ['a department, signed part', appeal('processing', ['department_reply', 'return'], { departments: [part({ signed_at: '2026-12-07T10:00:00+08:00' })] }), 'department_reply', '部门反馈'],
    ['the operator, replied', appeal('replied', ['callback', 'reassign']), 'callback', '记录回访'],
    ['the enterprise, replied', appeal('replied', ['confirm']), 'confirm', '评价答复'],
    ['the owner, paused', appeal('processing', ['resume', 'reply', 'transfer']), 'resume', '恢复办理'],
    ['the centre, an extension asked', appeal('processing', ['approve_extension', 'reject_extension', 'escalate', 'supervise']), 'approve_extension', '批准延期'],
  ])('%s', (_, a, action, label) => {
    const w = setup(a)
    expect(primary(w).attributes('data-action')).toBe(action)
    expect(primary(w).text()).toBe(label)
    expect(primary(w).classes()).toContain('el-button--primary')
    // one primary button only
    expect(w.findAll('.el-button--primary')).toHaveLength(1)
  })

  it('waits for the departments: no primary reply while a part is open', () => {
    const w = setup(appeal('processing', ['transfer', 'reply', 'pause'], { departments: [part()] }))
    expect(primary(w).exists()).toBe(false)
    expect(labels(w, '.groups')).toEqual(['transfer', 'reply', 'pause'])
  })

  it('keeps the rare steps under 更多操作 and the irreversible ones apart', async () => {
    const w = setup(appeal('received', ['accept', 'transfer', 'reassign', 'set_urgency', 'merge', 'void']))
    expect(labels(w, '.groups')).toEqual(['accept', 'transfer'])
    expect(w.find('[data-testid="more-list"]').exists()).toBe(false)
    await w.find('[data-testid="more-actions"]').trigger('click')
    expect(w.find('[data-testid="more-actions"]').text()).toContain('更多操作')
    expect(labels(w, '[data-testid="more-list"]')).toEqual(['reassign', 'set_urgency'])
    expect(labels(w, '[data-testid="irreversible-actions"]')).toEqual(['merge', 'void'])
    expect(w.find('[data-testid="irreversible-actions"]').text()).toContain('不可撤销的操作')
  })
})

describe('ActionPanel: one click, and words for what happened', () => {
  beforeEach(() => {
    setLocale('zh-CN')
    post.mockReset()
    get.mockReset()
    vi.restoreAllMocks()
    ;(ElMessage as unknown as ReturnType<typeof vi.fn>).mockReset()
  })

  it('受理 posts at the first click and says when to reply by', async () => {
    const updated = appeal('processing', ['transfer', 'reply'], { version: 4, reply_due_at: '2026-12-10T23:59:59+08:00' })
    post.mockResolvedValue(updated)
    const w = setup(appeal('received', ['accept', 'transfer']))
    await primary(w).trigger('click')
    await flushPromises()
    expect(post).toHaveBeenCalledOnce()
    expect((post.mock.calls[0] as [string, { body: unknown }])[1].body).toEqual({ type: 'accept', version: 3 })
    expect(w.find('form').exists()).toBe(false) // no second, identical click
    expect(said()).toBe('已受理，请在 2026-12-10 23:59 前答复。')
    expect(w.emitted('updated')?.[0]).toEqual([updated])
  })

  it('a one-click step refused for a conflict has the case read again, with one word and no error', async () => {
    post.mockRejectedValue(new ApiError(409, { type: 'x', title: '冲突', status: 409, detail: '已被修改', code: 'version_conflict' }))
    const w = setup(appeal('received', ['accept', 'transfer']))
    await primary(w).trigger('click')
    await flushPromises()
    expect(w.emitted('stale')).toHaveLength(1)
    expect(w.emitted('updated')).toBeUndefined()
    expect((ElMessage as unknown as { warning: ReturnType<typeof vi.fn> }).warning).toHaveBeenCalledWith(i18n.global.t('common.state.conflict'))
    expect((ElMessage as unknown as { error: ReturnType<typeof vi.fn> }).error).not.toHaveBeenCalled()
  })

  it('a one-click step refused for another reason says why, having no form to say it in', async () => {
    post.mockRejectedValue(new ApiError(409, { type: 'x', title: '不可', status: 409, detail: '诉求已作废', code: 'invalid_transition' }))
    const w = setup(appeal('received', ['accept', 'transfer']))
    await primary(w).trigger('click')
    await flushPromises()
    expect(w.emitted('stale')).toBeUndefined()
    expect((ElMessage as unknown as { error: ReturnType<typeof vi.fn> }).error).toHaveBeenCalledWith('诉求已作废')
  })

  it('签收 says by when the part is answered', async () => {
    const before = appeal('processing', ['accept_part', 'department_reply'], { departments: [part()] })
    post.mockResolvedValue(
      appeal('processing', ['department_reply'], { version: 4, departments: [part({ signed_at: '2026-12-07T10:00:00+08:00' })] }),
    )
    const w = setup(before)
    await primary(w).trigger('click')
    await flushPromises()
    expect(said()).toBe('已签收，请在 2026-12-10 23:59 前答复本部门办理事项。')
  })

  it('转办 names the units it went to', async () => {
    get.mockResolvedValue({ items: [] })
    post.mockResolvedValue(
      appeal('processing', ['reply'], { version: 4, departments: [part(), part({ id: 'hr', name: '县人社局' })] }),
    )
    const w = setup(appeal('processing', ['transfer', 'reply']))
    await w.find('[data-action="transfer"]').trigger('click')
    await flushPromises()
    const state = (w.vm as unknown as { $: { setupState: { form: { departments: string[] } } } }).$.setupState
    state.form.departments = ['tax', 'hr']
    await w.find('form[data-form="transfer"]').trigger('submit')
    await flushPromises()
    expect(said()).toBe('已转办至县税务局、县人社局。')
  })

  it('挂起 says the deadline is stopped, never 已保存', async () => {
    post.mockResolvedValue(appeal('processing', ['resume'], { version: 4, paused: true }))
    const w = setup(appeal('processing', ['reply', 'pause']))
    await w.find('[data-action="pause"]').trigger('click')
    const state = (w.vm as unknown as { $: { setupState: { form: { note: string } } } }).$.setupState
    state.form.note = '营业执照副本'
    await w.find('form[data-form="pause"]').trigger('submit')
    await flushPromises()
    expect(said()).toBe('已挂起，期限暂停。')
    expect(said()).not.toContain('已保存')
  })

  it('speaks English when switched', async () => {
    setLocale('en')
    post.mockResolvedValue(appeal('processing', ['reply'], { version: 4, reply_due_at: '2026-12-10T23:59:59+08:00' }))
    const w = setup(appeal('received', ['accept']))
    await primary(w).trigger('click')
    await flushPromises()
    expect(said()).toBe('Accepted: reply by 2026-12-10 23:59.')
  })

  it('作废 is posted only after the confirmation naming the case', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm')
    confirm.mockRejectedValueOnce('cancel')
    post.mockResolvedValue(appeal('closed', [], { version: 4 }))
    const w = setup(appeal('received', ['accept', 'void']))
    await w.find('[data-action="void"]').trigger('click')
    const state = (w.vm as unknown as { $: { setupState: { form: { reason: string } } } }).$.setupState
    state.form.reason = '测试数据'
    await w.find('form[data-form="void"]').trigger('submit')
    await flushPromises()
    expect(confirm.mock.calls[0]?.[0]).toBe('作废 XQT-20261207-0001 后不可撤销：诉求将办结，不再办理。确定作废吗？')
    expect(post).not.toHaveBeenCalled()
    confirm.mockResolvedValueOnce('confirm' as never)
    await w.find('form[data-form="void"]').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledOnce()
    expect(said()).toBe('已作废，诉求不再办理。')
  })
})

describe('ActionPanel: 回访 and the rating suggest no answer', () => {
  beforeEach(() => {
    setLocale('zh-CN')
    post.mockReset()
  })

  it.each([
    ['the operator', 'callback'],
    ['the enterprise', 'confirm'],
  ])('%s: nothing chosen; submitting says what is missing under each field and focuses the first', async (_who, action) => {
    post.mockResolvedValue(appeal('closed', [], { version: 4 }))
    const w = setup(appeal('replied', [action]))
    await w.find(`[data-action="${action}"]`).trigger('click')
    await flushPromises()
    const form = w.find(`form[data-form="${action}"]`)
    expect(form.findAll('input[type=radio]').some((r) => (r.element as HTMLInputElement).checked)).toBe(false)
    expect(form.findAll('.el-rate__item .is-active')).toHaveLength(0)
    await form.trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    const errors = () =>
      form
        .findAllComponents({ name: 'ElFormItem' })
        .map((i: { props: (k: string) => unknown }) => i.props('error') as string | undefined)
        .filter(Boolean)
    expect(errors()).toEqual(['请选择是否解决', '请选择满意度'])
    expect(document.activeElement?.closest('.el-form-item')?.textContent).toContain('问题是否解决')
    // choosing 已解决 clears its message; the rating still missing is the one focused
    await form.findAll('input[type=radio]')[0]!.setValue(true)
    await form.trigger('submit')
    await flushPromises()
    expect(errors()).toEqual(['请选择满意度'])
    expect(document.activeElement?.getAttribute('role')).toBe('slider')
    expect(post).not.toHaveBeenCalled()
    await form.findAll('.el-rate__item')[3]!.trigger('click')
    await form.trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledOnce()
    expect(post.mock.calls[0]?.[1]?.body).toMatchObject({ type: action, resolved: true, satisfaction: 4 })
    w.unmount()
  })
})
