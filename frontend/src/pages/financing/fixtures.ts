// What the financing pages' tests share: a product as the API returns it, and an i18n with
// the texts those pages load (financing, and the policy texts conditions are worded with).
import { createI18n } from 'vue-i18n'

import admin from '@/i18n/messages/admin'
import common from '@/i18n/messages/common'
import financing from '@/i18n/messages/financing'
import policies from '@/i18n/messages/policies'
import type { Product } from '@/utils/financing'

export function product(over: Partial<Product> = {}): Product {
  return {
    id: 'fp-tech',
    bank: '如东农村商业银行',
    name: '科技贷',
    rate_min: 3.45,
    rate_max: 4.2,
    term_min: 6,
    term_max: 36,
    amount_min: 50,
    amount_max: 1000,
    conditions: { industries: [], size_classes: [], towns: [], key_tech: true, major_project: false, employees: null, revenue: null },
    conditions_text: '重点科技型企业',
    description: '面向科技型中小企业的信用贷款,无需抵押。',
    active: true,
    version: 2,
    created_at: '2026-06-15T02:00:00Z',
    updated_at: '2026-06-15T16:30:00Z', // 16 June 00:30 in Beijing
    ...over,
  }
}

export function financingI18n(locale: 'zh-CN' | 'en' = 'zh-CN') {
  const texts = (lang: 'zh' | 'en') => ({ common: common[lang], admin: admin[lang], policies: policies[lang], financing: financing[lang] })
  return createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': texts('zh'), en: texts('en') } })
}
