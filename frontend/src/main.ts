import 'element-plus/theme-chalk/base.css'
import './styles.css'

import { createApp } from 'vue'

import { configureClient } from '@/api/client'
import { rememberApp } from '@/app'
import { session, signOut } from '@/auth/session'
import App from './App.vue'
import { i18n, loadLocale } from './i18n'
import { router } from './router'

configureClient({
  token: () => session.token,
  unauthorized: () => {
    signOut()
    // a public page (sign-in, the policies) stays where it is; the header then offers sign-in
    if (!router.currentRoute.value.meta.public) {
      void router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } })
    }
  },
  language: () => i18n.global.locale.value,
})

document.documentElement.lang = i18n.global.locale.value
// English remembered: its texts first (Chinese is in the first bundle); if they cannot be
// loaded the app starts anyway, in Chinese where a text is missing (the fallback).
void loadLocale(i18n.global.locale.value)
  .catch(() => undefined)
  .then(() => {
    const app = createApp(App).use(i18n).use(router)
    rememberApp(app)
    app.mount('#app')
  })
