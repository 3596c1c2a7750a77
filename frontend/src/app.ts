// The running app, kept for what is installed into it after the first page: Element Plus's
// own words (i18n/elementLocale.ts) are provided to it when a page that uses them loads.
import type { App } from 'vue'

let current: App | null = null

export function rememberApp(app: App): void {
  current = app
}

export function runningApp(): App | null {
  return current
}
