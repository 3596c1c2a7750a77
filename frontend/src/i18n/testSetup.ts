// Vitest: every component test sees all the app's texts, as the app does once any page but
// the first ones has loaded (the router loads ./more.ts beside them; firstPages.test.ts holds
// the first pages to the core texts).
import { installMoreMessages } from './more'

installMoreMessages()
