// Project applications (项目申报) in the SPA: a window's state, an application's progress as
// steps, the API's field errors placed on the form, and Beijing wall time for the editor.
// The rules themselves are the API's (chalicelib/domain/applications.py, windows.py).
import type { Schemas } from '@/api/client'

export type Application = Schemas['ApplicationResponse']
export type ApplicationSummary = Schemas['Application']
export type Window = Schemas['Window']
export type Material = Schemas['Material-Input']
export type Status = Application['status']

export type WindowState = 'not_open' | 'open' | 'closed'

/** As `domain/windows.py`: open from `opens_at` until before `closes_at`. */
export function windowState(w: Pick<Window, 'opens_at' | 'closes_at'>, now: Date = new Date()): WindowState {
  const at = now.getTime()
  if (at < Date.parse(w.opens_at)) return 'not_open'
  if (at >= Date.parse(w.closes_at)) return 'closed'
  return 'open'
}

export const OPEN_STATUSES: Status[] = ['submitted', 'under_review']

export interface ProgressStep {
  /** i18n key under applications.progress */
  key: 'submitted' | 'under_review' | 'decision' | 'approved' | 'rejected' | 'withdrawn'
  status: 'wait' | 'process' | 'success' | 'error'
  at: string | null
}

/** 已提交 → 审核中 → 通过/驳回, or 已提交 → 已撤回; each with when it was reached. */
export function progressSteps(a: Pick<Application, 'status' | 'history'>): ProgressStep[] {
  const at = (status: Status) => [...a.history].reverse().find((h) => h.status === status)?.at ?? null
  // done steps green (the brand's red is kept for a rejection), the current one dark
  const submitted: ProgressStep = { key: 'submitted', status: 'success', at: at('submitted') }
  switch (a.status) {
    case 'withdrawn':
      return [submitted, { key: 'withdrawn', status: 'process', at: at('withdrawn') }]
    case 'submitted':
      return [submitted, { key: 'under_review', status: 'wait', at: null }, { key: 'decision', status: 'wait', at: null }]
    case 'under_review':
      return [
        submitted,
        { key: 'under_review', status: 'process', at: at('under_review') },
        { key: 'decision', status: 'wait', at: null },
      ]
    case 'approved':
    case 'rejected':
      return [
        submitted,
        { key: 'under_review', status: 'success', at: at('under_review') },
        { key: a.status, status: a.status === 'approved' ? 'success' : 'error', at: at(a.status) },
      ]
  }
}

/** The index of the step the application is at (el-steps' `active`): the one in process,
 * else the first still waiting, else the last. */
export function activeStep(steps: ProgressStep[]): number {
  const current = steps.findIndex((s) => s.status === 'process')
  if (current >= 0) return current
  const waiting = steps.findIndex((s) => s.status === 'wait')
  return waiting < 0 ? steps.length - 1 : waiting
}

/** The API's field errors of an application, placed on the form: `form.contact_phone` at
 * `contact_phone`; `materials.{id}`, `materials.{i}.material_id` and
 * `materials.{i}.attachments.{j}` at the material (`material:{id}`), where `given` is the
 * material ids in the order they were sent and `known` the window's; a file's error says
 * which file. */
export function placeErrors(
  errors: Record<string, string>,
  given: string[],
  known: string[],
  fileText: (n: number, message: string) => string,
): Record<string, string> {
  const out: Record<string, string> = {}
  const put = (field: string, text: string) => {
    if (!(field in out)) out[field] = text
  }
  for (const [field, message] of Object.entries(errors)) {
    const form = /^form\.(\w+)$/.exec(field)
    const file = /^materials\.(\d+)\.attachments\.(\d+)$/.exec(field)
    const byIndex = /^materials\.(\d+)(?:\.material_id|\.attachments)?$/.exec(field)
    const byId = /^materials\.([a-z0-9][a-z0-9_-]*)$/.exec(field)
    if (form) put(form[1] as string, message)
    else if (byId && known.includes(byId[1] as string)) put(`material:${byId[1]}`, message)
    else if (file) put(`material:${given[Number(file[1])] ?? ''}`, fileText(Number(file[2]) + 1, message))
    else if (byIndex) put(`material:${given[Number(byIndex[1])] ?? ''}`, message)
    else put(field, message)
  }
  return out
}

/** An ISO time as Beijing wall time for `<input type="datetime-local">` (`2026-06-15T09:00`). */
export function toBeijingInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000)
  return shifted.toISOString().slice(0, 16)
}

/** Beijing wall time from the input as ISO 8601 with the zone (`2026-06-15T09:00:00+08:00`). */
export function fromBeijingInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null
  return `${value}:00+08:00`
}

/** A new material's id from its position (the API wants lower-case letters, digits, _ -). */
export function materialId(taken: string[]): string {
  let n = taken.length + 1
  while (taken.includes(`m${n}`)) n++
  return `m${n}`
}
