// Problem+json field errors next to the fields they name; any other error as one message.
import { reactive, ref } from 'vue'

import { ApiError, fieldErrors, problemMessage } from '@/api/problem'

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({})
  const message = ref<string | null>(null)

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
    message.value = null
  }

  /** Show an error from the API; returns true if it named fields. */
  function show(error: unknown): boolean {
    clear()
    const fields = fieldErrors(error)
    Object.assign(errors, fields)
    const named = Object.keys(fields).length > 0
    if (!named || !(error instanceof ApiError)) message.value = problemMessage(error)
    return named
  }

  return { errors, message, clear, show }
}
