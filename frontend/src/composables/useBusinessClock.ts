// The business clock: "now" as the server has it (GET /health; the local stack can move it),
// ticking on in the browser, for deadlines and "today" shown in Beijing time.
import { computed, getCurrentScope, onScopeDispose, ref } from 'vue'

import { client, unwrap } from '@/api/client'
import { beijingDate } from '@/utils/time'

/** `tickMs`: how often `now` moves on (a minute: deadlines are shown to the minute). */
export function useBusinessClock(tickMs = 60_000) {
  /** The server's clock minus the browser's, in ms (0 until read, or if it can't be). */
  const offset = ref(0)
  const now = ref(Date.now())
  const synced = ref(false)

  function tick(): void {
    now.value = Date.now() + offset.value
  }

  async function sync(): Promise<void> {
    try {
      const health = await unwrap(client.GET('/api/v1/health'))
      const at = Date.parse(health.now)
      if (!Number.isNaN(at)) {
        offset.value = at - Date.now()
        synced.value = true
      }
    } catch {
      // the browser's clock will do
    }
    tick()
  }

  const timer = setInterval(tick, tickMs)
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer))

  /** Today's date in Beijing (YYYY-MM-DD), by the business clock. */
  const today = computed(() => beijingDate(new Date(now.value).toISOString()))
  /** Whether an ISO time is already past, by the business clock. */
  const past = (iso: string | null | undefined): boolean => !!iso && Date.parse(iso) < now.value

  return { now, today, synced, sync, past, stop: () => clearInterval(timer) }
}
