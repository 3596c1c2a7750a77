// Vitest: every component test sees all the app's texts in both languages, as the app does
// once any page but the first ones has loaded (the router loads ./more.ts beside them;
// firstPages.test.ts holds the first pages to the core texts) and English has been chosen
// (loadLocale: the core texts in English).
import { loadLocale } from '.'
import { installMoreMessages } from './more'

installMoreMessages()
await loadLocale('en')
// The parts LoadState and AttachmentUpload load when first shown (the empty picture, the
// progress bar): loaded here up front, so no test ends with one still on its way.
await Promise.all([import('element-plus/es/components/empty/src/img-empty.mjs'), import('@/components/UploadProgress.vue')])
