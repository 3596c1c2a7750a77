import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { i18n, setLocale } from '@/i18n'

import { HOME_COUNTERS } from './counters'
import { currentLink, ENTERPRISE_TABS, staffNav } from './nav'

const Stub = { template: '<p>page</p>' }

function router(path = '/home') {
  const r = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: Stub }] })
  void r.push(path)
  return r
}

describe('staff navigation', () => {
  it('groups an administrator’s sixteen sections under the four headings, in order', () => {
    const groups = staffNav('admin')
    expect(groups.map((g) => g.key)).toEqual(['appeals', 'enterprises', 'oversight', 'system'])
    expect(groups.flatMap((g) => g.links)).toHaveLength(16)
    expect(new Set(groups.flatMap((g) => g.links.map((l) => l.to))).size).toBe(16)
  })

  it('gives each role only groups with something in them', () => {
    expect(staffNav('operator').map((g) => g.key)).toEqual(['appeals', 'enterprises'])
    expect(staffNav('supervisor').map((g) => g.key)).toEqual(['appeals', 'enterprises', 'oversight'])
    expect(staffNav('enterprise')).toEqual([])
    expect(staffNav(undefined)).toEqual([])
  })

  it('marks the deepest link the path is under', () => {
    const links = ENTERPRISE_TABS
    expect(currentLink('/my/appeals/new', links)).toBe('/my/appeals/new')
    expect(currentLink('/my/appeals', links)).toBe('/my/appeals')
    expect(currentLink('/policies/P-1', links)).toBeNull()
  })

  it('links every counter of a home to a page of the role', () => {
    for (const [role, counters] of Object.entries(HOME_COUNTERS)) {
      const reachable = staffNav(role).flatMap((g) => g.links.map((l) => l.to))
      for (const c of counters) expect(reachable, `${role}: ${c.to}`).toContain(c.to.split('?')[0])
    }
  })
})

describe('StaffSidebar', () => {
  beforeEach(() => {
    localStorage.clear()
    setLocale('zh-CN')
  })

  it('folds a group, remembers it on the device, and marks the current page', async () => {
    const StaffSidebar = (await import('./StaffSidebar.vue')).default
    const r = router('/admin/users')
    await r.isReady()
    const wrapper = mount(StaffSidebar, { props: { role: 'admin' }, global: { plugins: [i18n, r] } })
    expect(wrapper.findAll('h2').map((h) => h.text())).toEqual(['诉求办理', '企业与政策', '统计督办', '系统设置'])
    expect(wrapper.find('[aria-current=page]').text()).toBe('用户管理')
    const head = wrapper.find('[data-group=system] button')
    await head.trigger('click')
    expect(head.attributes('aria-expanded')).toBe('false')
    expect(JSON.parse(localStorage.getItem('xqt.nav.collapsed') ?? '[]')).toEqual(['system'])
    const again = mount(StaffSidebar, { props: { role: 'admin' }, global: { plugins: [i18n, r] } })
    expect(again.find('[data-group=system] button').attributes('aria-expanded')).toBe('false')
    expect(again.find('[data-group=appeals] button').attributes('aria-expanded')).toBe('true')
  })
})

describe('CounterTile', () => {
  it('shows the figure large, red when it is an alarm above zero, and links to its list', async () => {
    setLocale('zh-CN')
    const CounterTile = (await import('./CounterTile.vue')).default
    const r = router()
    await r.isReady()
    const hot = mount(CounterTile, { props: { name: 'overdue', value: 3, to: '/appeals?overdue=true', alarm: true }, global: { plugins: [i18n, r] } })
    expect(hot.text()).toContain('3')
    expect(hot.text()).toContain('逾期')
    expect(hot.classes()).toContain('hot')
    expect(hot.attributes('href')).toBe('/appeals?overdue=true')
    const calm = mount(CounterTile, { props: { name: 'overdue', value: 0, to: '/x', alarm: true }, global: { plugins: [i18n, r] } })
    expect(calm.classes()).not.toContain('hot')
    const waiting = mount(CounterTile, { props: { name: 'triage', value: null, to: '/x', loading: true }, global: { plugins: [i18n, r] } })
    expect(waiting.find('[data-testid=counter-value]').text()).toBe('—')
  })
})

describe('长辈版', () => {
  it('is remembered on the device and marks the document', async () => {
    localStorage.clear()
    vi.resetModules()
    const { largeText, toggleLargeText } = await import('./largeText')
    expect(largeText.value).toBe(false)
    toggleLargeText()
    await flushPromises()
    expect(document.documentElement.classList.contains('large-text')).toBe(true)
    expect(localStorage.getItem('xqt.largeText')).toBe('1')
    vi.resetModules()
    const again = await import('./largeText')
    expect(again.largeText.value).toBe(true)
    again.toggleLargeText()
    await flushPromises()
    expect(localStorage.getItem('xqt.largeText')).toBeNull()
    expect(document.documentElement.classList.contains('large-text')).toBe(false)
  })
})
