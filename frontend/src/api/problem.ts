// RFC 9457 problem details from the API, and the field messages a form shows next to each field.

export interface FieldProblem {
  field: string
  code: string
  message: string
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  errors?: FieldProblem[]
  request_id?: string
}

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title)
    this.status = status
    this.problem = problem
  }

  get code(): string {
    return this.problem.code
  }
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'code' in value && 'status' in value
}

/** Field → message for a form (`departments.0` is kept as is: forms name their items).
 * `translate` words a field's `code` in the reader's language where the form knows it;
 * otherwise the API's own message is shown. */
export function fieldErrors(
  error: unknown,
  translate?: (problem: FieldProblem) => string | undefined,
): Record<string, string> {
  if (!(error instanceof ApiError) || !error.problem.errors) return {}
  const out: Record<string, string> = {}
  for (const e of error.problem.errors) {
    if (!(e.field in out)) out[e.field] = translate?.(e) ?? e.message
  }
  return out
}

/** A message for the whole request (what a toast or an alert shows). */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail || error.problem.title
  if (error instanceof Error) return error.message
  return String(error)
}
