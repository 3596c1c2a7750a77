// The case view's actions, arranged: of the steps the API lists for the signed-in user, the one
// the case waits for (the primary button), the everyday ones beside it, the rare ones under
// 「更多操作」 and the irreversible ones (并案, 作废) apart, each confirmed. After a step, a
// sentence saying what happened (「已受理，请在 … 前答复」), never a bare 「已保存」.
import type { AppealDetail, TimelineEvent } from '@/api/client'
import type { ActionType } from '@/i18n/messages/events'
import { beijing } from '@/utils/time'

/** Steps with no fields: one click posts them. */
export const IMMEDIATE: readonly ActionType[] = ['accept', 'accept_part', 'resume']
/** Steps that cannot be undone: apart from the others, and confirmed before they are posted. */
export const IRREVERSIBLE: readonly ActionType[] = ['merge', 'void']
/** Steps a user takes seldom: under 「更多操作」. */
export const RARE: readonly ActionType[] = ['reassign', 'set_urgency', 'escalate', 'supervise']

export type Arranged = {
  primary: ActionType | null
  secondary: ActionType[]
  more: ActionType[]
  irreversible: ActionType[]
}

/** The step this case waits for from this user, if any, from the steps the API lists. */
export function primaryAction(appeal: Pick<AppealDetail, 'status' | 'departments'>, actions: readonly ActionType[]): ActionType | null {
  const has = (a: ActionType) => actions.includes(a)
  const partsOpen = appeal.departments.some((p) => p.status === 'open')
  // in the order the work goes: take it, decide what waits on you, answer, check the answer
  if (has('accept')) return 'accept' // 受理 (received, the owner)
  if (has('accept_part')) return 'accept_part' // 签收 (a department with an unsigned part)
  if (has('approve_extension')) return 'approve_extension' // a request waits for the centre
  if (has('resume')) return 'resume' // 挂起: restart when the reason is gone
  if (has('department_reply')) return 'department_reply' // 答复本部门
  if (has('reply') && !partsOpen) return 'reply' // every part answered (or none sent out)
  if (has('confirm')) return 'confirm' // the enterprise rates the reply
  if (has('callback')) return 'callback' // 回访 (replied, the operator)
  if (has('accept_completion')) return 'accept_completion'
  if (has('report_completion')) return 'report_completion'
  if (has('progress')) return 'progress'
  return null
}

export function arrange(appeal: Pick<AppealDetail, 'status' | 'departments'>, actions: readonly ActionType[]): Arranged {
  const primary = primaryAction(appeal, actions)
  const rest = actions.filter((a) => a !== primary)
  return {
    primary,
    secondary: rest.filter((a) => !RARE.includes(a) && !IRREVERSIBLE.includes(a)),
    more: rest.filter((a) => RARE.includes(a)),
    irreversible: rest.filter((a) => IRREVERSIBLE.includes(a)),
  }
}

type Translate = (key: string, values?: Record<string, unknown>) => string

/** What a step did, in words, from the appeal before and after it and what was sent. */
export function doneMessage(
  t: Translate,
  action: ActionType,
  before: AppealDetail,
  after: AppealDetail,
  sent: Record<string, unknown>,
): string {
  const k = (key: string, values: Record<string, unknown> = {}) => t(`caseview.done.${key}`, values)
  const due = beijing(after.reply_due_at)
  const names = (ids: unknown) => {
    const wanted = Array.isArray(ids) ? (ids as string[]) : []
    const found = after.departments.filter((p) => wanted.includes(p.id)).map((p) => p.name)
    return (found.length ? found : wanted).join('、')
  }
  switch (action) {
    case 'accept':
      return k('accept', { due })
    case 'accept_part': {
      // the part this user just signed for: unsigned before, signed now
      const was = new Set(before.departments.filter((p) => !p.signed_at).map((p) => p.id))
      const part = after.departments.find((p) => p.signed_at && was.has(p.id))
      return part ? k('accept_part', { due: beijing(part.due_at) }) : k('accept_part_plain')
    }
    case 'transfer':
      return k('transfer', { names: names(sent.departments) })
    case 'department_reply':
      return k('department_reply')
    case 'return':
      return k('return')
    case 'reply':
      return k('reply')
    case 'confirm':
      return k(sent.resolved ? 'confirm_resolved' : 'confirm_reopened', { due })
    case 'callback':
      return k(sent.resolved ? 'callback_resolved' : 'callback_reopened', { due })
    case 'reassign':
      return k('reassign', { name: after.assignee.name ?? '' })
    case 'set_urgency':
      return k('set_urgency', { urgency: t(`common.urgency.${after.urgency}`), due })
    case 'request_extension':
      return k('request_extension', { n: sent.working_days })
    case 'approve_extension':
      return k('approve_extension', { due })
    case 'reject_extension':
      return k('reject_extension')
    case 'escalate':
      return k('escalate', { level: after.escalation_level })
    case 'supervise':
      return k('supervise', { due: beijing(after.supervision?.due_at ?? after.supervision_due_at) })
    case 'report_completion':
      return k('report_completion')
    case 'accept_completion':
      return k('accept_completion')
    case 'reject_completion':
      return k('reject_completion')
    case 'merge':
      return k('merge', { id: after.merged_into ?? sent.into })
    case 'void':
      return k('void')
    case 'pause':
      return k('pause')
    case 'resume':
      return k('resume', { due })
    case 'supplement':
      return k('supplement')
    case 'withdraw':
      return k('withdraw')
    case 'progress':
      return k('progress')
    default: {
      const unknown: never = action // every step a user posts says what it did
      return unknown
    }
  }
}

export type EarlierReply = { content: string; at: string; verdict: TimelineEvent | null }

/** After 重办 (an unresolved verdict reopened the case) the reply in force is gone: the last
 * reply on the timeline and the verdict that reopened it, for the reply card. Null while a
 * reply is in force or none was ever given. */
export function earlierReply(appeal: Pick<AppealDetail, 'reply' | 'timeline'>): EarlierReply | null {
  if (appeal.reply) return null
  const events = appeal.timeline
  let i = events.length - 1
  while (i >= 0 && events[i].type !== 'reply') i -= 1
  if (i < 0) return null
  const reply = events[i]
  const verdict = events.slice(i + 1).find((e) => (e.type === 'confirm' || e.type === 'callback') && e.resolved === false) ?? null
  return { content: reply.content ?? '', at: reply.at, verdict }
}
