// Which counters a role's home shows, and the list each opens (filtered where the list can be).
import type { Schemas } from '@/api/client'

export type Counters = Schemas['Counters']
export type CounterKey = Exclude<keyof Counters, 'partial'>

export interface CounterLink {
  key: CounterKey
  to: string
  /** a figure above zero is a warning (red), not just work */
  alarm?: boolean
}

export const HOME_COUNTERS: Record<string, CounterLink[]> = {
  commissioner: [
    { key: 'overdue', to: '/workbench?overdue=true', alarm: true },
    { key: 'due_today', to: '/workbench' },
    { key: 'awaiting_sign', to: '/workbench' },
  ],
  department: [
    { key: 'overdue', to: '/department', alarm: true },
    { key: 'due_today', to: '/department' },
    { key: 'awaiting_sign', to: '/department' },
  ],
  operator: [{ key: 'awaiting_callback', to: '/console' }],
  admin: [
    { key: 'triage', to: '/admin/triage' },
    { key: 'overdue', to: '/appeals?overdue=true', alarm: true },
    { key: 'due_today', to: '/appeals' },
    { key: 'awaiting_callback', to: '/appeals?status=replied' },
  ],
  supervisor: [
    { key: 'overdue', to: '/appeals?overdue=true', alarm: true },
    { key: 'due_today', to: '/appeals' },
    { key: 'supervised_open', to: '/department/ledger' },
  ],
}
