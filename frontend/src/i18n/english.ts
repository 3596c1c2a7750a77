// The core texts (./index.ts: CORE_TEXTS) in English: loaded by loadLocale when English is
// chosen (the language switch, or a remembered choice at start), so the first bundle carries
// the Chinese only (`?lang=en`: vite.config.ts leaves the Chinese half out here).
import attachments from './messages/attachments?lang=en'
import caseview from './messages/caseview?lang=en'
import common from './messages/common?lang=en'
import enterprise from './messages/enterprise?lang=en'
import shell from './messages/shell?lang=en'

const modules = { common, enterprise, shell, attachments, caseview }

export const CORE_ENGLISH = Object.fromEntries(Object.entries(modules).map(([name, m]) => [name, m.en]))
