import { describe, expect, it } from 'vitest'

import { articleFormOf, createArticleBody, excerpt, highlight, patchArticleBody, suggestionQuery, type Article } from './knowledge'

const article: Article = {
  id: 'KB-1',
  title: '出口退税办理时限',
  question: '多久到账?',
  answer: '3 个工作日内办结。',
  category: 'policy',
  keywords: ['出口退税'],
  policy_id: 'P-DEMO-TECH',
  valid_until: null,
  status: 'draft',
  expired: false,
  source_appeal_id: null,
  version: 3,
  created_at: '2026-12-07T09:00:00+08:00',
  updated_at: '2026-12-07T09:00:00+08:00',
  updated_by: null,
}

describe('knowledge helpers', () => {
  it('asks with the title, else the start of the content on one line, 2–50 characters', () => {
    expect(suggestionQuery('  企业招了\n应届生  ', '')).toBe('企业招了 应届生')
    expect(suggestionQuery('内容', ' 标题 ')).toBe('标题')
    expect(suggestionQuery('税')).toBeNull()
    expect(suggestionQuery('   ')).toBeNull()
    expect(Array.from(suggestionQuery('补'.repeat(80)) ?? '')).toHaveLength(50)
  })

  it('cuts an excerpt with an ellipsis only when it is longer', () => {
    expect(excerpt('短\n文本', 10)).toBe('短 文本')
    expect(excerpt('一二三四五六', 3)).toBe('一二三…')
  })

  it('marks the matched words, the longest first, whatever their case', () => {
    expect(highlight('高校毕业生社保补贴', ['毕业', '毕业生', '补贴'])).toEqual([
      { text: '高校', mark: false },
      { text: '毕业生', mark: true },
      { text: '社保', mark: false },
      { text: '补贴', mark: true },
    ])
    expect(highlight('ISO 认证', ['iso'])).toEqual([
      { text: 'ISO', mark: true },
      { text: ' 认证', mark: false },
    ])
    expect(highlight('<b>x</b>', [])).toEqual([{ text: '<b>x</b>', mark: false }])
  })

  it('sends only what changed, a cleared policy as null, under the version read', () => {
    const form = articleFormOf(article)
    expect(patchArticleBody(article, form)).toEqual({ version: 3 })
    form.policy_id = ' '
    form.keywords = ['出口退税', '到账']
    form.valid_until = '2027-12-31'
    expect(patchArticleBody(article, form, 'published')).toEqual({
      version: 3,
      policy_id: null,
      keywords: ['出口退税', '到账'],
      valid_until: '2027-12-31',
      status: 'published',
    })
    expect(createArticleBody({ ...form, title: ' 标题 ' }, 'draft')).toEqual({
      title: '标题',
      question: '多久到账?',
      answer: '3 个工作日内办结。',
      category: 'policy',
      keywords: ['出口退税', '到账'],
      valid_until: '2027-12-31',
      status: 'draft',
    })
  })
})
