// Times as people read them: Beijing time, whatever the browser's zone.
const formatter = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})

export function beijing(iso: string | null | undefined): string {
  if (!iso) return ''
  const parts = Object.fromEntries(formatter.formatToParts(new Date(iso)).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}

export function beijingDate(iso: string | null | undefined): string {
  return beijing(iso).slice(0, 10)
}
