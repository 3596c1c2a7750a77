import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const { useBusinessClock } = await import('./useBusinessClock')

describe('useBusinessClock', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    // the browser thinks it is 2026-12-07 10:00 Beijing
    vi.setSystemTime(new Date('2026-12-07T02:00:00Z'))
    get.mockReset()
  })
  afterEach(() => vi.useRealTimers())

  it("takes the server's time and ticks on from it", async () => {
    // the local stack's clock was moved to 2027-01-29 23:59 Beijing (the eve of 春节 2027's holiday)
    get.mockResolvedValue({ status: 'ok', now: '2027-01-29T23:59:00+08:00' })
    const scope = effectScope()
    const clock = scope.run(() => useBusinessClock())!
    await clock.sync()
    expect(clock.synced.value).toBe(true)
    expect(clock.today.value).toBe('2027-01-29')
    expect(clock.past('2027-01-29T23:58:00+08:00')).toBe(true)
    expect(clock.past('2027-01-29T23:59:30+08:00')).toBe(false)
    await vi.advanceTimersByTimeAsync(60_000)
    // a minute on: the next day in Beijing, and the half-minute deadline has passed
    expect(clock.today.value).toBe('2027-01-30')
    expect(clock.past('2027-01-29T23:59:30+08:00')).toBe(true)
    scope.stop()
  })

  it("keeps the browser's clock when /health cannot be read", async () => {
    get.mockRejectedValue(new Error('offline'))
    const scope = effectScope()
    const clock = scope.run(() => useBusinessClock())!
    await clock.sync()
    expect(clock.synced.value).toBe(false)
    expect(clock.today.value).toBe('2026-12-07')
    scope.stop()
  })

  it('stops ticking when its component goes', async () => {
    get.mockResolvedValue({ status: 'ok', now: '2026-12-07T10:00:00+08:00' })
    const scope = effectScope()
    const clock = scope.run(() => useBusinessClock())!
    await clock.sync()
    const before = clock.now.value
    scope.stop()
    await vi.advanceTimersByTimeAsync(5 * 60_000)
    expect(clock.now.value).toBe(before)
  })
})
