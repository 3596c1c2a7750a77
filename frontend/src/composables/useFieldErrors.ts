// Problem+json field errors next to the fields they name; any other error as one message.
import { reactive, ref } from 'vue'

import { ApiError, fieldErrors, problemMessage, type FieldProblem } from '@/api/problem'

/** `translate`: a field error's words by its code (see `fieldErrors`). */
export function useFieldErrors(translate?: (problem: FieldProblem) => string | undefined) {
  const errors = reactive<Record<string, string>>({})
  const message = ref<string | null>(null)

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
    message.value = null
  }

  /** Show an error from the API; returns true if it named fields. */
  function show(error: unknown): boolean {
    clear()
    const fields = fieldErrors(error, translate)
    Object.assign(errors, fields)
    const named = Object.keys(fields).length > 0
    if (!named || !(error instanceof ApiError)) message.value = problemMessage(error)
    return named
  }

  return { errors, message, clear, show }
}
