import { describe, expect, it } from 'vitest'

import { activeStep, fromBeijingInput, placeErrors, progressSteps, toBeijingInput, windowState } from './applications'

const W = { opens_at: '2026-12-01T09:00:00+08:00', closes_at: '2026-12-31T17:00:00+08:00' }
const by = { username: 'u', role: 'enterprise' as const, display_name: '张伟' }
const step = (status: string, at: string) => ({ status, at, by, note: null }) as never

describe('windowState', () => {
  it('is open from the opening moment until before the closing one', () => {
    expect(windowState(W, new Date('2026-12-01T00:59:59Z'))).toBe('not_open')
    expect(windowState(W, new Date('2026-12-01T01:00:00Z'))).toBe('open')
    expect(windowState(W, new Date('2026-12-31T08:59:59Z'))).toBe('open')
    expect(windowState(W, new Date('2026-12-31T09:00:00Z'))).toBe('closed')
  })
})

describe('progressSteps', () => {
  const submitted = step('submitted', '2026-12-02T10:00:00+08:00')
  const review = step('under_review', '2026-12-03T10:00:00+08:00')

  it('waits for review after submission', () => {
    const steps = progressSteps({ status: 'submitted', history: [submitted] })
    expect(steps.map((s) => [s.key, s.status])).toEqual([
      ['submitted', 'success'],
      ['under_review', 'wait'],
      ['decision', 'wait'],
    ])
    expect(steps[0]?.at).toBe('2026-12-02T10:00:00+08:00')
    expect(activeStep(steps)).toBe(1)
  })

  it('is in review, then approved or rejected, each with its time', () => {
    const reviewing = progressSteps({ status: 'under_review', history: [submitted, review] })
    expect(reviewing[1]).toEqual({ key: 'under_review', status: 'process', at: '2026-12-03T10:00:00+08:00' })
    expect(activeStep(reviewing)).toBe(1)
    const rejected = progressSteps({
      status: 'rejected',
      history: [submitted, review, step('rejected', '2026-12-04T10:00:00+08:00')],
    })
    expect(rejected.map((s) => [s.key, s.status])).toEqual([
      ['submitted', 'success'],
      ['under_review', 'success'],
      ['rejected', 'error'],
    ])
    expect(rejected[2]?.at).toBe('2026-12-04T10:00:00+08:00')
    expect(activeStep(rejected)).toBe(2)
    const approved = progressSteps({ status: 'approved', history: [submitted, review, step('approved', '2026-12-05T10:00:00+08:00')] })
    expect(approved[2]).toEqual({ key: 'approved', status: 'success', at: '2026-12-05T10:00:00+08:00' })
  })

  it('ends at 已撤回 when withdrawn', () => {
    const steps = progressSteps({ status: 'withdrawn', history: [submitted, step('withdrawn', '2026-12-02T11:00:00+08:00')] })
    expect(steps.map((s) => s.key)).toEqual(['submitted', 'withdrawn'])
    expect(activeStep(steps)).toBe(1)
  })
})

describe('placeErrors', () => {
  const file = (n: number, m: string) => `第 ${n} 个文件：${m}`

  it('puts each API field on the form field or material it names', () => {
    const placed = placeErrors(
      {
        'form.contact_phone': '手机号码格式不正确',
        'materials.feasibility': '请提交此项材料',
        'materials.1.attachments.1': '文件内容与类型不符',
        'materials.0.material_id': '申报窗口没有这项材料',
        policy_id: '政策不存在',
      },
      ['license', 'contract'],
      ['feasibility', 'license', 'contract'],
      file,
    )
    expect(placed).toEqual({
      contact_phone: '手机号码格式不正确',
      'material:feasibility': '请提交此项材料',
      'material:contract': '第 2 个文件：文件内容与类型不符',
      'material:license': '申报窗口没有这项材料',
      policy_id: '政策不存在',
    })
  })
})

describe('Beijing wall time for the window editor', () => {
  it('reads and writes Beijing time whatever the zone of the timestamp', () => {
    expect(toBeijingInput('2026-12-01T01:00:00Z')).toBe('2026-12-01T09:00')
    expect(toBeijingInput('2026-12-31T23:30:00+08:00')).toBe('2026-12-31T23:30')
    expect(fromBeijingInput('2026-12-01T09:00')).toBe('2026-12-01T09:00:00+08:00')
    expect(fromBeijingInput('2026-12-01')).toBeNull()
    expect(toBeijingInput(null)).toBe('')
  })
})
