import { describe, expect, it } from 'vitest'

import { ApiError } from '@/api/problem'
import { usePager } from './usePager'

describe('usePager', () => {
  it('follows the cursor and appends pages until next_cursor is null', async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      start: { items: [1, 2], next_cursor: 'c2' },
      c2: { items: [3], next_cursor: null },
    }
    const asked: (string | null)[] = []
    const pager = usePager<number>(async (cursor) => {
      asked.push(cursor)
      return pages[cursor ?? 'start']
    })
    await pager.reload()
    expect(pager.items.value).toEqual([1, 2])
    expect(pager.hasMore()).toBe(true)
    await pager.more()
    expect(pager.items.value).toEqual([1, 2, 3])
    expect(pager.hasMore()).toBe(false)
    await pager.reload()
    expect(pager.items.value).toEqual([1, 2])
    expect(asked).toEqual([null, 'c2', null])
  })

  it('keeps the error message and the items it had', async () => {
    let fail = false
    const pager = usePager<number>(async () => {
      if (fail) {
        throw new ApiError(403, { type: 'x', title: '无权', status: 403, detail: '无权执行此操作', code: 'forbidden' })
      }
      return { items: [7], next_cursor: 'more' }
    })
    await pager.reload()
    fail = true
    await pager.more()
    expect(pager.error.value).toBe('无权执行此操作')
    expect(pager.items.value).toEqual([7])
    expect(pager.loading.value).toBe(false)
  })
})

describe('usePager ordering', () => {
  it('ignores an older answer that arrives after a newer one', async () => {
    const resolvers: ((v: { items: string[]; next_cursor: null }) => void)[] = []
    const pager = usePager<string>(
      () => new Promise((resolve) => resolvers.push(resolve)),
    )
    const first = pager.reload()
    const second = pager.reload()
    resolvers[1]({ items: ['new'], next_cursor: null })
    await second
    resolvers[0]({ items: ['old'], next_cursor: null })
    await first
    expect(pager.items.value).toEqual(['new'])
    expect(pager.loading.value).toBe(false)
  })
})
