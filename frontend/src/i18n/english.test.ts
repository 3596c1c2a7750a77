// The first bundle carries the core texts in Chinese only (`?lang=zh`, vite.config.ts); the
// English ones come whole with ./english.ts when English is chosen (loadLocale).
import { describe, expect, it } from 'vitest'

import { CORE_ENGLISH } from './english'
import { CORE_TEXTS, i18n, loadLocale, setLocale } from '.'

const full = import.meta.glob<{ zh: object; en: object }>('./messages/*.ts', { import: 'default', eager: true })
// the core areas (CORE_TEXTS; the test below fails on one missing here)
const chinese = import.meta.glob<{ zh: object; en: object }>('./messages/{common,enterprise,shell,attachments,caseview}.ts', {
  import: 'default',
  eager: true,
  query: { lang: 'zh' },
})

describe('the core texts by language', () => {
  it.each(CORE_TEXTS)('%s: Chinese in the first bundle, English in english.ts, each whole', (area) => {
    const module = full[`./messages/${area}.ts`]!
    const zh = chinese[`./messages/${area}.ts`]!
    expect(zh.zh).toEqual(module.zh)
    expect(zh.en).toEqual({})
    expect(CORE_ENGLISH[area]).toEqual(module.en)
  })

  it('shows English once loaded', async () => {
    await loadLocale('en')
    setLocale('en')
    expect(i18n.global.t('common.app.skip')).toBe('Skip to content')
    setLocale('zh-CN')
    expect(i18n.global.t('common.app.skip')).toBe('跳到主要内容')
  })
})
