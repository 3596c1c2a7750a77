import { describe, expect, it } from 'vitest'

import admin from './messages/admin'
import applications from './messages/applications'
import attachments from './messages/attachments'
import calendar from './messages/calendar'
import caseview from './messages/caseview'
import common from './messages/common'
import enterprise from './messages/enterprise'
import events from './messages/events'
import financing from './messages/financing'
import knowledge from './messages/knowledge'
import history from './messages/history'
import webhooks from './messages/webhooks'
import meetings from './messages/meetings'
import notices from './messages/notices'
import operator from './messages/operator'
import policies from './messages/policies'
import reports from './messages/reports'
import shell from './messages/shell'
import staff from './messages/staff'
import units from './messages/units'

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('messages', () => {
  it.each(Object.entries({ common, events, enterprise, operator, staff, admin, calendar, meetings, reports, notices, policies, financing, applications, attachments, knowledge, history, webhooks, units, shell, caseview }))(
    '%s has the same keys in Chinese and English, none empty',
    (_, module) => {
      expect(keys(module.en).sort()).toEqual(keys(module.zh).sort())
      for (const lang of [module.zh, module.en]) {
        for (const key of keys(lang)) {
          const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], lang)
          expect(typeof value === 'string' && value.length > 0, key).toBe(true)
        }
      }
    },
  )

  it('names every code of the contract', () => {
    expect(Object.keys(common.zh.status)).toEqual(['received', 'processing', 'replied', 'closed'])
    expect(Object.keys(common.zh.category)).toHaveLength(9)
    expect(Object.keys(common.zh.channel)).toEqual(['web', 'hotline_12345', 'hotline_center'])
  })

  it('adds the reporting texts to the app when a reporting page loads, and not before', async () => {
    const { i18n } = await import('.')
    const { installReportingMessages } = await import('./reporting')
    expect(i18n.global.te('reports.title', 'zh-CN')).toBe(false)
    installReportingMessages()
    installReportingMessages()
    expect(i18n.global.t('reports.title')).toBe('报告统计')
    expect(i18n.global.te('notices.form.submit', 'en')).toBe(true)
    expect(i18n.global.te('common.nav.reports', 'zh-CN')).toBe(true)
  })

  it('adds the policy texts to the app when a policy page loads, and not before', async () => {
    const { i18n } = await import('.')
    const { installPolicyMessages } = await import('./policies')
    expect(i18n.global.te('policies.catalogue.title', 'zh-CN')).toBe(false)
    installPolicyMessages()
    installPolicyMessages()
    expect(i18n.global.t('policies.catalogue.title')).toBe('惠企政策')
    expect(i18n.global.te('policies.push.status.done', 'en')).toBe(true)
    expect(i18n.global.te('common.event.policy_matched', 'zh-CN')).toBe(true)
  })

  it('adds the financing texts, and the policy texts conditions are worded with, when a financing page loads', async () => {
    const { i18n } = await import('.')
    const { installFinancingMessages } = await import('./financing')
    expect(i18n.global.te('financing.catalogue.title', 'zh-CN')).toBe(false)
    installFinancingMessages()
    installFinancingMessages()
    expect(i18n.global.t('financing.suggest.title')).toBe('适合的金融产品')
    expect(i18n.global.te('financing.admin.title', 'en')).toBe(true)
    expect(i18n.global.te('policies.condition.keyTech', 'zh-CN')).toBe(true)
    expect(i18n.global.te('common.nav.financing', 'en')).toBe(true)
  })
})
