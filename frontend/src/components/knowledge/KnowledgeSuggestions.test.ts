import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import common from '@/i18n/messages/common'
import knowledge from '@/i18n/messages/knowledge'
import type { KnowledgeItem } from '@/utils/knowledge'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Suggestions = (await import('./KnowledgeSuggestions.vue')).default
const ArticleDialog = (await import('./ArticleDialog.vue')).default

function item(over: Partial<KnowledgeItem> = {}): KnowledgeItem {
  return {
    id: 'KB-20261207-aaaaaa',
    title: '企业招用高校毕业生社保补贴',
    question: '企业招了应届高校毕业生,能申请什么补贴?',
    answer: '企业招用毕业年度或离校 2 年内未就业的高校毕业生,签订 1 年以上劳动合同并按月足额缴纳社会保险的,可按企业实际缴纳的单位部分给予社保补贴,期限最长 1 年。',
    category: 'labor',
    keywords: ['高校毕业生', '社保补贴'],
    policy_id: null,
    valid_until: '2027-12-31',
    status: 'published',
    expired: false,
    source_appeal_id: null,
    version: 1,
    created_at: '2026-12-07T09:00:00+08:00',
    updated_at: '2026-12-07T09:00:00+08:00',
    updated_by: null,
    matched: ['高校', '毕业生', '补贴'],
    ...over,
  }
}

function setup(locale: 'zh-CN' | 'en' = 'zh-CN') {
  const texts = (lang: 'zh' | 'en') => ({ common: common[lang], knowledge: knowledge[lang] })
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': texts('zh'), en: texts('en') } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p/>' } }] })
  return mount(Suggestions, { props: { content: '' }, global: { plugins: [i18n, router] } })
}

/** Type into the form: the content changes, then typing pauses for the debounce. */
async function type(wrapper: ReturnType<typeof setup>, content: string, title = '') {
  await wrapper.setProps({ content, title })
}

async function pause(ms = 400) {
  await vi.advanceTimersByTimeAsync(ms)
  await flushPromises()
}

describe('KnowledgeSuggestions', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    get.mockReset()
    get.mockResolvedValue({ items: [item()], next_cursor: null })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('asks once typing pauses, with what was typed last, and shows title, excerpt and marks', async () => {
    const wrapper = setup()
    expect(wrapper.text()).toContain('根据来电内容推荐')
    await type(wrapper, '招高')
    await vi.advanceTimersByTimeAsync(100)
    await type(wrapper, '招高校毕业')
    await vi.advanceTimersByTimeAsync(100)
    await type(wrapper, '招高校毕业生有什么补贴')
    expect(get).not.toHaveBeenCalled()
    await pause()
    expect(get).toHaveBeenCalledTimes(1)
    expect(get).toHaveBeenCalledWith('/api/v1/knowledge', { params: { query: { q: '招高校毕业生有什么补贴', limit: 5 } } })
    const shown = wrapper.get('[data-testid=knowledge-suggestion]')
    expect(shown.text()).toContain('企业招用高校毕业生社保补贴')
    expect(shown.text()).toContain('…') // the answer's excerpt, cut
    expect(shown.findAll('mark').map((m) => m.text())).toContain('毕业生')
    expect(wrapper.find('[data-testid=suggestion-expired]').exists()).toBe(false)
  })

  it('marks an expired article and asks with the title when one is typed, 50 characters at most', async () => {
    get.mockResolvedValue({ items: [item({ id: 'old', title: '2026 年上半年扩岗补助', expired: true })], next_cursor: null })
    const wrapper = setup()
    await type(wrapper, '来电人说'.repeat(30), '扩岗补助')
    await pause()
    expect(get.mock.calls[0][1].params.query.q).toBe('扩岗补助')
    expect(wrapper.get('[data-testid=suggestion-expired]').text()).toBe('已过期')
    await type(wrapper, '来电人说'.repeat(30), '')
    await pause()
    const q = get.mock.calls[1][1].params.query.q as string
    expect(Array.from(q)).toHaveLength(50)
  })

  it('asks nothing for one character and forgets the list when the content is cleared', async () => {
    const wrapper = setup()
    await type(wrapper, '税')
    await pause()
    expect(get).not.toHaveBeenCalled()
    await type(wrapper, '出口退税')
    await pause()
    expect(wrapper.findAll('[data-testid=knowledge-suggestion]')).toHaveLength(1)
    await type(wrapper, '')
    await pause()
    expect(wrapper.findAll('[data-testid=knowledge-suggestion]')).toHaveLength(0)
    expect(get).toHaveBeenCalledTimes(1)
  })

  it('shows the answer to the latest question even when an earlier one answers last', async () => {
    let first!: (v: unknown) => void
    get.mockImplementationOnce(() => new Promise((resolve) => (first = resolve)))
    get.mockResolvedValueOnce({ items: [item({ id: 'new', title: '残疾人就业保障金减免' })], next_cursor: null })
    const wrapper = setup()
    await type(wrapper, '社保补贴')
    await pause()
    await type(wrapper, '残保金怎么减免')
    await pause()
    first({ items: [item({ id: 'stale', title: '过时的答案' })], next_cursor: null })
    await flushPromises()
    const titles = wrapper.findAll('[data-testid=knowledge-suggestion]').map((b) => b.text())
    expect(titles).toHaveLength(1)
    expect(titles[0]).toContain('残疾人就业保障金减免')
  })

  it('says when nothing matches, and when the knowledge base cannot answer', async () => {
    get.mockResolvedValueOnce({ items: [], next_cursor: null })
    const wrapper = setup('en')
    await type(wrapper, '量子纠缠')
    await pause()
    expect(wrapper.get('[data-testid=knowledge-none]').text()).toBe('No matching article yet')
    get.mockRejectedValueOnce(new Error('offline'))
    await type(wrapper, '量子纠缠 火星')
    await pause()
    expect(wrapper.get('[role=alert]').text()).toContain('offline')
  })

  it('shows what anyone typed as text, never as markup', async () => {
    const evil = '<img src=x onerror="alert(1)">补贴<script>alert(2)</script>'
    get.mockResolvedValue({ items: [item({ title: evil, answer: evil, matched: ['补贴'] })], next_cursor: null })
    const wrapper = setup()
    await type(wrapper, '补贴<b>')
    await pause()
    const shown = wrapper.get('[data-testid=knowledge-suggestion]')
    expect(shown.find('img').exists()).toBe(false)
    expect(shown.find('script').exists()).toBe(false)
    expect(shown.text()).toContain('<img src=x onerror="alert(1)">')
    expect(shown.findAll('mark').map((m) => m.text())).toEqual(['补贴', '补贴'])
  })

  it('opens the article in full without leaving the form', async () => {
    const wrapper = setup()
    await type(wrapper, '毕业生 社保补贴')
    await pause()
    const dialog = wrapper.getComponent(ArticleDialog)
    expect(dialog.props('modelValue')).toBe(false)
    await wrapper.get('[data-testid=knowledge-suggestion]').trigger('click')
    expect(dialog.props('modelValue')).toBe(true)
    expect(dialog.props('article')?.answer).toBe(item().answer)
  })
})
