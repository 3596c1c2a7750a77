import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { i18n, setLocale } from '@/i18n'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...args: unknown[]) => get(...args) },
  unwrap: async (call: Promise<unknown>) => call,
}))

const EnterpriseLookup = (await import('./EnterpriseLookup.vue')).default

const HENGRUN = {
  uscc: '91320623MAGBX6WJ1C',
  name: '如东恒润机械制造有限公司',
  short_names: ['恒润机械', '恒润'],
}
const HENGDA = { uscc: '91320623MA1MXXXX0D', name: '如东恒达新材料有限公司', short_names: [] }

/** The API as the console sees it: q finds by name or pinyin, phone by the number. */
function api(byQuery: Record<string, unknown[]>, byPhone: Record<string, unknown[]> = {}) {
  get.mockImplementation(async (_path: string, options: { params: { query: Record<string, string> } }) => {
    const { q, phone } = options.params.query
    const items = q !== undefined ? (byQuery[q] ?? []) : (byPhone[phone ?? ''] ?? [])
    return { items, next_cursor: null }
  })
}

const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 5))
  await flushPromises()
}

function setup(props: Record<string, unknown> = {}) {
  return mount(EnterpriseLookup, {
    props: { modelValue: null, debounceMs: 0, ...props },
    global: { plugins: [i18n] },
    attachTo: document.body,
  })
}

async function type(wrapper: ReturnType<typeof setup>, text: string) {
  const input = wrapper.find('input[data-field="enterprise"]')
  await input.setValue(text)
  await settle()
  return input
}

describe('EnterpriseLookup', () => {
  beforeEach(() => {
    get.mockReset()
    setLocale('zh-CN')
  })

  it('searches with q and Enter picks the best match, never "unregistered"', async () => {
    api({ 恒润机械: [HENGRUN, HENGDA] })
    const wrapper = setup()
    const input = await type(wrapper, '恒润机械')
    expect(get).toHaveBeenCalledWith('/api/v1/enterprises', { params: { query: { q: '恒润机械', limit: 8 } } })
    expect(wrapper.findAll('[role=option]').map((o) => o.attributes('data-uscc'))).toEqual([HENGRUN.uscc, HENGDA.uscc])
    expect(input.attributes('aria-expanded')).toBe('true')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([{ uscc: HENGRUN.uscc, name: HENGRUN.name }])
    expect(wrapper.emitted('unregistered')).toBeUndefined()
  })

  it('moves the highlight with the arrows before Enter', async () => {
    api({ hrjx: [HENGRUN, HENGDA] })
    const wrapper = setup()
    const input = await type(wrapper, 'hrjx')
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(input.attributes('aria-activedescendant')).toBe('enterprise-lookup-option-1')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([{ uscc: HENGDA.uscc, name: HENGDA.name }])
  })

  it('with nothing found, Enter does nothing: unregistered is only the explicit button', async () => {
    api({})
    const wrapper = setup()
    const input = await type(wrapper, '如东某水产养殖场')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('update:modelValue')).toBeUndefined()
    expect(wrapper.emitted('unregistered')).toBeUndefined()
    expect(wrapper.find('[data-testid=lookup-none]').text()).toContain('如东某水产养殖场')
    await wrapper.find('[data-testid=choose-unregistered]').trigger('click')
    expect(wrapper.emitted('unregistered')).toEqual([['如东某水产养殖场']])
  })

  it('Enter in the lookup never submits the form around it', async () => {
    api({ 恒润: [HENGRUN] })
    const submit = vi.fn()
    const wrapper = mount(
      {
        components: { EnterpriseLookup },
        template: '<form @submit.prevent="submit"><EnterpriseLookup :model-value="null" :debounce-ms="0" /></form>',
        setup: () => ({ submit }),
      },
      { global: { plugins: [i18n] }, attachTo: document.body },
    )
    const input = wrapper.find('input[data-field="enterprise"]')
    await input.setValue('恒润')
    await settle()
    const event = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true })
    input.element.dispatchEvent(event)
    expect(event.defaultPrevented).toBe(true)
    expect(submit).not.toHaveBeenCalled()
  })

  it('offers the enterprises the caller\'s number called about before a name is typed', async () => {
    api({}, { '13951110001': [HENGRUN] })
    const wrapper = setup({ phone: '13951110001' })
    await settle()
    expect(get).toHaveBeenCalledWith('/api/v1/enterprises', { params: { query: { phone: '13951110001', limit: 5 } } })
    const match = wrapper.find('[data-testid=phone-match]')
    expect(match.text()).toBe(HENGRUN.name)
    await match.trigger('click')
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([{ uscc: HENGRUN.uscc, name: HENGRUN.name }])
  })

  it('asks nothing for a number that is not a phone yet', async () => {
    api({})
    setup({ phone: '139' })
    await settle()
    expect(get).not.toHaveBeenCalled()
  })

  it('sends at most 50 characters', async () => {
    api({})
    await type(setup(), '甲'.repeat(50))
    const [, options] = get.mock.calls.at(-1) as [string, { params: { query: { q: string } } }]
    expect(options.params.query.q).toHaveLength(50)
  })
})
