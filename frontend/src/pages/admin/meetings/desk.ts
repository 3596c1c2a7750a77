// The 集中会办 page's shared state (provided by MeetingsPage, injected by its parts): the
// business clock, the months, the chosen month's meeting, the departments, the agenda being
// edited, and how a refusal is shown. docs/meetings.md for the rules.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { computed, inject, provide, ref, watch, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'

import { client, unwrap, type Appeal, type Schemas } from '@/api/client'
import { ApiError, problemMessage } from '@/api/problem'
import { session } from '@/auth/session'
import { useBusinessClock } from '@/composables/useBusinessClock'
import { useFieldErrors } from '@/composables/useFieldErrors'
import { usePager } from '@/composables/usePager'
import { appealItems } from './meetingText'

type Meeting = Schemas['Meeting']
type AgendaItem = Schemas['AgendaItem']
type Department = Schemas['Department']

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/
/** The pages of open level-2 appeals read for the agenda's picker (100 a page). */
const OFFERED_PAGES = 5

function useMeetingDesk() {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const isAdmin = computed(() => session.user?.role === 'admin')
  const clock = useBusinessClock()
  const today = clock.today
  const thisMonth = computed(() => today.value.slice(0, 7))

  // ---- the months ----
  const list = usePager<Meeting>((cursor) =>
    unwrap(client.GET('/api/v1/meetings', { params: { query: { limit: 24, ...(cursor ? { cursor } : {}) } } })),
  )
  const queried = computed(() => {
    const m = route.query.month
    return typeof m === 'string' && MONTH.test(m) ? m : null
  })
  const selected = computed(() => queried.value ?? thisMonth.value)

  function choose(month: string): void {
    if (month === selected.value) return
    void router.replace({ query: { ...route.query, month } })
  }

  // ---- the chosen month's meeting ----
  const meeting = ref<Meeting | null>(null)
  const meetingLoading = ref(false)
  const meetingError = ref<string | null>(null)
  const missing = ref(false)
  let ticket = 0

  /**
   * The months' list already says a month has no meeting when the month is not in it and the
   * list reaches back past it (months come newest first): no request that can only be a 404.
   */
  function knownMissing(month: string): boolean {
    if (!list.loaded.value || list.error.value) return false
    const months = list.items.value.map((m) => m.month)
    if (months.includes(month)) return false
    const oldest = months.at(-1)
    return !list.hasMore() || (oldest !== undefined && oldest < month)
  }

  async function loadMeeting(): Promise<void> {
    const mine = ++ticket
    const month = selected.value
    meetingLoading.value = true
    meetingError.value = null
    missing.value = false
    if (knownMissing(month)) {
      meeting.value = null
      missing.value = true
      meetingLoading.value = false
      return
    }
    try {
      const found = await unwrap(client.GET('/api/v1/meetings/{month}', { params: { path: { month } } }))
      if (mine !== ticket) return
      setMeeting(found)
    } catch (e) {
      if (mine !== ticket) return
      if (e instanceof ApiError && e.status === 404) {
        meeting.value = null
        missing.value = true
      } else {
        meetingError.value = problemMessage(e)
      }
    } finally {
      if (mine === ticket) meetingLoading.value = false
    }
  }

  /** A meeting as the API now has it: shown, put in the months, the agenda draft reset. */
  function setMeeting(m: Meeting): void {
    meeting.value = m
    list.items.value = list.items.value.some((x) => x.month === m.month)
      ? list.items.value.map((x) => (x.month === m.month ? m : x))
      : [m, ...list.items.value]
    draftAgenda.value = appealItems(m)
    agendaErrors.clear()
    if (isAdmin.value && m.status === 'draft') void loadOffered()
  }

  /** After a refusal: a stale version reloads with a word; any other 409 (a state change) too. */
  async function refused(e: unknown, show: (e: unknown) => unknown): Promise<void> {
    if (e instanceof ApiError && e.code === 'version_conflict') {
      ElMessage.warning(t('meetings.conflict'))
      await loadMeeting()
    } else if (e instanceof ApiError && (e.status === 409 || e.status === 404)) {
      ElMessage.error(problemMessage(e))
      await loadMeeting()
    } else {
      show(e)
    }
  }

  // ---- departments: owners of decisions, and attendees to pick from ----
  const departments = ref<Department[]>([])
  async function loadDepartments(): Promise<void> {
    try {
      const page = await unwrap(client.GET('/api/v1/departments', { params: { query: { limit: 100 } } }))
      departments.value = page.items.filter((d) => d.active)
    } catch (e) {
      ElMessage.error(problemMessage(e))
    }
  }

  // ---- the agenda being edited (admins, while draft); the record waits until it is saved ----
  const draftAgenda = ref<AgendaItem[]>([])
  const agendaErrors = useFieldErrors()
  const editable = computed(() => isAdmin.value && meeting.value?.status === 'draft')
  const dirty = computed(
    () =>
      editable.value &&
      draftAgenda.value.map((i) => i.appeal_id).join('\n') !==
        appealItems(meeting.value)
          .map((i) => i.appeal_id)
          .join('\n'),
  )

  const offered = ref<Appeal[]>([])
  const offeredError = ref<string | null>(null)
  const offeredLoading = ref(false)
  let offeredLoaded = false

  /** The open appeals raised to the county (escalation_level=2: the API's escalation queue,
   * open ones only), a few pages of them. */
  async function loadOffered(): Promise<void> {
    if (offeredLoaded || offeredLoading.value) return
    offeredLoading.value = true
    offeredError.value = null
    try {
      const found: Appeal[] = []
      let cursor: string | null = null
      for (let page = 0; page < OFFERED_PAGES; page++) {
        const got: { items: Appeal[]; next_cursor?: string | null } = await unwrap(
          client.GET('/api/v1/appeals', {
            params: { query: { scope: 'all', escalation_level: 2, limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        )
        found.push(...got.items)
        cursor = got.next_cursor ?? null
        if (!cursor) break
      }
      offered.value = found
      offeredLoaded = true
    } catch (e) {
      offeredError.value = problemMessage(e)
    } finally {
      offeredLoading.value = false
    }
  }

  // ---- start ----
  let started = false // the clock's first answer moves `selected`: start() loads that month
  watch(selected, () => {
    if (!started) return
    meeting.value = null
    void loadMeeting()
  })

  async function start(): Promise<void> {
    await clock.sync()
    await list.reload() // first: it may already say the month has no meeting
    started = true
    void loadMeeting()
    if (isAdmin.value) void loadDepartments()
  }

  return {
    isAdmin,
    today,
    thisMonth,
    list,
    selected,
    choose,
    meeting,
    meetingLoading,
    meetingError,
    missing,
    loadMeeting,
    setMeeting,
    refused,
    departments,
    draftAgenda,
    agendaErrors,
    editable,
    dirty,
    offered,
    offeredError,
    offeredLoading,
    start,
  }
}

export type MeetingDesk = ReturnType<typeof useMeetingDesk>
const KEY: InjectionKey<MeetingDesk> = Symbol('meeting-desk')

/** The page: makes the desk and hands it to its parts. */
export function provideMeetingDesk(): MeetingDesk {
  const desk = useMeetingDesk()
  provide(KEY, desk)
  return desk
}

/** A part of the page: the desk its page made. */
export function useDesk(): MeetingDesk {
  const desk = inject(KEY)
  if (!desk) throw new Error('a meetings part outside MeetingsPage')
  return desk
}
