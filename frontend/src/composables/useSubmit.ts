// One way to send a form: a busy flag, the API's field errors next to their fields (or one
// message), and on 409 `version_conflict` the record read again with a word saying why — or,
// for a form whose edits reading again would throw away, the conflict marked for the page to
// say so beside the form (`keepOnConflict`). A refusal the page answers in its own way (an
// `already_exists` under the id, a step already taken) it takes first (`onError`).
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'

import { ApiError, type FieldProblem } from '@/api/problem'
import { useFieldErrors } from './useFieldErrors'

export interface SubmitOptions {
  /** Read the record again (after a version conflict). */
  reload?: () => Promise<unknown> | unknown
  /** The words for a conflict (default: common.state.conflict). */
  conflictMessage?: string
  /** A field error's words by its code. */
  translate?: (problem: FieldProblem) => string | undefined
  /** On a conflict keep the form as typed and only mark `conflicted` (no reload, no message). */
  keepOnConflict?: boolean
  /**
   * A refusal the page deals with itself: asked first (after `conflicted` is marked); return
   * true and nothing else is done with it, neither reloading nor showing it.
   */
  onError?: (error: unknown) => boolean | Promise<boolean>
}

export function useSubmit(options: SubmitOptions = {}) {
  const { t } = useI18n()
  const busy = ref(false)
  /** The last send was refused because the record changed meanwhile. */
  const conflicted = ref(false)
  const fields = useFieldErrors(options.translate)

  /** Run `send` once at a time; true if it went through. */
  async function submit(send: () => Promise<unknown>): Promise<boolean> {
    if (busy.value) return false
    busy.value = true
    conflicted.value = false
    fields.clear()
    try {
      await send()
      return true
    } catch (e) {
      const conflict = e instanceof ApiError && e.code === 'version_conflict'
      conflicted.value = conflict
      if (options.onError && (await options.onError(e))) {
        // the page answered it
      } else if (conflict && options.keepOnConflict) {
        // the page says so beside the form, which keeps what was typed
      } else if (conflict && options.reload) {
        const words = options.conflictMessage ?? t('common.state.conflict')
        fields.message.value = words
        ElMessage.warning(words)
        await options.reload()
      } else {
        fields.show(e)
      }
      return false
    } finally {
      busy.value = false
    }
  }

  return {
    busy,
    conflicted,
    errors: fields.errors,
    message: fields.message,
    clear: fields.clear,
    /** Show an error that came some other way (say, reading the record again) as a refusal would be. */
    show: fields.show,
    submit,
  }
}
