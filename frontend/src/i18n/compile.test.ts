// compile.ts against vue-i18n's own message compiler: every text of every module, in both
// languages, rendered with the same named values, must come out the same.
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'

import { compileMessage } from './compile'

const modules = import.meta.glob<{ default: { zh: unknown; en: unknown } }>(
  ['./messages/*.ts', '!./messages/*.test.ts'],
  { eager: true },
)
const named = (file: string) => file.replace('./messages/', '').replace('.ts', '')
const messages = {
  zh: Object.fromEntries(Object.entries(modules).map(([f, m]) => [named(f), m.default.zh])),
  en: Object.fromEntries(Object.entries(modules).map(([f, m]) => [named(f), m.default.en])),
}

function texts(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix, value]]
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => texts(v, prefix ? `${prefix}.${k}` : k))
}

type Loose = { global: { locale: { value: string }; t: (key: string, values?: Record<string, unknown>) => string } }

describe('the app message compiler renders as vue-i18n', () => {
  const options = { legacy: false, locale: 'zh', messages, missingWarn: false } as const
  const theirs = createI18n(options as never) as unknown as Loose
  const ours = createI18n({ ...options, messageCompiler: compileMessage } as never) as unknown as Loose

  it.each(['zh', 'en'] as const)('every %s text', (lang) => {
    theirs.global.locale.value = lang
    ours.global.locale.value = lang
    const all = texts(messages[lang])
    expect(all.length).toBeGreaterThan(1000)
    const differ = all.flatMap(([key, text]) => {
      // each value it names: a string, and a number for n; then with none given
      const values = Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map(([, v]) => [v, v === 'n' ? 3 : `«${v}»`]))
      const [a, b] = [ours.global.t(key, values), theirs.global.t(key, values)]
      const [c, d] = [ours.global.t(key), theirs.global.t(key)]
      return a === b && c === d ? [] : [`${key}: ${a} ≠ ${b}`]
    })
    expect(differ).toEqual([])
  })

  it('fills named values and leaves the rest of a text as written', () => {
    const i18n = createI18n({
      legacy: false,
      locale: 'x',
      messages: { x: { a: '上传中 {percent}%', b: '{n} 件 / {n}', c: '无参数' } },
      messageCompiler: compileMessage,
    })
    expect(i18n.global.t('a', { percent: 40 })).toBe('上传中 40%')
    expect(i18n.global.t('b', { n: 2 })).toBe('2 件 / 2')
    expect(i18n.global.t('c')).toBe('无参数')
  })
})
