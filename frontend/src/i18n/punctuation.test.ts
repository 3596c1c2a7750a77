// Official Chinese copy uses full-width punctuation （，：；（）） between Chinese characters.
// Every module listed in CLEAN is held to it; the others still carry half-width marks from
// before issue 19 and move to CLEAN as they are converted (STILL_HALF_WIDTH must shrink).
import { describe, expect, it } from 'vitest'

const modules = import.meta.glob<{ default: { zh: unknown } }>(['./messages/*.ts', '!./messages/*.test.ts'], { eager: true })

const HALF_WIDTH = /[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]/

const STILL_HALF_WIDTH = new Set([
  'admin', 'applications', 'attachments', 'calendar', 'common', 'enterprise', 'events', 'financing', 'history',
  'imports', 'knowledge', 'meetings', 'notices', 'operator', 'policies', 'reports', 'staff', 'webhooks',
])

function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]]
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k))
}

const byName = Object.fromEntries(
  Object.entries(modules)
    .filter(([file]) => !file.endsWith('.test.ts'))
    .map(([file, m]) => [file.replace('./messages/', '').replace('.ts', ''), m.default]),
)

describe('Chinese punctuation', () => {
  it.each(Object.keys(byName).filter((n) => !STILL_HALF_WIDTH.has(n)))('%s uses full-width ，：；（） between Chinese characters', (name) => {
    const bad = strings(byName[name]?.zh).filter(([, text]) => HALF_WIDTH.test(text))
    expect(bad).toEqual([])
  })

  it('lists as not yet converted only modules that still need it', () => {
    for (const name of STILL_HALF_WIDTH) {
      expect(byName[name], `${name} exists`).toBeDefined()
      const bad = strings(byName[name]?.zh).filter(([, text]) => HALF_WIDTH.test(text))
      expect(bad.length, `${name} is clean now: move it out of STILL_HALF_WIDTH`).toBeGreaterThan(0)
    }
  })

  it('catches a half-width mark between Chinese characters and passes full-width and code', () => {
    expect(HALF_WIDTH.test('尚未录入:涉及')).toBe(true)
    expect(HALF_WIDTH.test('附件(照片')).toBe(true)
    expect(HALF_WIDTH.test('尚未录入：涉及（照片）')).toBe(false)
    expect(HALF_WIDTH.test('http://127.0.0.1 {h}:{m}')).toBe(false)
  })
})
