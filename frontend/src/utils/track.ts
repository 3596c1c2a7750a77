// The public progress page's arithmetic, kept apart so that it is tested on its own.

/** Minutes to wait, from a 429's Retry-After (seconds): rounded up, at least one; an hour
 * when the header is missing or not a number (the throttle's window). */
export function minutesOf(retryAfter: string | null): number {
  const seconds = Number(retryAfter)
  return retryAfter !== null && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : 60
}
