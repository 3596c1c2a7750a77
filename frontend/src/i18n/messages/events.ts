// The appeal events' labels: one entry per event type of the API (`EventType` in the OpenAPI
// document), Chinese first. `done` names the step on a timeline or in an inbox; `action`, for
// the events a user posts, names its button. A type the API adds without its labels here is a
// vue-tsc error. `common.event.*` and `staff.action.*` are made from this table.
import type { Schemas } from '@/api/client'

export type EventType = Schemas['EventType']
/** The events a user posts (`POST /api/v1/appeals/{id}/events`), by their `type`. */
export type ActionType = Schemas['EventRequest']['type']

type Labels = {
  [K in EventType]: K extends ActionType ? { done: string; action: string } : { done: string }
}

const zh: Labels = {
  accept: { done: '受理', action: '受理' },
  accept_part: { done: '部门签收', action: '签收' },
  transfer: { done: '转办部门', action: '转办部门' },
  department_reply: { done: '部门反馈', action: '部门反馈' },
  return: { done: '退回', action: '退回' },
  reply: { done: '答复企业', action: '答复企业' },
  confirm: { done: '企业评价', action: '评价答复' },
  callback: { done: '电话回访', action: '记录回访' },
  reassign: { done: '改派专员', action: '改派' },
  set_urgency: { done: '调整紧急程度', action: '调整紧急程度' },
  request_extension: { done: '申请延期', action: '申请延期' },
  approve_extension: { done: '批准延期', action: '批准延期' },
  reject_extension: { done: '不予延期', action: '不予延期' },
  escalate: { done: '升级督办', action: '升级协调' },
  supervise: { done: '督办', action: '督办' },
  report_completion: { done: '报告办结', action: '报告办结' },
  accept_completion: { done: '验收办结', action: '验收办结' },
  reject_completion: { done: '退回重办', action: '退回重办' },
  merge: { done: '作为重复诉求合并', action: '合并重复诉求' },
  void: { done: '作废（无效工单）', action: '作废无效工单' },
  pause: { done: '挂起', action: '挂起' },
  resume: { done: '恢复办理', action: '恢复办理' },
  supplement: { done: '企业补充材料', action: '补充材料' },
  withdraw: { done: '企业撤回诉求', action: '撤回诉求' },
  progress: { done: '推进情况', action: '填报推进情况' },
  filed: { done: '提交诉求' },
  escalated: { done: '升级督办' },
  warned: { done: '临期提醒' },
  marked_overdue: { done: '标记逾期' },
  auto_closed: { done: '自动办结（未评价）' },
  deadline_recomputed: { done: '期限重算' },
  supervision_overdue: { done: '督办逾期' },
  sign_overdue: { done: '签收超时' },
  part_warned: { done: '部门办理临期提醒' },
  part_overdue: { done: '部门办理逾期' },
  repeat_call: { done: '重复来电' },
  merged: { done: '并入重复诉求' },
  merged_reply: { done: '合并办理的诉求已答复' },
  closed: { done: '来电时直接答复并办结' },
  pause_expired: { done: '挂起满 10 个工作日，自动恢复' },
}

const en: Labels = {
  accept: { done: 'Accepted', action: 'Accept' },
  accept_part: { done: 'Signed for by the department', action: 'Sign for' },
  transfer: { done: 'Transferred', action: 'Transfer to departments' },
  department_reply: { done: 'Department answered', action: 'Answer our part' },
  return: { done: 'Returned', action: 'Return' },
  reply: { done: 'Replied', action: 'Reply to the enterprise' },
  confirm: { done: 'Rated by the enterprise', action: 'Rate the reply' },
  callback: { done: 'Call-back', action: 'Record the call-back' },
  reassign: { done: 'Reassigned', action: 'Reassign' },
  set_urgency: { done: 'Urgency changed', action: 'Change urgency' },
  request_extension: { done: 'Extension asked for', action: 'Ask for an extension' },
  approve_extension: { done: 'Extension approved', action: 'Approve the extension' },
  reject_extension: { done: 'Extension refused', action: 'Refuse the extension' },
  escalate: { done: 'Escalated', action: 'Escalate' },
  supervise: { done: 'Supervised', action: 'Supervise' },
  report_completion: { done: 'Completion reported', action: 'Report completion' },
  accept_completion: { done: 'Completion accepted', action: 'Accept completion' },
  reject_completion: { done: 'Completion sent back', action: 'Send back' },
  merge: { done: 'Merged as a duplicate', action: 'Merge a duplicate' },
  void: { done: 'Voided (invalid order)', action: 'Void an invalid order' },
  pause: { done: 'Paused', action: 'Pause' },
  resume: { done: 'Resumed', action: 'Resume' },
  supplement: { done: 'Material added by the enterprise', action: 'Add material' },
  withdraw: { done: 'Withdrawn by the enterprise', action: 'Withdraw the appeal' },
  progress: { done: 'Progress noted', action: 'Note progress' },
  filed: { done: 'Filed' },
  escalated: { done: 'Escalated' },
  warned: { done: 'Deadline warning' },
  marked_overdue: { done: 'Marked overdue' },
  auto_closed: { done: 'Closed (nobody rated the reply)' },
  deadline_recomputed: { done: 'Deadline recomputed' },
  supervision_overdue: { done: 'Supervision overdue' },
  sign_overdue: { done: 'Not signed for in time' },
  part_warned: { done: 'Department part due soon' },
  part_overdue: { done: 'Department part overdue' },
  repeat_call: { done: 'Repeat call' },
  merged: { done: 'A duplicate merged in' },
  merged_reply: { done: 'The appeal it was merged into was answered' },
  closed: { done: 'Answered on the call and closed' },
  pause_expired: { done: 'Resumed after 10 working days paused' },
}

/** What happened, by event type (the timeline's and the inbox's words). */
function done(labels: Labels): Record<EventType, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.done])) as Record<EventType, string>
}

/** The button of each event a user posts. */
function actions(labels: Labels): Record<ActionType, string> {
  const out: Partial<Record<ActionType, string>> = {}
  for (const [k, v] of Object.entries(labels)) if ('action' in v) out[k as ActionType] = v.action
  return out as Record<ActionType, string>
}

/** The enterprise's own steps on its appeal: their forms are in EnterpriseActions.vue, not
 * among the staff's in ActionPanel.vue. */
export const ENTERPRISE_STEPS = ['supplement', 'withdraw'] as const satisfies readonly ActionType[]
export type EnterpriseStep = (typeof ENTERPRISE_STEPS)[number]

export function isEnterpriseStep(type: string): type is EnterpriseStep {
  return (ENTERPRISE_STEPS as readonly string[]).includes(type)
}

/** Whether an event type is one a user posts (the API's `actions` only lists those). */
export function isAction(type: EventType): type is ActionType {
  return 'action' in zh[type]
}

export default {
  zh: { done: done(zh), action: actions(zh) },
  en: { done: done(en), action: actions(en) },
}
