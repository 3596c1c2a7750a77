// A paged list shown under a scope (a tab, a set of filters): changing the scope drops every
// answer still on its way for the old one, so a slow reply never lands under the new tab.
import { ref, type Ref } from 'vue'

import { usePager, type PageOf } from './usePager'

/** `fetchPage(scope, cursor, current)`: `current()` turns false once the scope changed —
 * a fetch that reads several pages stops early. */
export function useScopedList<S, T>(
  initial: S,
  fetchPage: (scope: S, cursor: string | null, current: () => boolean) => Promise<PageOf<T>>,
) {
  const scope = ref(initial) as Ref<S>
  let generation = 0

  const pager = usePager<T>(async (cursor) => {
    const mine = generation
    const current = () => mine === generation
    // an answer for a scope no longer shown never settles: the newer request wins
    const stale = () => new Promise<never>(() => {})
    try {
      const page = await fetchPage(scope.value, cursor, current)
      return current() ? page : stale()
    } catch (e) {
      if (!current()) return stale()
      throw e
    }
  })

  /** Read the first page again, for the scope as it is. */
  function reload(): Promise<void> {
    generation++
    return pager.reload()
  }

  /** Show another scope (the tab chosen, the filters applied) from its first page. */
  function show(next: S): Promise<void> {
    scope.value = next
    return reload()
  }

  return { ...pager, scope, reload, show }
}
