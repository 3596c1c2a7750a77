import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { ApiError } from '@/api/problem'
import { i18n, setLocale } from '@/i18n'
import messages from '@/i18n/messages/calendar'

const get = vi.fn()
const put = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), PUT: (...a: unknown[]) => put(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./CalendarPage.vue')).default
const ServiceLevels = (await import('./calendar/ServiceLevels.vue')).default

const YEAR = {
  year: 2026, official: false, source: 'fallback', holidays: ['2026-01-01', '2026-10-01', '2026-10-02'],
  working_weekends: ['2026-10-10'], names: { '2026-01-01': '元旦', '2026-10-01': '国庆', '2026-10-02': '国庆' },
  version: null, updated_at: null,
}
const LEVELS = { version: 0, normal_working_days: 5, urgent_working_days: 1, warning_working_days: 1, updated_at: null }

function keys(v: unknown, p = ''): string[] {
  if (typeof v !== 'object' || v === null) return [p]
  return Object.entries(v).flatMap(([k, x]) => keys(x, p ? `${p}.${k}` : k))
}

// the first mount compiles the whole page (Element Plus included): slow on a busy machine
describe('CalendarPage', { timeout: 30_000 }, () => {
  beforeEach(() => {
    get.mockReset(); put.mockReset(); setLocale('zh-CN')
    vi.useFakeTimers({ toFake: ['Date'] }); vi.setSystemTime(new Date('2026-05-20T04:00:00Z'))
    get.mockImplementation(async (path: string, opts: { params?: { path?: { year: string }; query?: Record<string, unknown> } }) => {
      if (path === '/api/v1/settings/service-levels') return LEVELS
      if (path === '/api/v1/calendar/{year}') return { ...YEAR, year: Number(opts.params?.path?.year) }
      if (path === '/api/v1/calendar/deadline') return { due_at: '2026-05-27T23:59:59+08:00', provisional: false, counted: ['2026-05-21','2026-05-22','2026-05-25','2026-05-26','2026-05-27'], explanation: '5月20日受理,不计受理当日,第5个工作日为5月27日' }
      throw new Error(path)
    })
  })

  it('same keys', () => {
    expect(keys(messages.en).sort()).toEqual(keys(messages.zh).sort())
  })

  it('renders, warns, grid, loads a year, maps errors, preview', async () => {
    const w = mount(Page, { global: { plugins: [i18n] }, attachTo: document.body })
    await flushPromises()
    expect(w.find('[data-testid=calendar-status]').text()).toContain('2026 年放假安排尚未录入')
    const grid = w.find('[data-testid=calendar-grid]')
    expect(grid.findAll('table')).toHaveLength(12)
    expect(grid.findAll('caption')[9].text()).toBe('2026年10月')
    const oct1 = grid.find('[data-date="2026-10-01"]')
    expect(oct1.attributes('aria-label')).toBe('10月1日星期四，国庆放假')
    expect(oct1.classes()).toContain('holiday')
    expect(grid.find('[data-date="2026-10-10"]').attributes('aria-label')).toContain('调休上班')
    expect(grid.find('[data-date="2026-10-11"]').attributes('data-kind')).toBe('weekend')
    expect(grid.find('[data-date="2026-05-20"]').attributes('aria-current')).toBe('date')

    const areas = w.findAll('[data-testid=calendar-load-form] textarea')
    await areas[0].setValue('2026-01-01 元旦\n2026-02-30\n2027-10-01~2027-10-03 国庆')
    await areas[1].setValue('2026-10-10')
    await w.find('[data-testid=calendar-load-form]').trigger('submit')
    await flushPromises()
    expect(put).not.toHaveBeenCalled()

    await areas[0].setValue('2026-01-01 元旦\n2027-10-01~2027-10-03 国庆')
    put.mockRejectedValueOnce(new ApiError(400, { type: 'x', title: 't', status: 400, detail: 'd', code: 'validation_error', errors: [
      { field: 'holidays.1', code: 'date_not_in_year', message: '日期不在 2026 年内' },
      { field: 'working_weekends.0', code: 'not_a_weekend', message: '2026-10-10 不是周末,无需调休' },
      { field: 'names.2027-10-01', code: 'name_without_holiday', message: '该日期不在放假日列表中' },
    ] }))
    await w.find('[data-testid=calendar-load-form]').trigger('submit')
    await flushPromises()
    expect(put).toHaveBeenCalledOnce()
    const [path, opts] = put.mock.calls[0]
    expect(path).toBe('/api/v1/calendar/{year}')
    expect(opts.params.path.year).toBe('2026')
    expect(opts.body).toEqual({ holidays: ['2026-01-01', '2027-10-01', '2027-10-02', '2027-10-03'], working_weekends: ['2026-10-10'], names: { '2026-01-01': '元旦', '2027-10-01': '国庆', '2027-10-02': '国庆', '2027-10-03': '国庆' } })
    const refusals = w.find('[data-testid=calendar-refusals]').text()
    expect(refusals).toContain('放假日第 2 项 2027-10-01：日期不在 2026 年内')

    await areas[0].setValue('2026-01-01 元旦\n2026-10-01~2026-10-02 国庆')
    put.mockResolvedValueOnce({ ...YEAR, official: true, source: 'admin', version: 3, updated_at: '2026-05-20T04:00:00Z', recomputed: 7 })
    await w.find('[data-testid=calendar-load-form]').trigger('submit')
    await flushPromises()
    expect(document.body.textContent).toContain('已录入，重新计算了 7 件诉求的期限')
    expect(w.find('[data-testid=calendar-status]').text()).toContain('管理员录入，版本 3，更新于 2026-05-20 12:00')
    expect((areas[0].element as HTMLTextAreaElement).value).toBe('2026-01-01 元旦\n2026-10-01~2026-10-02 国庆')

    // preview
    await w.find('[data-testid=deadline-preview]').find('form').trigger('submit')
    await flushPromises()
    const call = get.mock.calls.find((c) => c[0] === '/api/v1/calendar/deadline')!
    expect(call[1].params.query).toEqual({ received_at: '2026-05-20T12:00:00+08:00', working_days: 5 })

    // service levels 409
    put.mockRejectedValueOnce(new ApiError(409, { type: 'x', title: 't', status: 409, detail: 'd', code: 'version_conflict' }))
    const vm = w.findComponent(ServiceLevels).vm as unknown as { $: { setupState: { levelsForm: Record<string, number> } } }
    vm.$.setupState.levelsForm.normal_working_days = 6
    await w.find('[data-testid=service-levels-form]').trigger('submit')
    await flushPromises()
    expect(put.mock.calls.at(-1)![1].body).toEqual({ version: 0, normal_working_days: 6, urgent_working_days: 1, warning_working_days: 1 })
    expect(vm.$.setupState.levelsForm.normal_working_days).toBe(5)
    expect(document.body.textContent).toContain('数据已被他人修改')

    // year switch: another year, draft kept per year
    w.unmount()
  })

  it('english labels', async () => {
    setLocale('en')
    const w = mount(Page, { global: { plugins: [i18n] }, attachTo: document.body })
    await flushPromises()
    const grid = w.find('[data-testid=calendar-grid]')
    expect(grid.findAll('caption')[9].text()).toBe('October 2026')
    // the holiday's name comes from the schedule, which names it in Chinese
    expect(grid.find('[data-date="2026-10-01"]').attributes('aria-label')).toBe('Thursday, October 1, 国庆 day off')
    w.unmount()
  })
})
