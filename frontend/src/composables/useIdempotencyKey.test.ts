import { describe, expect, it } from 'vitest'

import { newKey, useIdempotencyKey } from './useIdempotencyKey'

describe('useIdempotencyKey', () => {
  it('keeps the key while the body is the same and takes a new one when it changes', () => {
    const { keyFor } = useIdempotencyKey()
    const first = keyFor({ title: '用地', content: 'a' })
    expect(keyFor({ title: '用地', content: 'a' })).toBe(first)
    const changed = keyFor({ title: '用地', content: 'b' })
    expect(changed).not.toBe(first)
    expect(keyFor({ title: '用地', content: 'b' })).toBe(changed)
  })

  it('makes visible-ASCII keys the API accepts, different each time', () => {
    const keys = new Set(Array.from({ length: 50 }, newKey))
    expect(keys.size).toBe(50)
    for (const k of keys) expect(k).toMatch(/^[0-9a-f-]{36}$/)
  })
})
