import { describe, expect, it } from 'vitest'

import { ApiError, fieldErrors, problemMessage } from './problem'

const problem = {
  type: 'https://xingqitong.example.gov.cn/problems/validation_error',
  title: '请求参数有误',
  status: 400,
  detail: '2 个字段有误',
  code: 'validation_error',
  errors: [
    { field: 'title', code: 'string_too_long', message: '不能超过 100 个字符' },
    { field: 'departments.0', code: 'reference_not_found', message: '引用的对象不存在' },
    { field: 'title', code: 'other', message: 'second message for the same field' },
  ],
}

describe('problem details', () => {
  it('maps each named field to its first message', () => {
    expect(fieldErrors(new ApiError(400, problem))).toEqual({
      title: '不能超过 100 个字符',
      'departments.0': '引用的对象不存在',
    })
  })

  it('words a field error by its code where the form knows it, the API’s message otherwise', () => {
    const known = (p: { code: string }) => (p.code === 'reference_not_found' ? '部门不存在' : undefined)
    expect(fieldErrors(new ApiError(400, problem), known)).toEqual({
      title: '不能超过 100 个字符',
      'departments.0': '部门不存在',
    })
  })

  it('has no field errors for other problems or other errors', () => {
    const conflict = { ...problem, status: 409, code: 'version_conflict', errors: undefined }
    expect(fieldErrors(new ApiError(409, conflict))).toEqual({})
    expect(fieldErrors(new Error('network'))).toEqual({})
  })

  it('gives the detail as the message of the whole request', () => {
    expect(problemMessage(new ApiError(400, problem))).toBe('2 个字段有误')
    expect(problemMessage(new Error('offline'))).toBe('offline')
    expect(new ApiError(400, problem).code).toBe('validation_error')
  })
})
