// Element Plus's own words follow the app's language once a page past the first ones loaded.
import { ElTable } from 'element-plus'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, h, nextTick } from 'vue'

import { rememberApp } from '@/app'
import { i18n, setLocale } from '.'
import { installElementLocale } from './elementLocale'

describe('Element Plus in the app’s language', () => {
  afterEach(() => setLocale('zh-CN'))

  it('says an empty table’s words in Chinese, then in English after the switch', async () => {
    setLocale('zh-CN')
    const root = document.createElement('div')
    document.body.append(root)
    const app = createApp({ render: () => h(ElTable, { data: [] }) }).use(i18n)
    rememberApp(app)
    installElementLocale()
    app.mount(root)
    await nextTick()
    expect(root.querySelector('.el-table__empty-text')?.textContent).toBe('暂无数据')
    setLocale('en')
    await nextTick()
    expect(root.querySelector('.el-table__empty-text')?.textContent).toBe('No Data')
    app.unmount()
  })
})
