// The app's texts use one part of vue-i18n's message syntax: named values, `{name}`. This
// compiler does that much, so the build takes vue-i18n's runtime-only edition and leaves its
// message compiler (about 6 KB gzip) out of the first bundle. compile.test.ts renders every
// text of every module with both compilers and holds them to the same output; a text using
// more of the syntax (a literal `{'{'}`, a plural `|`, a linked `@:key`) fails it.
import type { MessageCompiler, MessageContext } from 'vue-i18n'

const NAMED = /\{([A-Za-z_][A-Za-z0-9_]*)\}/

/** What vue-i18n's own message functions use of the context (typed there as internal). */
type Context = MessageContext & { normalize(parts: unknown[]): string; interpolate(value: unknown): unknown }

export const compileMessage: MessageCompiler = (message, { key, onError }) => {
  if (typeof message !== 'string') {
    onError?.(Object.assign(new Error(`${key}: a precompiled message`), { code: 0 }) as never)
    return () => key
  }
  const parts = message.split(NAMED)
  if (parts.length === 1) return () => message
  return (ctx: MessageContext) => {
    const { normalize, interpolate, named } = ctx as Context
    return normalize(parts.map((part, i) => (i % 2 ? interpolate(named(part)) : part)))
  }
}
