// After a refused submit: bring the first field in error into view and put the cursor in it
// (the operator console does the same), rather than leaving focus on the button while the
// errors sit above the fold.
import { nextTick } from 'vue'

// a star rating (el-rate) is a focusable slider, not an input
const FIELD =
  'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [role="slider"][tabindex="0"]'

/** The first `.el-form-item.is-error` (or `[aria-invalid=true]`) under `root`: scrolled to the
 * middle of the screen, its control focused. Returns whether there was one. */
export async function focusFirstError(root: HTMLElement | null | undefined): Promise<boolean> {
  await nextTick()
  const item = root?.querySelector<HTMLElement>('.el-form-item.is-error, [aria-invalid="true"]')
  if (!item) return false
  const control = item.matches(FIELD) ? item : item.querySelector<HTMLElement>(FIELD)
  item.scrollIntoView?.({ block: 'center', behavior: 'smooth' })
  control?.focus({ preventScroll: true })
  return true
}
