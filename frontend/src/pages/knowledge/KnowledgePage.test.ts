import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/api/problem'
import { session } from '@/auth/session'
import common from '@/i18n/messages/common'
import knowledge from '@/i18n/messages/knowledge'
import type { Article, KnowledgeItem } from '@/utils/knowledge'

const get = vi.fn()
const post = vi.fn()
const patch = vi.fn()
vi.mock('@/api/client', () => ({
  client: {
    GET: (...a: unknown[]) => get(...a),
    POST: (...a: unknown[]) => post(...a),
    PATCH: (...a: unknown[]) => patch(...a),
    DELETE: vi.fn(),
  },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./KnowledgePage.vue')).default

function article(over: Partial<KnowledgeItem> = {}): KnowledgeItem {
  return {
    id: 'KB-1',
    title: '出口退税办理时限',
    question: '出口退税多久到账?',
    answer: '一类、二类企业 3 个工作日内办结。',
    category: 'policy',
    keywords: ['出口退税'],
    policy_id: null,
    valid_until: null,
    status: 'published',
    expired: false,
    source_appeal_id: null,
    version: 2,
    created_at: '2026-12-07T09:00:00+08:00',
    updated_at: '2026-12-07T16:30:00Z', // 8 December 00:30 in Beijing
    updated_by: null,
    matched: [],
    ...over,
  }
}

async function setup(role: string): Promise<VueWrapper> {
  session.user = { role, username: role, display_name: role } as never
  const texts = (lang: 'zh' | 'en') => ({ common: common[lang], knowledge: knowledge[lang] })
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', fallbackLocale: 'zh-CN', messages: { 'zh-CN': texts('zh'), en: texts('en') } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p/>' } }] })
  await router.push('/knowledge')
  const wrapper = mount(Page, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('KnowledgePage', () => {
  let wrapper: VueWrapper | null = null
  let latest: Article = article()

  beforeEach(() => {
    vi.useFakeTimers()
    get.mockReset()
    post.mockReset()
    patch.mockReset()
    latest = article()
    get.mockImplementation(async (path: string) =>
      path === '/api/v1/knowledge' ? { items: [latest, article({ id: 'KB-2', title: '旧条目', expired: true, valid_until: '2026-06-30' })], next_cursor: null } : latest,
    )
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    document.body.innerHTML = ''
    session.user = null
    vi.useRealTimers()
  })

  it('lets staff search by words, marks the expired, in Beijing time, and offers no management', async () => {
    wrapper = await setup('operator')
    expect(wrapper.find('[data-testid=article-create]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=knowledge-status]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=article-edit]').exists()).toBe(false)
    const items = wrapper.findAll('[data-article]')
    expect(items[0].text()).toContain('2026-12-08 00:30')
    expect(items[1].find('[data-testid=article-expired]').text()).toBe('已过期')
    await wrapper.get('[data-testid=knowledge-q]').setValue('出口退税 到账')
    await vi.advanceTimersByTimeAsync(400)
    await flushPromises()
    expect(get).toHaveBeenLastCalledWith('/api/v1/knowledge', { params: { query: { limit: 20, q: '出口退税 到账' } } })
  })

  it('keeps the dialog on a version conflict and edits the latest version on request', async () => {
    wrapper = await setup('admin')
    await wrapper.get('[data-article="KB-1"] [data-testid=article-edit]').trigger('click')
    await flushPromises()
    const answer = document.querySelector('[data-testid=article-editor] textarea[data-field=answer]') as HTMLTextAreaElement
    answer.value = '3 个工作日内办结,单证齐全的可非接触式退税。'
    answer.dispatchEvent(new Event('input'))
    patch.mockRejectedValueOnce(new ApiError(409, { type: 'x', title: '冲突', status: 409, detail: '已被修改', code: 'version_conflict' }))
    ;(document.querySelector('[data-testid=article-save]') as HTMLButtonElement).click()
    await flushPromises()
    expect(patch.mock.calls[0][1]).toEqual({
      params: { path: { article_id: 'KB-1' } },
      body: { version: 2, answer: '3 个工作日内办结,单证齐全的可非接触式退税。' },
    })
    expect(document.querySelector('[data-testid=article-conflict]')).not.toBeNull()
    latest = article({ answer: '他人修改后的口径', version: 3 })
    ;(document.querySelector('[data-testid=article-reload]') as HTMLButtonElement).click()
    await flushPromises()
    expect(document.querySelector('[data-testid=article-conflict]')).toBeNull()
    expect((document.querySelector('[data-testid=article-editor] textarea[data-field=answer]') as HTMLTextAreaElement).value).toBe('他人修改后的口径')
    expect(document.querySelector('[data-testid=article-editor]')?.textContent).toContain('当前第 3 版')
  })

  it('drafts an article from a replied appeal by its case number and opens it for editing', async () => {
    wrapper = await setup('admin')
    post.mockResolvedValueOnce(article({ id: 'KB-9', status: 'draft', title: '人才公寓', source_appeal_id: 'XQT-20261207-0001', version: 1 }))
    await wrapper.get('[data-testid=draft-from-appeal] input').setValue('XQT-20261207-0001')
    await wrapper.get('[data-testid=draft-from-appeal]').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/api/v1/knowledge', { body: { from_appeal: 'XQT-20261207-0001' } })
    expect((document.querySelector('[data-testid=article-editor] input[data-field=title]') as HTMLInputElement).value).toBe('人才公寓')
    expect(document.querySelector('[data-testid=article-editor]')?.textContent).toContain('来源诉求 XQT-20261207-0001')
  })
})
