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
    { key: 'open', to: '/workbench' },
    { key: 'overdue', to: '/workbench?overdue=true', alarm: true },
    { key: 'due_today', to: '/workbench?due=today' },
    { key: 'awaiting_sign', to: '/workbench' },
  ],
  // a unit (department or town): the five of issue 21, each equal to what its list holds
  department: [
    { key: 'awaiting_sign', to: '/department/ledger?kind=part&signed=false' },
    { key: 'in_progress', to: '/department/ledger?kind=part&signed=true' },
    { key: 'due_today', to: '/department/ledger?status=due_today' },
    { key: 'overdue', to: '/department/ledger?overdue=true', alarm: true },
    { key: 'supervised_open', to: '/department/ledger?kind=supervised&accepted=false' },
  ],
  operator: [{ key: 'awaiting_callback', to: '/console' }],
  admin: [
    { key: 'triage', to: '/admin/triage' },
    { key: 'overdue', to: '/appeals?due=overdue', alarm: true },
    { key: 'due_today', to: '/appeals?due=today' },
    { key: 'awaiting_callback', to: '/appeals?status=replied' },
  ],
  supervisor: [
    { key: 'overdue', to: '/appeals?due=overdue', alarm: true },
    { key: 'due_today', to: '/appeals?due=today' },
    { key: 'supervised_open', to: '/department/ledger' },
  ],
}
