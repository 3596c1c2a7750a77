// The working calendar page's shared state (provided by CalendarPage, injected by its parts):
// the year chosen and its schedule, the draft typed for each year, the service levels (the
// deadline preview offers them), and a count of loads the preview follows.
import { inject, provide, reactive, ref, watch, type InjectionKey } from 'vue'
import { useRoute } from 'vue-router'

import { client, unwrap, type Schemas } from '@/api/client'
import { problemMessage } from '@/api/problem'
import { beijingWallClock, formatDateList } from '@/utils/calendarInput'

type CalendarYear = Schemas['CalendarYear']
type ServiceLevels = Schemas['ServiceLevelsView']

/** What is typed for a year's notice: a draft per year, so switching years loses nothing. */
export interface Draft {
  holidays: string
  workdays: string
}

export function fillDraft(target: Draft, data: CalendarYear): void {
  target.holidays = formatDateList(data.holidays, data.names)
  target.workdays = formatDateList(data.working_weekends)
}

export type LevelField = 'normal_working_days' | 'urgent_working_days' | 'warning_working_days' | 'accept_working_days'

function useCalendarDesk() {
  const now = beijingWallClock()
  const today = now.date
  const thisYear = Number(today.slice(0, 4))
  const years = [thisYear - 1, thisYear, thisYear + 1, thisYear + 2]
  /** The year asked for (the banner's 「去录入」 names the missing one), else this year. */
  function askedYear(value: unknown): number | null {
    const y = Number(value)
    return years.includes(y) ? y : null
  }
  const route = useRoute() as ReturnType<typeof useRoute> | undefined // none in unit tests
  const year = ref(askedYear(route?.query.year) ?? thisYear)
  watch(
    () => route?.query.year,
    (value) => {
      const y = askedYear(value)
      if (y !== null) year.value = y
    },
  )

  // ---- drafts
  const drafts = reactive<Record<number, Draft>>({})
  function draftOf(y: number): Draft {
    if (!drafts[y]) drafts[y] = { holidays: '', workdays: '' }
    return drafts[y]
  }
  draftOf(thisYear)

  // ---- the chosen year's schedule
  const cal = ref<CalendarYear | null>(null)
  const calLoading = ref(false)
  const calError = ref<string | null>(null)
  let latestYear = 0 // a slow answer for a year no longer chosen must not show

  async function loadYear(): Promise<void> {
    const ticket = ++latestYear
    const y = year.value
    calLoading.value = true
    calError.value = null
    try {
      const data = await unwrap(client.GET('/api/v1/calendar/{year}', { params: { path: { year: String(y) } } }))
      if (ticket === latestYear) showYear(data)
    } catch (e) {
      if (ticket === latestYear) calError.value = problemMessage(e)
    } finally {
      if (ticket === latestYear) calLoading.value = false
    }
  }

  function showYear(data: CalendarYear): void {
    cal.value = data
    const draft = draftOf(data.year)
    // what an administrator loaded is the starting point for correcting it
    if (data.source === 'admin' && !draft.holidays.trim() && !draft.workdays.trim()) fillDraft(draft, data)
  }

  /** A year just loaded (PUT answered): shown if still chosen, and the preview told. */
  const loads = ref(0)
  function loaded(data: CalendarYear): void {
    fillDraft(draftOf(data.year), data)
    if (year.value === data.year) {
      latestYear++ // the answer is the year as it now stands: an older GET must not replace it
      calLoading.value = false
      calError.value = null
      cal.value = data
    }
    loads.value++ // its deadline may have moved
  }

  // ---- service levels
  const levels = ref<ServiceLevels | null>(null)
  const levelsLoading = ref(false)
  const levelsError = ref<string | null>(null)
  const levelsForm = reactive<Record<LevelField, number | undefined>>({
    normal_working_days: undefined,
    urgent_working_days: undefined,
    warning_working_days: undefined,
    accept_working_days: undefined,
  })
  const FIELDS: LevelField[] = ['normal_working_days', 'urgent_working_days', 'warning_working_days', 'accept_working_days']

  function showLevels(view: ServiceLevels): void {
    levels.value = view
    for (const field of FIELDS) levelsForm[field] = view[field]
  }

  async function loadLevels(): Promise<void> {
    levelsLoading.value = true
    levelsError.value = null
    try {
      showLevels(await unwrap(client.GET('/api/v1/settings/service-levels')))
    } catch (e) {
      levelsError.value = problemMessage(e)
    } finally {
      levelsLoading.value = false
    }
  }

  return {
    now,
    today,
    thisYear,
    years,
    year,
    draftOf,
    cal,
    calLoading,
    calError,
    loadYear,
    loaded,
    loads,
    levels,
    levelsLoading,
    levelsError,
    levelsForm,
    showLevels,
    loadLevels,
  }
}

export type CalendarDesk = ReturnType<typeof useCalendarDesk>
const KEY: InjectionKey<CalendarDesk> = Symbol('calendar-desk')

export function provideCalendarDesk(): CalendarDesk {
  const desk = useCalendarDesk()
  provide(KEY, desk)
  return desk
}

export function useDesk(): CalendarDesk {
  const desk = inject(KEY)
  if (!desk) throw new Error('a calendar part outside CalendarPage')
  return desk
}
