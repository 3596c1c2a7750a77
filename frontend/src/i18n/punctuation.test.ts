// Official Chinese copy uses full-width punctuation （，：；（）） between Chinese characters:
// every message module is held to it (issue 19 converted the last ones), and no page names a
// library or a developer's tool.
import { describe, expect, it } from 'vitest'

const modules = import.meta.glob<{ default: { zh: unknown } }>(['./messages/*.ts', '!./messages/*.test.ts'], { eager: true })

const HALF_WIDTH = /[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]/

/** Names a civil servant or an enterprise should never read on a page. */
const DEVELOPER_WORDS = /库\)|chinesecalendar|moto\b|localhost|127\.0\.0\.1|开发工具|开发者|\bdev\b|devtools|DynamoDB|Lambda|Chalice|pytest/i

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
  it('reads every message module', () => {
    expect(Object.keys(byName).length).toBeGreaterThanOrEqual(21)
    for (const name of ['admin', 'calendar', 'common', 'events', 'operator', 'staff']) expect(byName[name]?.zh, name).toBeDefined()
  })

  it.each(Object.keys(byName))('%s uses full-width ，：；（） between Chinese characters', (name) => {
    const bad = strings(byName[name]?.zh).filter(([, text]) => HALF_WIDTH.test(text))
    expect(bad).toEqual([])
  })

  it.each(Object.keys(byName))('%s names no library or developer tool in Chinese copy', (name) => {
    const bad = strings(byName[name]?.zh).filter(([, text]) => DEVELOPER_WORDS.test(text))
    expect(bad).toEqual([])
  })

  it('catches a half-width mark between Chinese characters and passes full-width and code', () => {
    expect(HALF_WIDTH.test('尚未录入:涉及')).toBe(true)
    expect(HALF_WIDTH.test('附件(照片')).toBe(true)
    expect(HALF_WIDTH.test('尚未录入：涉及（照片）')).toBe(false)
    expect(HALF_WIDTH.test('http://127.0.0.1 {h}:{m}')).toBe(false)
  })
})
