// Numbered pages over a cursor-paged list ({items, next_cursor}, with `total` when asked:
// `count=true` on the appeals list). The cursor of every page read is kept, so going back, or
// to a page already seen, is one request; a page further on is reached by reading the pages
// between. The count is asked once, with the first page of a reload.
import { computed, ref, shallowRef, type Ref } from 'vue'

import { problemMessage } from '@/api/problem'

export interface CountedPage<T> {
  items: T[]
  next_cursor?: string | null
  total?: number | null
  total_capped?: boolean | null
}

export function useCursorPages<T>(
  fetchPage: (cursor: string | null, count: boolean) => Promise<CountedPage<T>>,
  pageSize: number,
) {
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const page = ref(1)
  const total = ref<number | null>(null)
  const capped = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** cursors[i]: the cursor that reads page i + 1 (null for the first) */
  let cursors: (string | null)[] = [null]
  /** the last page, once a page came back without a next cursor */
  const last = ref<number | null>(null)
  let ticket = 0

  function learn(n: number, next: string | null | undefined): void {
    if (next) cursors[n] = next
    else last.value = n
  }

  async function load(target: number, count: boolean): Promise<void> {
    const mine = ++ticket
    loading.value = true
    error.value = null
    try {
      let n = Math.max(1, Math.min(target, last.value ?? target))
      // read on through the pages between the furthest known and the one asked
      while (cursors.length < n) {
        const from = cursors.length
        const between = await fetchPage(cursors[from - 1] ?? null, false)
        if (mine !== ticket) return
        learn(from, between.next_cursor)
        if (!between.next_cursor) {
          n = from
          break
        }
      }
      const got = await fetchPage(cursors[n - 1] ?? null, count)
      if (mine !== ticket) return
      learn(n, got.next_cursor)
      if (count) {
        total.value = got.total ?? null
        capped.value = !!got.total_capped
      }
      items.value = got.items
      page.value = n
    } catch (e) {
      if (mine === ticket) error.value = problemMessage(e)
    } finally {
      if (mine === ticket) loading.value = false
    }
  }

  /** How many pages to offer: the last one once known, else what the count says, at least
   * one past the furthest page with a next cursor. */
  const pageCount = computed(() => {
    if (last.value !== null) return last.value
    const counted = total.value === null ? 1 : Math.ceil(total.value / pageSize)
    return Math.max(counted, cursors.length, page.value)
  })

  return {
    items,
    page,
    total,
    capped,
    loading,
    error,
    pageCount,
    hasMore: () => last.value === null || page.value < last.value,
    /** from the first page again (filters changed), counting; `start` opens another page */
    reload: (start = 1) => {
      cursors = [null]
      last.value = null
      total.value = null
      capped.value = false
      return load(start, true)
    },
    goTo: (n: number) => load(n, false),
  }
}
