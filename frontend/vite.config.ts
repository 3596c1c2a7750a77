import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, URL } from 'node:url'

import vue from '@vitejs/plugin-vue'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import Components from 'unplugin-vue-components/vite'
import { defineConfig, type Plugin } from 'vite'

/**
 * `@/i18n/messages/<area>?lang=zh` (or `en`): the area's texts with the other language left
 * out (its `  en: {` … `  },` block emptied), so the first bundle carries the core texts in
 * Chinese only and English comes when it is chosen (src/i18n/index.ts, english.ts). The
 * message modules keep their one shape (`export default { zh: {…}, en: {…} }`, two-space
 * indent); one that does not fails the build here rather than shipping both languages.
 */
function oneLanguage(): Plugin {
  return {
    name: 'xqt:one-language',
    enforce: 'pre',
    transform(code, id) {
      const lang = /\/src\/i18n\/messages\/\w+\.ts\?lang=(zh|en)$/.exec(id)?.[1]
      if (!lang) return null
      const drop = lang === 'zh' ? 'en' : 'zh'
      const block = new RegExp(`^  ${drop}: \\{$[\\s\\S]*?^  \\},$`, 'm')
      if (!block.test(code)) this.error(`${id}: no "  ${drop}: {" … "  }," block to leave out`)
      return { code: code.replace(block, `  ${drop}: {},`), map: null }
    },
  }
}

/**
 * The test files that mock a module (`vi.mock`): each runs in a module graph of its own.
 * The others share their worker's graph, so Vue, Element Plus and the texts are evaluated
 * once per worker rather than once per file (most of the suite's time when every file had
 * its own: 166 s, now about 70 on two cores). A file that mocks cannot share: its mocks
 * leaked into the next file's (six files failed when all shared).
 */
function findMocking(dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...findMocking(path))
    else if (entry.name.endsWith('.test.ts') && readFileSync(path, 'utf8').includes('vi.mock('))
      found.push(relative(fileURLToPath(new URL('.', import.meta.url)), path))
  }
  return found
}

let mocking: string[] | undefined
/** The files that mock, read once per config load (both projects ask). */
function testFilesThatMock(): string[] {
  return (mocking ??= findMocking(fileURLToPath(new URL('./src', import.meta.url))))
}

// Element Plus is imported per component (templates through the resolver, functions such as
// ElMessage by hand with their style), so a page loads only what it shows.
export default defineConfig(({ command }) => ({
  plugins: [
    oneLanguage(),
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  // vue-i18n: Composition API only, no legacy API or global components: a smaller bundle
  define: {
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    // the build leaves vue-i18n's message compiler out: src/i18n/compile.ts compiles the app's
    // texts (its test holds it to vue-i18n's output; Vitest keeps their compiler to compare)
    __INTLIFY_DROP_MESSAGE_COMPILER__: command === 'build',
  },
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    target: 'es2020',
    // no inline scripts or modulepreload polyfill: a strict Content-Security-Policy holds
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  test: {
    environment: 'happy-dom',
    // the app's texts complete, as after any page but the first ones (src/i18n/more.ts)
    setupFiles: ['src/i18n/testSetup.ts'],
    // Element Plus's per-component styles are imported as .css files: let Vite handle them
    server: { deps: { inline: ['element-plus'] } },
    // both cores (Vitest leaves one free by default)
    maxWorkers: 2,
    projects: command === 'build' ? undefined : [
      { extends: true, test: { name: 'mocking', include: testFilesThatMock(), isolate: true } },
      {
        extends: true,
        test: { name: 'shared', include: ['src/**/*.test.ts'], exclude: testFilesThatMock(), isolate: false },
      },
    ],
  },
}))
