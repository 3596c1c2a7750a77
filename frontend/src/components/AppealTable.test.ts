import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Appeal } from '@/api/client'
import common from '@/i18n/messages/common'
import operator from '@/i18n/messages/operator'
import AppealTable from './AppealTable.vue'

function appeal(over: Partial<Appeal> = {}): Appeal {
  return {
    id: 'XQT-20261207-0001',
    title: '厂房用地指标迟迟未批',
    channel: 'web',
    status: 'processing',
    urgency: 'normal',
    enterprise: { uscc: '91320000MA1XXXXX0A', name: '恒润机械有限公司', caller_phone: null },
    assignee: { commissioner_id: 'c-1', name: '张专员' },
    reply_due_at: '2026-12-18T23:59:59+08:00',
    working_days_left: 9,
    overdue: false,
    deadline_provisional: false,
    paused: false,
    reopened: false,
    pending_extension: null,
    escalation_level: 0,
    supervised: false,
    replied_at: null,
    closed_at: null,
    created_at: '2026-12-07T09:30:00+08:00',
    departments: [],
    ...over,
  } as unknown as Appeal
}

function render(props: Record<string, unknown>, slots: Record<string, unknown> = {}) {
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, operator: operator.zh } },
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  return mount(AppealTable, { props: { caption: '诉求列表', ...props } as never, slots: slots as never, global: { plugins: [i18n, router] } })
}

const heads = (w: ReturnType<typeof render>) => w.findAll('thead th').map((th) => th.text())

describe('AppealTable', () => {
  it('shows the case number, then the columns asked for, in order', () => {
    const w = render({ appeals: [appeal()], columns: ['title', 'status', 'deadline', 'channel'] })
    expect(heads(w)).toEqual(['诉求编号', '标题', '状态', '期限 / 进度', '来源渠道'])
    const row = w.get('tr[data-appeal="XQT-20261207-0001"]')
    const cells = row.findAll('td').map((td) => td.text())
    expect(cells).toHaveLength(5)
    expect(row.get('a').attributes('href')).toBe('/appeals/XQT-20261207-0001')
    expect(cells[1]).toBe('厂房用地指标迟迟未批')
    expect(cells[3]).toContain('2026-12-18 23:59')
    expect(cells[3]).toContain('9')
  })

  it('marks an overdue row, and a list may decide what overdue means', () => {
    const late = appeal({ id: 'A-1', overdue: true, working_days_left: 0 })
    const fine = appeal({ id: 'A-2' })
    let w = render({ appeals: [late, fine], columns: ['title'] })
    expect(w.get('[data-appeal="A-1"]').classes()).toContain('overdue')
    expect(w.get('[data-appeal="A-2"]').classes()).not.toContain('overdue')
    w = render({ appeals: [late, fine], columns: ['title'], overdue: (a: Appeal) => a.id === 'A-2' })
    expect(w.get('[data-appeal="A-1"]').classes()).not.toContain('overdue')
    expect(w.get('[data-appeal="A-2"]').classes()).toContain('overdue')
  })

  it("renders a list's own columns from its slots, and its tags beside the status", () => {
    const w = render(
      {
        appeals: [appeal({ escalation_level: 2, supervised: true })],
        columns: ['status', 'ourPart'],
        rowAttrs: (a: Appeal) => ({ 'data-part-status': a.id.endsWith('1') ? 'open' : undefined }),
      },
      {
        'head-ourPart': () => '本单位承办',
        'cell-ourPart': ({ appeal: a }: { appeal: Appeal }) => h('b', `部分 ${a.id}`),
        tags: () => h('i', { 'data-testid': 'extra-tag' }, '待签收'),
      },
    )
    expect(heads(w)[2]).toBe('本单位承办')
    const row = w.get('tr[data-appeal]')
    expect(row.attributes('data-part-status')).toBe('open')
    expect(row.get('td[data-column="ourPart"]').text()).toBe('部分 XQT-20261207-0001')
    const status = row.findAll('td')[1].text()
    expect(status).toContain('待签收')
    expect(status).toContain('督办')
    expect(status).toMatch(/2/)
  })

  it("shows a caller's phone under the name unless the list leaves it out", () => {
    const caller = appeal({ enterprise: { uscc: null, name: '王先生', caller_phone: '139****5678' } as Appeal['enterprise'] })
    expect(render({ appeals: [caller], columns: ['enterprise'] }).get('td.party').text()).toBe('王先生 139****5678')
    expect(render({ appeals: [caller], columns: ['enterprise'], callerPhone: false }).get('td.party').text()).toBe('王先生')
  })

  it('says when an answered appeal was replied to instead of a deadline', () => {
    const w = render({
      appeals: [appeal({ status: 'replied', replied_at: '2026-12-08T15:20:00+08:00' })],
      columns: ['deadline', 'assignee', 'created'],
    })
    const cells = w.findAll('tbody td').map((td) => td.text())
    expect(cells[1]).toContain('2026-12-08 15:20')
    expect(cells[2]).toBe('张专员')
    expect(cells[3]).toBe('2026-12-07 09:30')
    expect(w.get('caption').text()).toBe('诉求列表')
  })
})
