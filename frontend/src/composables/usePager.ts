// A cursor-paged list ({items, next_cursor}) with loading, error and "load more".
import { ref, shallowRef, type Ref } from 'vue'

import { problemMessage } from '@/api/problem'

export interface PageOf<T> {
  items: T[]
  next_cursor?: string | null
}

export function usePager<T>(fetchPage: (cursor: string | null) => Promise<PageOf<T>>) {
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const cursor = ref<string | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const loaded = ref(false)

  let latest = 0 // a slow answer to an older request must not overwrite a newer one

  async function load(reset: boolean): Promise<void> {
    const ticket = ++latest
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(reset ? null : cursor.value)
      if (ticket !== latest) return
      items.value = reset ? page.items : [...items.value, ...page.items]
      cursor.value = page.next_cursor ?? null
      loaded.value = true
    } catch (e) {
      if (ticket === latest) error.value = problemMessage(e)
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  return {
    items,
    loading,
    error,
    loaded,
    hasMore: () => cursor.value !== null,
    reload: () => load(true),
    more: () => load(false),
  }
}
