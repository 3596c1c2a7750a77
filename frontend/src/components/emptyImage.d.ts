// Element Plus's empty-state picture (el-empty's own), which LoadState loads on its own when a
// list is first empty. The package ships it without a declaration.
declare module 'element-plus/es/components/empty/src/img-empty.mjs' {
  import type { Component } from 'vue'

  const image: Component
  export default image
}
