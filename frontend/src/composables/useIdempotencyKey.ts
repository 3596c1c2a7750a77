// One Idempotency-Key per filing: a retry of the same request (after a dropped connection,
// or the user pressing 提交 again) sends the same key, so the server files it once and
// answers the appeal it already made; a changed form is a new filing with a new key.

/** A random key (UUID v4), also where `crypto.randomUUID` is missing (plain http origins). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** `keyFor(body)`: the key of this request body — the same while the body stays the same. */
export function useIdempotencyKey(): { keyFor: (body: unknown) => string } {
  let last: string | undefined
  let key = newKey()
  return {
    keyFor(body: unknown): string {
      const shape = JSON.stringify(body)
      if (last !== undefined && shape !== last) key = newKey()
      last = shape
      return key
    },
  }
}
