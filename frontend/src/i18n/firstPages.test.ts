// The first pages (router.ts: FIRST_PAGES) are served with only the core texts (index.ts:
// CORE_TEXTS): follow each one's imports through the sources, and every text it names must
// be in the core, or the page would show a bare key until some other page loaded the rest.
import { describe, expect, it } from 'vitest'

import { CORE_TEXTS } from '.'

const sources = import.meta.glob<string>(['/src/**/*.{ts,vue}', '!/src/**/*.test.ts', '!/src/**/*.d.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
})
const router = sources['/src/router.ts'] ?? ''
/** Every area of texts: the modules in ./messages. */
const AREAS = Object.keys(sources)
  .filter((f) => f.startsWith('/src/i18n/messages/'))
  .map((f) => f.replace('/src/i18n/messages/', '').replace('.ts', ''))
const KEY = new RegExp(`["'\`](${AREAS.join('|')})\\.[a-zA-Z]`, 'g')

/**
 * The check is by file, so a file a first page takes one helper from may name other texts in
 * helpers the page never calls. Each such file, and why its texts are not needed.
 */
const NOT_CALLED: Record<string, string> = {
  '/src/utils/figures.ts':
    'the staff home takes percent() only; its trend chart calls trendChart(), and loads the reporting texts beside it (StaffHome.vue)',
}

function resolve(from: string, spec: string): string | undefined {
  let path: string
  if (spec.startsWith('@/')) path = `/src/${spec.slice(2)}`
  else if (spec.startsWith('.')) {
    const parts = from.split('/').slice(0, -1)
    for (const part of spec.split('/')) {
      if (part === '..') parts.pop()
      else if (part !== '.') parts.push(part)
    }
    path = parts.join('/')
  } else return undefined
  return [path, `${path}.ts`, `${path}/index.ts`].find((p) => p in sources)
}

/** The areas of texts a file and everything it imports name (the router's pages aside). */
function areasOf(entry: string): Map<string, string> {
  const found = new Map<string, string>()
  const seen = new Set<string>()
  const queue = [entry]
  while (queue.length) {
    const file = queue.pop()!
    if (seen.has(file) || file === '/src/router.ts' || file in NOT_CALLED) continue
    seen.add(file)
    const text = (sources[file] ?? '').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '') // comments aside
    for (const m of text.matchAll(KEY)) if (!found.has(m[1]!)) found.set(m[1]!, file)
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const next = resolve(file, m[1]!)
      if (next) queue.push(next)
    }
  }
  return found
}

function pageOf(path: string): string {
  const m = router.match(new RegExp(`path: '${path}',\\s*component: \\(\\) => import\\('@/([^']+)'\\)`))
  expect(m, `router.ts loads ${path} with a plain import`).toBeTruthy()
  return `/src/${m![1]}`
}

const FIRST = [...router.matchAll(/FIRST_PAGES = \[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((p) => p[1]!))

describe('the first pages need only the core texts', () => {
  it('the router names them', () => {
    expect(FIRST).toEqual(['/login', '/track', '/callback', '/home', '/my/appeals', '/my/appeals/new'])
  })

  it.each(['/src/main.ts', ...FIRST.map(pageOf)])('%s', (file) => {
    const outside = [...areasOf(file)].filter(([area]) => !CORE_TEXTS.includes(area))
    expect(outside.map(([area, where]) => `${area} (in ${where})`)).toEqual([])
  })

  it('the check sees a page that needs more (AppealPage: knowledge, staff)', () => {
    const areas = areasOf('/src/pages/AppealPage.vue')
    expect(areas.has('knowledge') && areas.has('staff')).toBe(true)
  })
})
