// Vitest: every component test sees all the app's texts in both languages, as the app does
// once any page but the first ones has loaded (the router loads ./more.ts beside them;
// firstPages.test.ts holds the first pages to the core texts) and English has been chosen
// (loadLocale: the core texts in English).
import { loadLocale } from '.'
import { installMoreMessages } from './more'

installMoreMessages()
await loadLocale('en')
