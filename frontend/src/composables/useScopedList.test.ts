import { describe, expect, it } from 'vitest'

import { ApiError } from '@/api/problem'
import { useScopedList } from './useScopedList'

type Tab = 'queue' | 'mine'
type Answer = { items: string[]; next_cursor: string | null }

/** A fetch whose answers the test releases by hand, in any order. */
function held() {
  const calls: { scope: Tab; cursor: string | null; current: () => boolean; resolve: (a: Answer) => void; reject: (e: unknown) => void }[] = []
  const fetchPage = (scope: Tab, cursor: string | null, current: () => boolean) =>
    new Promise<Answer>((resolve, reject) => calls.push({ scope, cursor, current, resolve, reject }))
  return { calls, fetchPage }
}

describe('useScopedList', () => {
  it("drops the old tab's answer that arrives after the new tab's", async () => {
    const { calls, fetchPage } = held()
    const list = useScopedList<Tab, string>('queue', fetchPage)
    const first = list.reload()
    const second = list.show('mine')
    expect(calls.map((c) => c.scope)).toEqual(['queue', 'mine'])
    calls[1].resolve({ items: ['mine-1'], next_cursor: null })
    await second
    calls[0].resolve({ items: ['queue-1'], next_cursor: 'q2' })
    await Promise.race([first, new Promise((r) => setTimeout(r, 10))])
    expect(list.items.value).toEqual(['mine-1'])
    expect(list.hasMore()).toBe(false)
    expect(list.loading.value).toBe(false)
    expect(list.scope.value).toBe('mine')
  })

  it("tells a fetch reading several pages that its scope is gone", async () => {
    const { calls, fetchPage } = held()
    const list = useScopedList<Tab, string>('queue', fetchPage)
    void list.reload()
    expect(calls[0].current()).toBe(true)
    void list.show('mine')
    expect(calls[0].current()).toBe(false)
    expect(calls[1].current()).toBe(true)
  })

  it("shows no error from a tab no longer shown, but the current tab's own", async () => {
    const { calls, fetchPage } = held()
    const list = useScopedList<Tab, string>('queue', fetchPage)
    void list.reload()
    const second = list.show('mine')
    calls[0].reject(new ApiError(500, { type: 'x', title: '错误', status: 500, detail: '旧的错误', code: 'internal' }))
    calls[1].resolve({ items: ['a'], next_cursor: 'c2' })
    await second
    expect(list.error.value).toBeNull()
    const more = list.more()
    expect(calls[2]).toMatchObject({ scope: 'mine', cursor: 'c2' })
    calls[2].reject(new ApiError(403, { type: 'x', title: '无权', status: 403, detail: '无权执行此操作', code: 'forbidden' }))
    await more
    expect(list.error.value).toBe('无权执行此操作')
    expect(list.items.value).toEqual(['a'])
  })
})
