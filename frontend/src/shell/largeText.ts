// 长辈版 (large text): body text 18 px and controls 48 px, remembered on this device.
import { ref, watch } from 'vue'

export const LARGE_TEXT_KEY = 'xqt.largeText'

function stored(): boolean {
  try {
    return localStorage.getItem(LARGE_TEXT_KEY) === '1'
  } catch {
    return false
  }
}

export const largeText = ref(stored())

function apply(on: boolean): void {
  document.documentElement.classList.toggle('large-text', on)
}

apply(largeText.value)
watch(largeText, (on) => {
  apply(on)
  try {
    if (on) localStorage.setItem(LARGE_TEXT_KEY, '1')
    else localStorage.removeItem(LARGE_TEXT_KEY)
  } catch {
    // private mode: the switch still works for this visit
  }
})

export function toggleLargeText(): void {
  largeText.value = !largeText.value
}
