// Small rules the 集中会办 parts share: labels, an agenda item's key, the first error of a field.
import type { Schemas } from '@/api/client'

type Meeting = Schemas['Meeting']
type AgendaItem = Schemas['AgendaItem']
export type MonthStatus = Meeting['status'] | 'none'
type Translate = (key: string, values?: Record<string, unknown>) => string

export const REASONS = ['common', 'multi_department', 'other', 'overdue']
export const MAX_ATTENDEES = 50
export const MAX_DEPARTMENTS = 10

export const statusKind: Record<MonthStatus, 'success' | 'danger' | 'info' | 'warning'> = {
  none: 'info',
  draft: 'warning',
  held: 'success',
  missed: 'danger',
}

export function monthLabel(t: Translate, month: string): string {
  const [y, mm] = month.split('-')
  return t('meetings.monthLabel', { y, m: Number(mm), mm })
}

export function reasonLabel(t: Translate, reason: string | null): string {
  if (!reason) return '—'
  return REASONS.includes(reason) ? t(`meetings.reason.${reason}`) : reason
}

/** An item's key: a common item's group, else its appeal (a lead may be both). */
export function itemKey(item: AgendaItem): string {
  return item.kind === 'common' && item.group_id ? item.group_id : item.appeal_id
}

/** The items set through PUT …/agenda; common items come and go through their proposals. */
export function appealItems(m: Meeting | null): AgendaItem[] {
  return (m?.agenda ?? []).filter((i) => i.kind !== 'common').map((i) => ({ ...i }))
}

/** A field's error, or the first of its items' (`attendees.2`). */
export function firstError(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field]
  const key = Object.keys(errors).find((k) => k.startsWith(`${field}.`))
  return key ? errors[key] : undefined
}

export function groupLink(month: string | undefined, groupId: string | null): string {
  return `/admin/meetings/${month ?? ''}/proposals/${groupId ?? ''}`
}
