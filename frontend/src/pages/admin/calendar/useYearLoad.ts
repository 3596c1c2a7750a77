// Loading a year's notice (放假通知): the lists typed or read from a CSV, checked line by line
// before sending, and the API's refusals said with the dates they name.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { computed, ref, watch } from 'vue'
import { useI18n } from 'vue-i18n'

import { client, unwrap, type Schemas } from '@/api/client'
import { ApiError, problemMessage, type FieldProblem } from '@/api/problem'
import { decodeText, formatDateList, parseCsv, parseDateList, weekdayOf, type LineProblem } from '@/utils/calendarInput'
import { fillDraft, useDesk } from './desk'

type CalendarLoad = Schemas['CalendarLoad']

export function useYearLoad() {
  const { t } = useI18n()
  const { year, cal, draftOf, loaded } = useDesk()
  const draft = computed(() => draftOf(year.value))

  // examples in the chosen year, so they are never mistaken for the schedule of another
  const examples = computed(() => {
    const y = year.value
    const saturday = [1, 2, 3, 4, 5, 6, 7].map((d) => `${y}-02-0${d}`).find((date) => weekdayOf(date) === 5)
    return {
      holidays: `${t('calendar.load.example')}\n${y}-01-01 元旦\n${y}-10-01~${y}-10-07 国庆`,
      workdays: `${t('calendar.load.example')}\n${saturday}`,
    }
  })

  const holidaysRead = computed(() => parseDateList(draft.value.holidays))
  const workdaysRead = computed(() => parseDateList(draft.value.workdays))
  const csvProblems = ref<LineProblem[]>([])
  const csvNote = ref<string | null>(null)
  const tried = ref(false)
  const saving = ref(false)
  const refusals = ref<string[]>([])
  const refusedMessage = ref<string | null>(null)

  const reasonText = (p: LineProblem, where: 'holidays' | 'workdays' | 'csv'): string =>
    t('calendar.load.problem', {
      where: t(`calendar.load.where.${where}`),
      line: p.line,
      text: p.text,
      reason: t(`calendar.load.reason.${p.reason}`),
    })

  const lineProblems = computed(() => [
    ...holidaysRead.value.problems.map((p) => reasonText(p, 'holidays')),
    ...workdaysRead.value.problems.map((p) => reasonText(p, 'workdays')),
  ])

  const blockers = computed(() => {
    const out: string[] = []
    if (!holidaysRead.value.dates.length) out.push(t('calendar.load.needHoliday'))
    if (holidaysRead.value.dates.length > 60 || workdaysRead.value.dates.length > 30) out.push(t('calendar.load.tooMany'))
    return out
  })

  const summary = computed(() =>
    t('calendar.load.parsed', {
      holidays: holidaysRead.value.dates.length,
      named: Object.keys(holidaysRead.value.names).length,
      workdays: workdaysRead.value.dates.length,
    }),
  )
  const duplicates = computed(() => holidaysRead.value.duplicates + workdaysRead.value.duplicates)

  function resetLoadState(): void {
    tried.value = false
    refusals.value = []
    refusedMessage.value = null
    csvProblems.value = []
    csvNote.value = null
  }
  watch(year, resetLoadState)

  function fillCurrent(): void {
    if (cal.value) fillDraft(draft.value, cal.value)
    resetLoadState()
  }

  function clearDraft(): void {
    draft.value.holidays = ''
    draft.value.workdays = ''
    resetLoadState()
  }

  function onFile(event: Event): void {
    const input = event.target as HTMLInputElement
    const file = input.files?.[0]
    if (!file) return
    const target = draft.value
    const failed = () => {
      csvNote.value = null
      ElMessage.error(t('calendar.load.csvFailed', { file: file.name }))
      input.value = ''
    }
    if (file.size > 1_000_000) return failed() // a year's notice is a few dozen rows
    const reader = new FileReader()
    reader.onload = () => {
      try {
        const csv = parseCsv(decodeText(reader.result as ArrayBuffer))
        target.holidays = formatDateList(csv.holidays, csv.names)
        target.workdays = formatDateList(csv.workdays)
        refusals.value = []
        refusedMessage.value = null
        csvProblems.value = csv.problems
        csvNote.value = t('calendar.load.csvRead', { file: file.name, rows: csv.rows })
        input.value = '' // the same file may be chosen again after it is corrected
      } catch {
        failed()
      }
    }
    reader.onerror = failed
    reader.readAsArrayBuffer(file)
  }

  /** A field the API refused, said with the date it names (`holidays.3` → the 4th day off sent). */
  function refusal(e: FieldProblem, body: CalendarLoad): string {
    const item = /^(holidays|working_weekends)\.(\d+)$/.exec(e.field)
    if (item) {
      const list = item[1] === 'holidays' ? body.holidays : (body.working_weekends ?? [])
      const n = Number(item[2])
      return t('calendar.load.errorItem', {
        where: t(`calendar.load.where.${item[1] === 'holidays' ? 'holidays' : 'workdays'}`),
        n: n + 1,
        date: list[n] ?? '?',
        message: e.message,
      })
    }
    const name = /^names\.(.+)$/.exec(e.field)
    if (name) return t('calendar.load.errorName', { date: name[1], message: e.message })
    return t('calendar.load.errorField', { field: e.field, message: e.message })
  }

  async function submitYear(): Promise<void> {
    tried.value = true
    refusals.value = []
    refusedMessage.value = null
    if (lineProblems.value.length || csvProblems.value.length || blockers.value.length) return
    const y = year.value
    const body: CalendarLoad = {
      holidays: holidaysRead.value.dates,
      working_weekends: workdaysRead.value.dates,
      names: holidaysRead.value.names,
    }
    saving.value = true
    try {
      const data = await unwrap(client.PUT('/api/v1/calendar/{year}', { params: { path: { year: String(y) } }, body }))
      ElMessage.success(t('calendar.load.done', { n: data.recomputed }))
      loaded(data)
      resetLoadState()
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) refusals.value = e.problem.errors.map((x) => refusal(x, body))
      else refusedMessage.value = problemMessage(e)
    } finally {
      saving.value = false
    }
  }

  return {
    draft,
    examples,
    csvProblems,
    csvNote,
    tried,
    saving,
    refusals,
    refusedMessage,
    reasonText,
    lineProblems,
    blockers,
    summary,
    duplicates,
    fillCurrent,
    clearDraft,
    onFile,
    submitYear,
  }
}
