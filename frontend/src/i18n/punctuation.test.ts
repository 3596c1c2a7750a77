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

// A mark typed into a template between texts (「{{ label }}:{{ value }}」) is the same in both
// languages, so it is wrong in one of them: the marks come from the texts (common.common.pair,
// labelled, paren) and only words and data are put side by side in a template.
const templates = import.meta.glob<string>('/src/**/*.vue', { query: '?raw', import: 'default', eager: true })
const TAG = /<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/g

/** The text a template types itself: tags, comments and {{ expressions }} taken out. */
function typedText(sfc: string): string[] {
  const start = sfc.indexOf('<template>')
  const end = sfc.lastIndexOf('</template>')
  if (start < 0) return []
  return sfc
    .slice(start, end)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\{\{[\s\S]*?\}\}/g, '\u0000')
    .replace(TAG, '\u0000')
    .split('\u0000')
    .map((s) => s.trim())
    .filter(Boolean)
}

describe('marks typed into templates', () => {
  it('finds a colon or a bracket typed between two texts, and passes words and separators', () => {
    expect(typedText("<template><p>{{ t('a') }}:{{ b }}</p></template>")).toEqual([':'])
    expect(typedText("<template><span>({{ b }})</span></template>")).toEqual(['(', ')'])
    expect(typedText('<template><p :x="a > b">{{ a }} · {{ b }}</p></template>')).toEqual(['·'])
  })

  it('leaves every mark to the texts', () => {
    expect(Object.keys(templates).length).toBeGreaterThan(100)
    const typed = Object.entries(templates).flatMap(([file, sfc]) =>
      typedText(sfc)
        .filter((s) => /[:;,()（）：；，]/.test(s))
        .map((s) => `${file}: ${s}`),
    )
    expect(typed).toEqual([])
  })
})
