import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'

import { ApiError } from '@/api/problem'
import admin from '@/i18n/messages/admin'
import common from '@/i18n/messages/common'
import policies from '@/i18n/messages/policies'

const get = vi.fn()
const post = vi.fn()
const patch = vi.fn()
const del = vi.fn()
vi.mock('@/api/client', () => ({
  client: {
    GET: (...a: unknown[]) => get(...a),
    POST: (...a: unknown[]) => post(...a),
    PATCH: (...a: unknown[]) => patch(...a),
    DELETE: (...a: unknown[]) => del(...a),
  },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./AdminPolicyPage.vue')).default

const CONDITIONS = {
  industries: ['industry'],
  size_classes: ['designated'],
  towns: [],
  key_tech: false,
  major_project: false,
  employees: null,
  revenue: null,
}

function policy(over: Record<string, unknown> = {}) {
  return {
    id: 'P-20260615-abc123',
    title: '如东县支持规上工业企业技术改造的若干政策',
    issuer: '县工业和信息化局',
    doc_number: '东政发〔2026〕12号',
    summary: null,
    body: '第一条 为推动工业企业转型升级,制定本政策。',
    effective_from: '2026-06-01',
    expires_on: '2027-12-31',
    conditions: CONDITIONS,
    conditions_text: '行业：工业；规模：规上',
    status: 'draft',
    published_at: null,
    interpretations: [],
    attachments: [],
    withdrawal: null,
    push_job_id: null,
    expired: false,
    version: 2,
    created_at: '2026-06-15T10:00:00+08:00',
    updated_at: '2026-06-15T10:00:00+08:00',
    ...over,
  }
}

function job(over: Record<string, unknown> = {}) {
  return {
    id: 'J-push-1',
    kind: 'policy_push',
    status: 'queued',
    progress: 0,
    processed: 0,
    total: null,
    counts: {},
    result: null,
    error: null,
    params: {},
    created_at: '2026-06-15T10:05:00+08:00',
    started_at: null,
    finished_at: null,
    ...over,
  }
}

function problem(status: number, code: string, errors?: { field: string; code: string; message: string }[]) {
  return new ApiError(status, { type: 'x', title: code, status, detail: code, code, errors })
}

/** GET answers: the policy (in turn) and the job (in turn); the last of each repeats. */
let policies_: Record<string, unknown>[] = []
let jobs: Record<string, unknown>[] = []
const jobReads = () => get.mock.calls.filter(([p]) => p === '/api/v1/jobs/{job_id}').length

async function setup(path: string): Promise<{ wrapper: VueWrapper; router: Router }> {
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, admin: admin.zh, policies: policies.zh } },
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/policies', component: { template: '<p>list</p>' } },
      { path: '/admin/policies/new', component: Page },
      { path: '/admin/policies/:id', component: Page, props: true },
      { path: '/policies/:id', component: { template: '<p>public</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

function errorsByLabel(w: VueWrapper, form = 'policy-form'): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of w.find(`[data-testid=${form}]`).findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

async function tick(ms = 1000) {
  await vi.advanceTimersByTimeAsync(ms)
  await flushPromises()
}

// the first mount compiles the whole form (Element Plus included): slow on a busy machine
describe('AdminPolicyPage', { timeout: 20_000 }, () => {
  let wrapper: VueWrapper | null = null

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    for (const m of [get, post, patch, del]) m.mockReset()
    policies_ = [policy()]
    jobs = [job()]
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/admin/policies/{policy_id}') return policies_.length > 1 ? policies_.shift() : policies_[0]
      if (path === '/api/v1/jobs/{job_id}') return jobs.length > 1 ? jobs.shift() : jobs[0]
      throw new Error(path)
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    document.body.innerHTML = ''
    vi.useRealTimers()
  })

  it('drafts a policy: required fields first, then what the API refuses at its field, then the draft', async () => {
    const { wrapper: w, router } = await setup('/admin/policies/new')
    wrapper = w
    await w.find('[data-testid=policy-form]').trigger('submit')
    await flushPromises()
    expect(errorsByLabel(w)).toEqual({ 政策标题: '必填', 发文单位: '必填', 生效日期: '必填', 政策原文: '必填' })
    expect(post).not.toHaveBeenCalled()

    await w.find('input[data-field=title]').setValue('技改补助政策')
    await w.find('input[data-field=issuer]').setValue('县工业和信息化局')
    await w.find('input[data-field=effective_from]').setValue('2026-06-01')
    await w.find('textarea[data-field=body]').setValue('第一条 总则。')
    await w.find('input[data-field=employees_min]').setValue('300')
    await w.find('input[data-field=employees_max]').setValue('50')
    await w.find('[data-testid=policy-form]').trigger('submit')
    await flushPromises()
    expect(w.find('[data-range=employees]').text()).toContain('最少不能大于最多')
    expect(post).not.toHaveBeenCalled()

    await w.find('input[data-field=employees_max]').setValue('')
    post.mockRejectedValueOnce(
      problem(400, 'validation_error', [
        { field: 'conditions.industries.0', code: 'enum', message: '取值无效' },
        { field: 'title', code: 'string_too_long', message: '最多 200 个字符' },
      ]),
    )
    await w.find('[data-testid=policy-form]').trigger('submit')
    await flushPromises()
    expect(errorsByLabel(w)).toEqual({ 政策标题: '最多 200 个字符', 行业: '取值无效' })

    post.mockResolvedValueOnce(policy({ id: 'P-new', version: 1, title: '技改补助政策' }))
    await w.find('[data-testid=policy-form]').trigger('submit')
    await flushPromises()
    const [path, { body }] = post.mock.calls.at(-1)!
    expect(path).toBe('/api/v1/policies')
    expect(body).toMatchObject({
      title: '技改补助政策',
      effective_from: '2026-06-01',
      expires_on: null,
      conditions: { employees: { min: 300, max: null }, industries: [] },
    })
    expect(router.currentRoute.value.path).toBe('/admin/policies/P-new')
    expect(w.find('[data-testid=admin-policy-title]').text()).toBe('技改补助政策')
    // the created policy is shown as answered (its window's editor lists the departments)
    expect(get.mock.calls.map(([path]) => path)).toEqual(['/api/v1/departments'])
  })

  it('publishes after confirmation and follows the push until every enterprise is done', async () => {
    const { wrapper: w } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    expect(w.find('[data-testid=publish-audience]').text()).toContain('行业：工业；规模：规上')
    expect(w.find('[data-testid=push-progress]').exists()).toBe(false)
    await w.find('[data-testid=policy-publish]').trigger('click')
    await flushPromises()
    expect(document.body.textContent).toContain('只能撤回')
    expect(post).not.toHaveBeenCalled()

    post.mockResolvedValueOnce({
      policy: policy({ status: 'published', version: 3, push_job_id: 'J-push-1', published_at: '2026-06-15T10:05:00+08:00' }),
      job: job(),
    })
    jobs = [
      job({ status: 'running', progress: 40, processed: 100, total: 250, counts: { matched: 12 } }),
      job({ status: 'done', progress: 100, processed: 250, total: 250, counts: { matched: 41 }, result: { processed: 250, matched: 41 }, finished_at: '2026-06-15T02:06:00Z' }),
    ]
    ;(document.querySelector('[data-testid=publish-confirm]') as HTMLButtonElement).click()
    await flushPromises()
    expect(post.mock.calls[0]).toEqual(['/api/v1/policies/{policy_id}/publish', { params: { path: { policy_id: 'P-20260615-abc123' } }, body: { version: 2 } }])
    const progress = () => w.find('[data-testid=push-progress]')
    expect(progress().attributes('data-status')).toBe('queued')
    expect(w.find('[data-testid=policy-publish]').exists()).toBe(false) // once only

    await tick()
    expect(progress().attributes('data-status')).toBe('running')
    expect(progress().find('[role=progressbar]').attributes('aria-valuenow')).toBe('40')
    expect(progress().find('[data-testid=push-processed]').text()).toBe('已检查 100 / 250 家企业')
    expect(progress().find('[data-testid=push-matched]').text()).toBe('已推送 12 家符合条件的企业')

    await tick()
    expect(progress().attributes('data-status')).toBe('done')
    expect(progress().find('[role=progressbar]').attributes('aria-valuenow')).toBe('100')
    expect(progress().find('[data-testid=push-done]').text()).toContain('共检查 250 家企业，其中 41 家符合条件')
    expect(progress().text()).toContain('2026-06-15 10:06') // finished, Beijing time
    await tick(5000)
    expect(jobReads()).toBe(2)
  })

  it('picks up a push still going when the page is opened', async () => {
    policies_ = [policy({ status: 'published', version: 3, push_job_id: 'J-push-1' })]
    jobs = [job({ status: 'running', progress: 10, processed: 100, total: 1000 }), job({ status: 'done', progress: 100, processed: 1000, total: 1000, result: { processed: 1000, matched: 200 } })]
    const { wrapper: w } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    expect(w.find('[data-testid=push-progress]').attributes('data-status')).toBe('running')
    await tick()
    expect(w.find('[data-testid=push-matched]').text()).toBe('已推送 200 家符合条件的企业')
    expect(w.find('[data-testid=public-view]').attributes('href')).toBe('/policies/P-20260615-abc123')
  })

  it('keeps the edits on a version conflict and offers the latest version', async () => {
    policies_ = [policy(), policy({ version: 4, title: '他人改过的标题' })]
    const { wrapper: w } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    await w.find('input[data-field=title]').setValue('我的新标题')
    expect(w.find('[data-testid=publish-save-first]').exists()).toBe(true) // unsaved: publish waits
    patch.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await w.find('[data-testid=policy-form]').trigger('submit')
    await flushPromises()
    expect(patch.mock.calls[0][1].body).toEqual({ version: 2, title: '我的新标题' })
    expect(w.find('[data-testid=policy-conflict]').text()).toContain('已被他人修改')
    expect((w.find('input[data-field=title]').element as HTMLInputElement).value).toBe('我的新标题')

    await w.find('[data-testid=policy-reload]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid=policy-conflict]').exists()).toBe(false)
    expect((w.find('input[data-field=title]').element as HTMLInputElement).value).toBe('他人改过的标题')
    expect(w.find('[data-testid=admin-policy-title]').attributes('data-version')).toBe('4')
  })

  it('adds an interpretation under the policy’s version, keeping unsaved edits', async () => {
    const { wrapper: w } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    await w.find('input[data-field=issuer]').setValue('县工信局')
    await w.find('[data-testid=interpretation-form]').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(w, 'interpretation-form')).toEqual({ 解读标题: '必填', 解读内容: '必填' })
    await w.find('input[data-field=interpretation_title]').setValue('一图读懂技改补助')
    await w.find('textarea[data-field=interpretation_body]').setValue('哪些企业可以申请?规上工业企业。')
    post.mockResolvedValueOnce(
      policy({
        version: 3,
        interpretations: [
          {
            id: 'I-1',
            title: '一图读懂技改补助',
            body: '哪些企业可以申请?规上工业企业。',
            author: '县民营企业服务中心',
            published_at: '2026-06-15T10:10:00+08:00',
            published_by: { username: 'admin', role: 'admin', display_name: '陈静' },
          },
        ],
      }),
    )
    await w.find('[data-testid=interpretation-form]').trigger('submit')
    await flushPromises()
    expect(post.mock.calls[0][1].body).toEqual({ version: 2, title: '一图读懂技改补助', body: '哪些企业可以申请?规上工业企业。', author: null })
    expect(w.find('[data-interpretation="I-1"]').text()).toContain('2026-06-15 10:10')
    expect((w.find('input[data-field=issuer]').element as HTMLInputElement).value).toBe('县工信局')
    expect((w.find('input[data-field=interpretation_title]').element as HTMLInputElement).value).toBe('')
  })
  it('withdraws a published policy only with a reason, after confirmation, then shows it read-only', async () => {
    policies_ = [policy({ status: 'published', version: 4, published_at: '2026-06-15T10:05:00+08:00' })]
    const { wrapper: w } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    expect(w.find('[data-testid=policy-delete]').exists()).toBe(false) // published: not deleted
    await w.find('[data-testid=policy-withdraw]').trigger('click')
    await flushPromises()
    const confirm = () => (document.querySelector('[data-testid=withdraw-confirm]') as HTMLButtonElement).click()
    confirm()
    await flushPromises()
    const reasonItem = w.findAllComponents({ name: 'ElFormItem' }).find((i) => i.props('label') === '撤回原因')
    expect(reasonItem?.props('error')).toBe('必填')
    expect(post).not.toHaveBeenCalled()

    const reason = document.querySelector('textarea[data-field=withdraw_reason]') as HTMLTextAreaElement
    reason.value = ' 已被2027年修订版替代 '
    reason.dispatchEvent(new Event('input'))
    post.mockResolvedValueOnce(
      policy({
        status: 'withdrawn',
        version: 5,
        published_at: '2026-06-15T10:05:00+08:00',
        withdrawal: {
          at: '2026-07-01T09:00:00+08:00',
          by: { username: 'admin', role: 'admin', display_name: '服务中心管理员' },
          reason: '已被2027年修订版替代',
        },
      }),
    )
    confirm()
    await flushPromises()
    expect(post.mock.calls[0]).toEqual([
      '/api/v1/policies/{policy_id}/withdraw',
      { params: { path: { policy_id: 'P-20260615-abc123' } }, body: { version: 4, reason: '已被2027年修订版替代' } },
    ])
    const banner = w.find('[data-testid=withdrawn-banner]')
    expect(banner.text()).toContain('本政策已于 2026-07-01 09:00 由 服务中心管理员 撤回。')
    expect(banner.text()).toContain('撤回原因：已被2027年修订版替代')
    expect(w.find('[data-testid=policy-status]').text()).toBe('已撤回')
    // read-only: no form, no withdraw, no adding or removing
    for (const id of ['policy-form', 'policy-withdraw', 'interpretation-form', 'attachment-upload']) {
      expect(w.find(`[data-testid=${id}]`).exists(), id).toBe(false)
    }
  })

  it('adds uploaded files under the version, removes one after confirmation, deletes a draft', async () => {
    const file = { id: 'U0000000000000001', filename: '申报表.pdf', content_type: 'application/pdf', size: 2048, uploaded_at: 'x' }
    const { wrapper: w, router } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    w.findComponent({ name: 'AttachmentUpload' }).vm.$emit('update:modelValue', [file.id])
    await flushPromises()
    post.mockResolvedValueOnce(policy({ version: 3, attachments: [file] }))
    await w.find('[data-testid=attachments-add]').trigger('click')
    await flushPromises()
    expect(post.mock.calls[0]).toEqual([
      '/api/v1/policies/{policy_id}/attachments',
      { params: { path: { policy_id: 'P-20260615-abc123' } }, body: { version: 2, attachments: [file.id] } },
    ])
    expect(w.find('[data-testid=admin-attachments] [data-testid=attachment-name]').text()).toBe('申报表.pdf')
    expect(w.find('[data-testid=attachments-add]').exists()).toBe(false) // nothing pending

    await w.find('[data-testid=attachment-delete]').trigger('click')
    await flushPromises()
    expect(document.querySelector('[data-testid=confirm-dialog]')?.textContent).toContain('确定移除附件「申报表.pdf」吗')
    del.mockResolvedValueOnce(policy({ version: 4, attachments: [] }))
    ;(document.querySelector('[data-testid=confirm-ok]') as HTMLButtonElement).click()
    await flushPromises()
    expect(del.mock.calls[0]).toEqual([
      '/api/v1/policies/{policy_id}/attachments/{attachment_id}',
      { params: { path: { policy_id: 'P-20260615-abc123', attachment_id: file.id }, query: { version: 3 } } },
    ])
    expect(w.find('[data-testid=attachments-none]').exists()).toBe(true)

    await w.find('[data-testid=policy-delete]').trigger('click')
    await flushPromises()
    del.mockResolvedValueOnce(undefined)
    ;(document.querySelector('[data-testid=confirm-ok]') as HTMLButtonElement).click()
    await flushPromises()
    expect(del.mock.calls[1]).toEqual(['/api/v1/policies/{policy_id}', { params: { path: { policy_id: 'P-20260615-abc123' }, query: { version: 4 } } }])
    expect(router.currentRoute.value.path).toBe('/admin/policies')
  })

  const policyReads = () => get.mock.calls.filter(([p]) => p === '/api/v1/admin/policies/{policy_id}').length
  const conflictShown = (w: VueWrapper) => w.find('[data-testid=policy-conflict]').exists()
  const dialogOpen = (w: VueWrapper, testid: string) =>
    w.findAllComponents({ name: 'ElDialog' }).find((d) => d.vm.$attrs['data-testid'] === testid)?.props('modelValue')

  it('publishing: a stale version offers the latest without reading it; published meanwhile reads it again, saying so', async () => {
    const { wrapper: w } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    const publish = async () => {
      await w.find('[data-testid=policy-publish]').trigger('click')
      await flushPromises()
      ;(document.querySelector('[data-testid=publish-confirm]') as HTMLButtonElement).click()
      await flushPromises()
    }
    post.mockRejectedValueOnce(problem(403, 'forbidden'))
    await publish()
    expect(w.find('section.publish .error').text()).toBe('forbidden')
    expect(conflictShown(w)).toBe(false)

    post.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await publish()
    expect(conflictShown(w)).toBe(true)
    expect(policyReads()).toBe(1) // the page offers the latest; nothing read yet
    expect(w.find('section.publish .error').exists()).toBe(false)
    expect(dialogOpen(w, 'publish-dialog')).toBe(false)

    policies_ = [policy({ version: 3 }), policy({ status: 'published', version: 4, published_at: '2026-06-15T10:05:00+08:00' })]
    await w.find('[data-testid=policy-reload]').trigger('click')
    await flushPromises()
    post.mockRejectedValueOnce(problem(409, 'invalid_transition'))
    await publish()
    expect(post.mock.calls.at(-1)?.[1].body).toEqual({ version: 3 })
    expect(document.body.textContent).toContain('该政策已发布')
    expect(policyReads()).toBe(3)
    expect(w.find('[data-testid=policy-status]').text()).toBe('已发布')
    expect(conflictShown(w)).toBe(false)
  })

  it('a stale version while withdrawing, adding a reading or files, or deleting one closes what asked and offers the latest', async () => {
    const reading = {
      id: 'I-1',
      title: '一图读懂',
      body: '规上工业企业。',
      author: '县民营企业服务中心',
      published_at: '2026-06-15T10:10:00+08:00',
      published_by: { username: 'admin', role: 'admin', display_name: '陈静' },
    }
    policies_ = [policy({ status: 'published', version: 4, published_at: '2026-06-15T10:05:00+08:00', interpretations: [reading] })]
    const { wrapper: w } = await setup('/admin/policies/P-20260615-abc123')
    wrapper = w
    const reload = async () => {
      await w.find('[data-testid=policy-reload]').trigger('click')
      await flushPromises()
      expect(conflictShown(w)).toBe(false)
    }

    // withdrawing: the dialog closes
    await w.find('[data-testid=policy-withdraw]').trigger('click')
    await flushPromises()
    const reason = document.querySelector('textarea[data-field=withdraw_reason]') as HTMLTextAreaElement
    reason.value = '已被替代'
    reason.dispatchEvent(new Event('input'))
    post.mockRejectedValueOnce(problem(409, 'version_conflict'))
    ;(document.querySelector('[data-testid=withdraw-confirm]') as HTMLButtonElement).click()
    await flushPromises()
    expect(conflictShown(w)).toBe(true)
    expect(policyReads()).toBe(1)
    expect(dialogOpen(w, 'withdraw-dialog')).toBe(false)
    expect(w.find('[data-testid=policy-withdraw]').attributes('disabled')).toBeDefined()
    await reload()

    // adding a reading: the form keeps what was typed
    await w.find('input[data-field=interpretation_title]').setValue('政策问答')
    await w.find('textarea[data-field=interpretation_body]').setValue('问：谁可以申请？')
    post.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await w.find('[data-testid=interpretation-form]').trigger('submit')
    await flushPromises()
    expect(conflictShown(w)).toBe(true)
    expect((w.find('input[data-field=interpretation_title]').element as HTMLInputElement).value).toBe('政策问答')
    expect(errorsByLabel(w, 'interpretation-form')).toEqual({})
    await reload()

    // adding files: they stay pending
    w.findComponent({ name: 'AttachmentUpload' }).vm.$emit('update:modelValue', ['U0000000000000001'])
    await flushPromises()
    post.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await w.find('[data-testid=attachments-add]').trigger('click')
    await flushPromises()
    expect(conflictShown(w)).toBe(true)
    expect(w.find('[data-testid=attachments-add]').exists()).toBe(true)
    await reload()

    // changing a reading in place: the change stays as typed
    await w.find('[data-interpretation="I-1"] [data-testid=interpretation-edit]').trigger('click')
    await flushPromises()
    await w.find('[data-testid=interpretation-edit-form] input').setValue('一图读懂（修订）')
    patch.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await w.find('[data-testid=interpretation-edit-form]').trigger('submit')
    await flushPromises()
    expect(patch).toHaveBeenCalledTimes(1)
    expect(conflictShown(w)).toBe(true)
    expect((w.find('[data-testid=interpretation-edit-form] input').element as HTMLInputElement).value).toBe('一图读懂（修订）')
    await reload()

    // deleting a reading: the confirmation closes; another refusal stays in it
    await w.find('[data-interpretation="I-1"] [data-testid=interpretation-remove]').trigger('click')
    await flushPromises()
    del.mockRejectedValueOnce(problem(403, 'forbidden'))
    ;(document.querySelector('[data-testid=confirm-ok]') as HTMLButtonElement).click()
    await flushPromises()
    expect(document.querySelector('[data-testid=confirm-dialog]')?.textContent).toContain('forbidden')
    expect(dialogOpen(w, 'confirm-dialog')).toBe(true)
    expect(conflictShown(w)).toBe(false)
    del.mockRejectedValueOnce(problem(409, 'version_conflict'))
    ;(document.querySelector('[data-testid=confirm-ok]') as HTMLButtonElement).click()
    await flushPromises()
    expect(conflictShown(w)).toBe(true)
    expect(dialogOpen(w, 'confirm-dialog')).toBe(false)
  })
})
