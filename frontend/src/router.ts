import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'

import { homeOf, loadMe, peekMe, session } from '@/auth/session'

type Role = 'enterprise' | 'operator' | 'commissioner' | 'department' | 'admin' | 'supervisor'
const STAFF: Role[] = ['operator', 'commissioner', 'department', 'admin', 'supervisor']

declare module 'vue-router' {
  interface RouteMeta {
    roles?: Role[]
    public?: boolean
    /** public, but whoever is signed in still sees their own header (the policy pages) */
    anyone?: boolean
    title?: string
  }
}

const REPORT_MAKERS: Role[] = ['admin', 'supervisor']
const NOTICE_READERS: Role[] = ['department', 'commissioner', 'admin', 'supervisor']

/** A page loaded with the texts of its area (kept out of the first bundle). */
function withTexts<T>(page: () => Promise<T>, texts: () => Promise<void>): () => Promise<T> {
  return async () => {
    const [module] = await Promise.all([page(), texts()])
    return module
  }
}

/** The texts of every page but the first ones (i18n/more.ts). */
const moreTexts = async () => (await import('@/i18n/more')).installMoreMessages()

/**
 * The pages an enterprise meets first, and sign-in: they need only the texts in the first
 * bundle (CORE_TEXTS, i18n/index.ts; firstPages.test.ts follows their imports to hold them to
 * it). Every other page is loaded with the rest of the texts beside it.
 */
export const FIRST_PAGES = ['/login', '/track', '/callback', '/home', '/my/appeals', '/my/appeals/new']

/** A reporting page (reports, dashboard, notices). */
function reporting<T>(page: () => Promise<T>): () => Promise<T> {
  return withTexts(page, async () => (await import('@/i18n/reporting')).installReportingMessages())
}

/** A policy page (catalogue, a policy, policies for you, management). */
function policyPage<T>(page: () => Promise<T>): () => Promise<T> {
  return withTexts(page, async () => (await import('@/i18n/policies')).installPolicyMessages())
}

/** A financing page (products, a financing need, product management). */
function financingPage<T>(page: () => Promise<T>): () => Promise<T> {
  return withTexts(page, async () => (await import('@/i18n/financing')).installFinancingMessages())
}

/** A project application page (applying, my applications, one application, review). */
function applicationPage<T>(page: () => Promise<T>): () => Promise<T> {
  return withTexts(page, async () => (await import('@/i18n/applications')).installApplicationMessages())
}

// Every page but sign-in is loaded on demand: an enterprise on a phone downloads the filing
// page, not the service centre's administration.
const pages: RouteRecordRaw[] = [
  { path: '/', redirect: () => homeOf(session.user?.role) },
  {
    path: '/login',
    component: () => import('@/pages/LoginPage.vue'),
    meta: { public: true, title: 'app.name' },
  },
  {
    // public progress (进度查询): printed in the 受理回执 SMS, linked from sign-in
    path: '/track',
    component: () => import('@/pages/TrackPage.vue'),
    meta: { public: true, anyone: true, title: 'nav.track' },
  },
  {
    path: '/callback',
    component: () => import('@/pages/CallbackPage.vue'),
    meta: { public: true, title: 'app.name' },
  },
  {
    path: '/home',
    component: () => import('@/pages/home/HomePage.vue'),
    meta: { title: 'nav.home' },
  },
  {
    path: '/my/appeals',
    component: () => import('@/pages/enterprise/MyAppeals.vue'),
    meta: { roles: ['enterprise'], title: 'nav.mine' },
  },
  {
    path: '/my/appeals/new',
    component: () => import('@/pages/enterprise/FileAppeal.vue'),
    meta: { roles: ['enterprise'], title: 'nav.file' },
  },
  {
    path: '/appeals/:id',
    component: () => import('@/pages/AppealPage.vue'),
    props: true,
    meta: { title: 'field.caseNumber' },
  },
  {
    path: '/console',
    component: () => import('@/pages/operator/ConsolePage.vue'),
    meta: { roles: ['operator'], title: 'nav.console' },
  },
  {
    path: '/workbench',
    component: () => import('@/pages/staff/WorkbenchPage.vue'),
    meta: { roles: ['commissioner'], title: 'nav.workbench' },
  },
  {
    path: '/department',
    component: () => import('@/pages/staff/DepartmentPage.vue'),
    meta: { roles: ['department'], title: 'nav.department' },
  },
  {
    path: '/appeals',
    component: () => import('@/pages/staff/AppealsPage.vue'),
    meta: { roles: STAFF, title: 'nav.appeals' },
  },
  {
    path: '/knowledge',
    component: () => import('@/pages/knowledge/KnowledgePage.vue'),
    meta: { roles: STAFF, title: 'nav.knowledge' },
  },
  {
    path: '/enterprises/:uscc',
    component: () => import('@/pages/staff/EnterprisePage.vue'),
    props: true,
    meta: { roles: ['operator', 'commissioner', 'admin', 'supervisor'], title: 'nav.enterpriseHistory' },
  },
  {
    path: '/admin/triage',
    component: () => import('@/pages/admin/TriagePage.vue'),
    meta: { roles: ['admin'], title: 'nav.triage' },
  },
  {
    path: '/admin/enterprises',
    component: () => import('@/pages/admin/EnterprisesPage.vue'),
    meta: { roles: ['admin'], title: 'nav.enterprises' },
  },
  {
    path: '/admin/enterprises/import',
    component: () => import('@/pages/admin/ImportPage.vue'),
    meta: { roles: ['admin'], title: 'nav.enterpriseImport' },
  },
  {
    path: '/admin/commissioners',
    component: () => import('@/pages/admin/CommissionersPage.vue'),
    meta: { roles: ['admin'], title: 'nav.commissioners' },
  },
  {
    path: '/admin/departments',
    component: () => import('@/pages/admin/DepartmentsPage.vue'),
    meta: { roles: ['admin'], title: 'nav.departments' },
  },
  {
    path: '/admin/users',
    component: () => import('@/pages/admin/UsersPage.vue'),
    meta: { roles: ['admin'], title: 'nav.users' },
  },
  {
    path: '/admin/webhooks',
    component: () => import('@/pages/admin/WebhooksPage.vue'),
    meta: { roles: ['admin'], title: 'nav.webhooks' },
  },
  {
    path: '/admin/calendar',
    component: () => import('@/pages/admin/CalendarPage.vue'),
    meta: { roles: ['admin'], title: 'nav.calendar' },
  },
  {
    path: '/admin/meetings',
    component: () => import('@/pages/admin/MeetingsPage.vue'),
    meta: { roles: ['admin', 'supervisor'], title: 'nav.meetings' },
  },
  {
    path: '/admin/meetings/:month/proposals/:groupId',
    component: () => import('@/pages/admin/ProposalPage.vue'),
    meta: { roles: ['admin', 'supervisor'], title: 'nav.meetings' },
  },
  {
    path: '/department/ledger',
    component: () => import('@/pages/staff/LedgerPage.vue'),
    meta: { roles: ['department', 'admin', 'supervisor'], title: 'nav.ledger' },
  },
  {
    path: '/reports',
    component: reporting(() => import('@/pages/reports/ReportsPage.vue')),
    meta: { roles: REPORT_MAKERS, title: 'nav.reports' },
  },
  {
    path: '/reports/:id',
    component: reporting(() => import('@/pages/reports/ReportDashboard.vue')),
    props: true,
    meta: { roles: REPORT_MAKERS, title: 'nav.reports' },
  },
  {
    path: '/notices',
    component: reporting(() => import('@/pages/notices/NoticesPage.vue')),
    meta: { roles: NOTICE_READERS, title: 'nav.notices' },
  },
  {
    path: '/notices/new',
    component: reporting(() => import('@/pages/notices/PublishNotice.vue')),
    meta: { roles: ['supervisor'], title: 'nav.publishNotice' },
  },
  {
    path: '/notices/:id',
    component: reporting(() => import('@/pages/notices/NoticePage.vue')),
    props: true,
    meta: { roles: NOTICE_READERS, title: 'nav.notices' },
  },
  {
    path: '/policies',
    component: policyPage(() => import('@/pages/policies/PolicyListPage.vue')),
    meta: { public: true, anyone: true, title: 'nav.policies' },
  },
  {
    path: '/policies/:id',
    component: policyPage(() => import('@/pages/policies/PolicyPage.vue')),
    props: true,
    meta: { public: true, anyone: true, title: 'nav.policies' },
  },
  {
    path: '/policies/:id/apply',
    component: applicationPage(() => import('@/pages/applications/ApplyPage.vue')),
    props: true,
    meta: { roles: ['enterprise'], title: 'nav.myApplications' },
  },
  {
    path: '/applications',
    component: applicationPage(() => import('@/pages/applications/MyApplicationsPage.vue')),
    meta: { roles: ['enterprise'], title: 'nav.myApplications' },
  },
  {
    path: '/applications/:id',
    component: applicationPage(() => import('@/pages/applications/ApplicationPage.vue')),
    props: true,
    meta: { title: 'nav.myApplications' },
  },
  {
    path: '/review/applications',
    component: applicationPage(() => import('@/pages/applications/ReviewQueuePage.vue')),
    meta: { roles: ['department', 'admin'], title: 'nav.reviewApplications' },
  },
  {
    path: '/my/policies',
    component: policyPage(() => import('@/pages/policies/MyPoliciesPage.vue')),
    meta: { roles: ['enterprise'], title: 'nav.myPolicies' },
  },
  {
    path: '/admin/policies',
    component: policyPage(() => import('@/pages/policies/AdminPoliciesPage.vue')),
    meta: { roles: ['admin'], title: 'nav.adminPolicies' },
  },
  {
    path: '/admin/policies/new',
    component: policyPage(() => import('@/pages/policies/AdminPolicyPage.vue')),
    meta: { roles: ['admin'], title: 'nav.adminPolicies' },
  },
  {
    path: '/admin/policies/:id',
    component: policyPage(() => import('@/pages/policies/AdminPolicyPage.vue')),
    props: true,
    meta: { roles: ['admin'], title: 'nav.adminPolicies' },
  },
  {
    path: '/financing',
    component: financingPage(() => import('@/pages/financing/ProductsPage.vue')),
    meta: { title: 'nav.financing' },
  },
  {
    path: '/financing/need',
    component: financingPage(() => import('@/pages/financing/FileNeedPage.vue')),
    meta: { roles: ['enterprise'], title: 'nav.financingNeed' },
  },
  {
    path: '/admin/financing',
    component: financingPage(() => import('@/pages/financing/AdminProductsPage.vue')),
    meta: { roles: ['admin'], title: 'nav.adminFinancing' },
  },
  {
    path: '/inbox',
    component: () => import('@/pages/InboxPage.vue'),
    meta: { title: 'inbox.title' },
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

type Lazy = () => Promise<unknown>
const routes = pages.map((route): RouteRecordRaw => {
  if (FIRST_PAGES.includes(route.path) || typeof route.component !== 'function') return route
  return { ...route, component: withTexts(route.component as Lazy, moreTexts) } as RouteRecordRaw
})

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) {
    // a reader who is signed in keeps their header; an expired sign-in is dropped quietly
    if (to.meta.anyone) await peekMe()
    return true
  }
  if (!session.token) return { path: '/login', query: { next: to.fullPath } }
  try {
    await loadMe()
  } catch {
    return { path: '/login', query: { next: to.fullPath } }
  }
  const role = session.user?.role as Role | undefined
  if (to.meta.roles && (!role || !to.meta.roles.includes(role))) return homeOf(role)
  return true
})
