import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import AppButton from '@/components/AppButton.vue'
import LoadState from '@/components/LoadState.vue'
import { i18n, setLocale } from '@/i18n'

describe('AppButton: el-button’s look without its script', () => {
  it('draws Element Plus’s classes and passes attributes to the <button>', () => {
    const w = mount(AppButton, { props: { type: 'primary', size: 'large' }, attrs: { 'data-testid': 'b' }, slots: { default: '提交' } })
    const b = w.get('button')
    expect(b.classes()).toEqual(['el-button', 'el-button--primary', 'el-button--large'])
    expect(b.attributes('type')).toBe('button')
    expect(b.attributes('data-testid')).toBe('b')
    expect(b.text()).toBe('提交')
  })

  it('while loading: the spinner, disabled, and no second click', async () => {
    const w = mount(AppButton, { props: { loading: true, nativeType: 'submit' }, slots: { default: '提交' } })
    const b = w.get('button')
    expect(b.classes()).toContain('is-loading')
    expect(b.find('.el-icon.is-loading svg').exists()).toBe(true)
    expect(b.attributes('disabled')).toBeDefined()
    expect(b.attributes('type')).toBe('submit')
    await b.trigger('click')
    expect(w.emitted('click')).toBeUndefined()
    await w.setProps({ loading: false })
    await b.trigger('click')
    expect(w.emitted('click')).toHaveLength(1)
  })
})

describe('LoadState', () => {
  it('shows the skeleton while loading, then the empty state with its text and picture', async () => {
    setLocale('zh-CN')
    const w = mount(LoadState, { props: { loading: true, error: null, empty: true }, global: { plugins: [i18n] } })
    expect(w.find('.el-skeleton.is-animated').findAll('.el-skeleton__item')).toHaveLength(4)
    await w.setProps({ loading: false })
    expect(w.get('.el-empty__description').text()).toBe('暂无数据')
    await flushPromises()
    expect(w.find('.el-empty__image svg').exists()).toBe(true)
  })

  it('offers a retry on an error', async () => {
    const w = mount(LoadState, { props: { loading: false, error: '网络错误', empty: true }, global: { plugins: [i18n] } })
    await w.get('button').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
  })
})
