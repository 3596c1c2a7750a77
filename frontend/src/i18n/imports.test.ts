import { describe, expect, it } from 'vitest'

import imports from './messages/imports'

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('import texts', () => {
  it('have the same keys in Chinese and English, none empty', () => {
    expect(keys(imports.en).sort()).toEqual(keys(imports.zh).sort())
    for (const lang of [imports.zh, imports.en]) {
      for (const key of keys(lang)) {
        const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], lang)
        expect(typeof value === 'string' && value.length > 0, key).toBe(true)
      }
    }
  })

  it('join the app when the page loads, and not before', async () => {
    const { i18n } = await import('.')
    const { installImportMessages } = await import('./imports')
    expect(i18n.global.te('imports.title', 'zh-CN')).toBe(false)
    installImportMessages()
    installImportMessages()
    expect(i18n.global.t('imports.title')).toBe('企业导入')
    expect(i18n.global.te('imports.counts.rejected', 'en')).toBe(true)
  })
})
