// A message module with one language's texts (vite.config.ts: oneLanguage): the other
// language's object is empty.
declare module '*?lang=zh' {
  const texts: { zh: Record<string, unknown>; en: Record<string, never> }
  export default texts
}
declare module '*?lang=en' {
  const texts: { zh: Record<string, never>; en: Record<string, unknown> }
  export default texts
}
