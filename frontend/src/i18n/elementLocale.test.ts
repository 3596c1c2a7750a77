// Element Plus's own words follow the app's language once a page past the first ones loaded.
import dayjs from 'dayjs'
import { ElConfigProvider, ElDatePickerPanel, ElTable } from 'element-plus'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, h, nextTick, type App, type VNode } from 'vue'

import { rememberApp } from '@/app'
import { i18n, setLocale } from '.'
import { elementLocale, installElementLocale } from './elementLocale'

/** What `render` draws, mounted in an app into which Element Plus's words are installed. */
async function mounted(render: () => VNode): Promise<{ root: HTMLElement; app: App }> {
  const root = document.createElement('div')
  document.body.append(root)
  const app = createApp({ render }).use(i18n)
  rememberApp(app)
  installElementLocale()
  app.mount(root)
  await nextTick()
  return { root, app }
}

describe('Element Plus in the app’s language', () => {
  afterEach(() => setLocale('zh-CN'))

  it('says an empty table’s words in Chinese, then in English after the switch', async () => {
    setLocale('zh-CN')
    const { root, app } = await mounted(() => h(ElTable, { data: [] }))
    expect(root.querySelector('.el-table__empty-text')?.textContent).toBe('暂无数据')
    setLocale('en')
    await nextTick()
    expect(root.querySelector('.el-table__empty-text')?.textContent).toBe('No Data')
    app.unmount()
  })

  it('starts a date picker’s week on Monday in Chinese, on Sunday in English', async () => {
    /** The first column's heading of a date picker opened now, in the app's language. */
    async function firstDay(): Promise<string | undefined> {
      const { root, app } = await mounted(() => h(ElConfigProvider, { locale: elementLocale.value }, () => h(ElDatePickerPanel)))
      const heading = root.querySelector('.el-date-table th')?.textContent?.trim()
      app.unmount()
      return heading
    }
    setLocale('zh-CN')
    expect(await firstDay()).toBe('一')
    // and the dates Element Plus makes without naming a language
    expect(dayjs.Ls[dayjs.locale()].weekStart).toBe(1)
    setLocale('en')
    await nextTick()
    expect(await firstDay()).toBe('Sun')
    expect(dayjs.Ls[dayjs.locale()].weekStart ?? 0).toBe(0)
  })
})
