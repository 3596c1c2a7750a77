import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'

import type { Schemas } from '@/api/client'
import { ApiError } from '@/api/problem'
import { useJobProgress } from './useJobProgress'

type Job = Schemas['Job']

function job(over: Partial<Job> = {}): Job {
  return {
    id: 'J-1',
    kind: 'policy_push',
    status: 'queued',
    progress: 0,
    processed: 0,
    total: null,
    counts: {},
    result: null,
    error: null,
    params: { policy_id: 'P-1' },
    created_at: '2026-06-15T10:00:00+08:00',
    started_at: null,
    finished_at: null,
    ...over,
  }
}

/** Answers of GET /jobs/{id}, in order; the last repeats. */
function reader(answers: (Job | Error)[]) {
  const read = vi.fn(async (id: string) => {
    const next = answers.length > 1 ? answers.shift()! : answers[0]
    if (next instanceof Error) throw next
    return { ...next, id }
  })
  return read
}

async function tick(ms = 1000) {
  await vi.advanceTimersByTimeAsync(ms)
}

describe('useJobProgress', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
  afterEach(() => vi.useRealTimers())

  it('asks once a second until the push is done, and then stops', async () => {
    const read = reader([
      job({ status: 'running', progress: 40, processed: 100, total: 250, counts: { matched: 12 } }),
      job({ status: 'running', progress: 80, processed: 200, total: 250, counts: { matched: 30 } }),
      job({ status: 'done', progress: 100, processed: 250, total: 250, counts: { matched: 41 }, result: { processed: 250, matched: 41 } }),
    ])
    const p = useJobProgress(read)
    p.follow('J-1', job()) // what the publish answered: shown at once, asked again in a second
    expect(p.job.value?.status).toBe('queued')
    expect(read).not.toHaveBeenCalled()
    await tick()
    expect(p.job.value?.progress).toBe(40)
    await tick()
    expect(p.job.value?.processed).toBe(200)
    await tick()
    expect(p.job.value?.status).toBe('done')
    expect(p.job.value?.result).toEqual({ processed: 250, matched: 41 })
    expect(p.following()).toBeNull()
    await tick(5000)
    expect(read).toHaveBeenCalledTimes(3)
  })

  it('reads a job it did not start at once, and does not poll one already finished', async () => {
    const read = reader([job({ status: 'failed', progress: 30, error: '队列不可用' })])
    const p = useJobProgress(read)
    p.follow('J-2')
    await tick(0)
    expect(read).toHaveBeenCalledWith('J-2')
    expect(p.job.value?.error).toBe('队列不可用')
    await tick(3000)
    expect(read).toHaveBeenCalledTimes(1)
    p.follow('J-3', job({ id: 'J-3', status: 'done', progress: 100 }))
    await tick(3000)
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('shows a failed read and keeps asking; a job that is gone stops it', async () => {
    const gone = new ApiError(404, { type: 'x', title: '未找到', status: 404, detail: '任务 J-1 不存在', code: 'not_found' })
    const read = reader([new Error('网络错误'), job({ status: 'running', progress: 50 }), gone])
    const p = useJobProgress(read)
    p.follow('J-1')
    await tick(0)
    expect(p.error.value).toBe('网络错误')
    await tick()
    expect(p.error.value).toBeNull()
    expect(p.job.value?.progress).toBe(50)
    await tick()
    expect(p.error.value).toBe('任务 J-1 不存在')
    await tick(5000)
    expect(read).toHaveBeenCalledTimes(3)
    expect(p.job.value?.progress).toBe(50)
  })

  it('stops when its page goes away, and ignores an answer arriving after', async () => {
    let release: (j: Job) => void = () => {}
    const read = vi.fn(() => new Promise<Job>((resolve) => (release = resolve)))
    const scope = effectScope()
    const p = scope.run(() => useJobProgress(read))!
    p.follow('J-1')
    scope.stop()
    release(job({ status: 'running', progress: 60 }))
    await tick(5000)
    expect(p.job.value).toBeNull()
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('follows the newest job only', async () => {
    const read = vi.fn(async (id: string) => job({ id, status: 'running', progress: id === 'J-2' ? 20 : 90 }))
    const p = useJobProgress(read)
    p.follow('J-1')
    p.follow('J-2')
    await tick(0)
    expect(p.job.value?.id).toBe('J-2')
    await tick()
    expect(read.mock.calls.map(([id]) => id)).toEqual(['J-1', 'J-2', 'J-2'])
    expect(p.job.value?.progress).toBe(20)
  })
})
