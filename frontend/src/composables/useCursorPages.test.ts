import { describe, expect, it } from 'vitest'

import { useCursorPages } from './useCursorPages'

// 7 items, 3 a page: cursors c2, c3; the first page is counted when asked
function source() {
  const all = [1, 2, 3, 4, 5, 6, 7]
  const asked: [string | null, boolean][] = []
  const fetch = async (cursor: string | null, count: boolean) => {
    asked.push([cursor, count])
    const start = cursor ? Number(cursor.slice(1)) : 0
    const items = all.slice(start, start + 3)
    const next = start + 3 < all.length ? `c${start + 3}` : null
    return { items, next_cursor: next, ...(count ? { total: all.length, total_capped: false } : {}) }
  }
  return { fetch, asked }
}

describe('useCursorPages', () => {
  it('counts on reload, numbers the pages and jumps by reading the pages between', async () => {
    const { fetch, asked } = source()
    const pages = useCursorPages<number>(fetch, 3)
    await pages.reload()
    expect(pages.items.value).toEqual([1, 2, 3])
    expect(pages.total.value).toBe(7)
    expect(pages.pageCount.value).toBe(3)
    await pages.goTo(3)
    expect(pages.items.value).toEqual([7])
    expect(pages.page.value).toBe(3)
    expect(pages.hasMore()).toBe(false)
    // page 2 read on the way: going back is one request with its kept cursor
    asked.length = 0
    await pages.goTo(2)
    expect(pages.items.value).toEqual([4, 5, 6])
    expect(asked).toEqual([['c3', false]])
  })

  it('stops at the last page when asked for one past it, and a reload starts over', async () => {
    const { fetch, asked } = source()
    const pages = useCursorPages<number>(fetch, 3)
    await pages.reload(9)
    expect(pages.page.value).toBe(3)
    expect(pages.items.value).toEqual([7])
    expect(pages.pageCount.value).toBe(3)
    asked.length = 0
    await pages.reload()
    expect(asked).toEqual([[null, true]])
    expect(pages.page.value).toBe(1)
  })

  it('offers at least the pages it has seen when the count was capped', async () => {
    const pages = useCursorPages<number>(async (cursor, count) => ({
      items: [1],
      next_cursor: `n${Number(cursor?.slice(1) ?? 0) + 1}`,
      ...(count ? { total: 2, total_capped: true } : {}),
    }), 1)
    await pages.reload()
    expect(pages.capped.value).toBe(true)
    await pages.goTo(4)
    expect(pages.pageCount.value).toBeGreaterThanOrEqual(5)
  })
})
