// Element Plus's own words — a table's 「暂无数据」, the pager's 「上一页」, a date picker's
// 「今天」「确定」, a dialog's 「关闭此对话框」 — in the app's language, following the switch.
// Without this its components speak English. Installed with the texts of every page but the
// first ones (./more.ts), which do not load Element Plus's components: its locales stay out
// of the first bundle.
import dayjs from 'dayjs'
// dayjs's Chinese, registered under 'zh-cn' (Element Plus's name for its own Chinese): weeks
// start on Monday, as Chinese calendars do. Without it a date picker in Chinese began on Sunday.
import 'dayjs/locale/zh-cn'
import { provideGlobalConfig } from 'element-plus'
import en from 'element-plus/es/locale/lang/en.mjs'
import zhCn from 'element-plus/es/locale/lang/zh-cn.mjs'
import { computed, watch } from 'vue'

import { runningApp } from '@/app'
import { i18n } from '.'

let installed = false

export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? en : zhCn))

export function installElementLocale(): void {
  const app = runningApp()
  if (installed || !app) return
  installed = true
  provideGlobalConfig(
    computed(() => ({ locale: elementLocale.value })),
    app,
    true,
  )
  // the dates Element Plus makes without naming a language take dayjs's own
  watch(elementLocale, (locale) => dayjs.locale(locale.name), { immediate: true })
}
