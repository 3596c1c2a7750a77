// Filters kept in the address (`/policies?q=用地`, `/financing?amount=300`): the list shows
// the address's filters (`applied`), the form edits a copy (`draft`), and applying writes the
// address — so a search can be shared and the back button returns to it. Applying the same
// filters again reloads the list; the list also reloads whenever the address's filters change.
import { computed, onMounted, reactive, watch, type ComputedRef, type UnwrapNestedRefs } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'

export interface FilterCodec<F extends object> {
  /** the filters an address names (unknown values dropped) */
  fromQuery: (query: LocationQuery) => F
  /** the address's query for some filters (only what differs from none) */
  toQuery: (f: F) => LocationQueryRaw
  same: (a: F, b: F) => boolean
  /** no filter at all */
  none: F
}

export interface AddressFilters<F extends object> {
  applied: ComputedRef<F>
  draft: UnwrapNestedRefs<F>
  filtered: ComputedRef<boolean>
  /** show these filters: write them into the address, or reload when they are shown already */
  apply: (next: F) => void
  /** clear the form and show everything */
  reset: () => void
}

export function useAddressFilters<F extends object>(codec: FilterCodec<F>, reload: () => unknown): AddressFilters<F> {
  const route = useRoute()
  const router = useRouter()
  const applied = computed(() => codec.fromQuery(route.query))
  const draft = reactive({ ...applied.value }) as UnwrapNestedRefs<F>

  function apply(next: F): void {
    if (codec.same(next, applied.value)) {
      void reload()
      return
    }
    void router.replace({ path: route.path, query: codec.toQuery(next) })
  }

  function reset(): void {
    Object.assign(draft, codec.none)
    apply({ ...codec.none })
  }

  watch(applied, (now, before) => {
    if (codec.same(now, before)) return
    Object.assign(draft, now)
    void reload()
  })
  // the first load once the page is there (its list may be made after this call)
  onMounted(() => void reload())

  return { applied, draft, filtered: computed(() => !codec.same(applied.value, codec.none)), apply, reset }
}
