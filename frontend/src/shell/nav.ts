// Where each role goes: the staff sidebar's groups (诉求办理 / 企业与政策 / 统计督办 / 系统设置)
// and the enterprise's tabs. One table, read by the shell and its tests.

export type Role = 'enterprise' | 'operator' | 'commissioner' | 'department' | 'admin' | 'supervisor'
export type GroupKey = 'appeals' | 'enterprises' | 'oversight' | 'system'

export interface NavLink {
  to: string
  label: string
}
export interface NavGroup {
  key: GroupKey
  links: NavLink[]
}

const L = (to: string, key: string): NavLink => ({ to, label: `common.nav.${key}` })

/** Every staff link, by group; a role sees the links the table below gives it. */
const STAFF_LINKS: Record<GroupKey, Partial<Record<Role, NavLink[]>>> = {
  appeals: {
    operator: [L('/console', 'console'), L('/appeals', 'appeals'), L('/knowledge', 'knowledge')],
    commissioner: [L('/workbench', 'workbench'), L('/appeals', 'appeals'), L('/knowledge', 'knowledge')],
    department: [L('/department', 'department'), L('/knowledge', 'knowledge')],
    admin: [L('/admin/triage', 'triage'), L('/appeals', 'appeals'), L('/knowledge', 'knowledge')],
    supervisor: [L('/appeals', 'appeals'), L('/knowledge', 'knowledge')],
  },
  enterprises: {
    operator: [L('/policies', 'policies'), L('/financing', 'financing')],
    commissioner: [L('/policies', 'policies'), L('/financing', 'financing')],
    department: [L('/review/applications', 'reviewApplications'), L('/policies', 'policies'), L('/financing', 'financing')],
    admin: [
      L('/admin/enterprises', 'enterprises'),
      L('/admin/policies', 'adminPolicies'),
      L('/review/applications', 'reviewApplications'),
      L('/admin/financing', 'adminFinancing'),
    ],
    supervisor: [L('/policies', 'policies'), L('/financing', 'financing')],
  },
  oversight: {
    commissioner: [L('/notices', 'notices')],
    department: [L('/department/ledger', 'ledger'), L('/notices', 'notices')],
    admin: [L('/admin/meetings', 'meetings'), L('/department/ledger', 'ledger'), L('/reports', 'reports'), L('/notices', 'notices')],
    supervisor: [L('/admin/meetings', 'meetings'), L('/department/ledger', 'ledger'), L('/reports', 'reports'), L('/notices', 'notices')],
  },
  system: {
    admin: [
      L('/admin/commissioners', 'commissioners'),
      L('/admin/departments', 'departments'),
      L('/admin/users', 'users'),
      L('/admin/webhooks', 'webhooks'),
      L('/admin/calendar', 'calendar'),
    ],
  },
}

export const GROUPS: GroupKey[] = ['appeals', 'enterprises', 'oversight', 'system']

/** The staff sidebar of a role: its home, then its non-empty groups in order. */
export function staffNav(role: string | undefined): NavGroup[] {
  return GROUPS.map((key) => ({ key, links: STAFF_LINKS[key][role as Role] ?? [] })).filter((g) => g.links.length)
}

export const HOME: NavLink = { to: '/home', label: 'common.nav.home' }

/** The enterprise's entries in the header on a wide screen (one row at 1024 px). */
export const ENTERPRISE_LINKS: NavLink[] = [
  HOME,
  L('/my/appeals/new', 'file'),
  L('/my/appeals', 'mine'),
  L('/my/policies', 'myPolicies'),
  L('/applications', 'myApplications'),
  L('/financing', 'financing'),
]

/** The enterprise's bottom tab bar on a phone: five, each at least 44 px tall; the rest are
 * tiles of the service home. */
export const ENTERPRISE_TABS: NavLink[] = [
  HOME,
  L('/my/appeals/new', 'file'),
  L('/my/appeals', 'mine'),
  L('/my/policies', 'myPolicies'),
  { to: '/inbox', label: 'common.inbox.title' },
]

/** Nobody signed in: the public catalogue. */
export const PUBLIC_LINKS: NavLink[] = [L('/policies', 'policies'), L('/track', 'track')]

export function isStaff(role: string | undefined): boolean {
  return !!role && role !== 'enterprise'
}

/** The link of the area the page is in: the longest link the path starts with (a policy's
 * page is under 惠企政策; 提交诉求 is not also 我的诉求). */
export function currentLink(path: string, links: NavLink[]): string | null {
  const within = links.filter((l) => path === l.to || path.startsWith(`${l.to}/`))
  return within.sort((a, b) => b.to.length - a.to.length)[0]?.to ?? null
}
