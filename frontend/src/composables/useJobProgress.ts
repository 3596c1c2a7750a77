// A long job (a policy's push) followed until it finishes: `GET /api/v1/jobs/{id}` once a
// second while it is queued or running. A failed read is shown and retried; a job that is
// gone (404) stops the polling. Stops when the component using it goes away.
import { getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'

import { client, unwrap, type Schemas } from '@/api/client'
import { ApiError, problemMessage } from '@/api/problem'
import { jobFinished } from '@/utils/policies'

type Job = Schemas['Job']

export const JOB_POLL_MS = 1000

async function readJob(id: string): Promise<Job> {
  return unwrap(client.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: id } } }))
}

export function useJobProgress(read: (id: string) => Promise<Job> = readJob, every = JOB_POLL_MS) {
  const job = shallowRef<Job | null>(null)
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let following: string | null = null
  let generation = 0 // a read begun for an earlier job (or before stop) is ignored

  function stop(): void {
    clearTimeout(timer)
    timer = undefined
    following = null
    generation++
  }

  async function poll(id: string, ticket: number): Promise<void> {
    try {
      const fresh = await read(id)
      if (ticket !== generation) return
      job.value = fresh
      error.value = null
      if (jobFinished(fresh)) {
        following = null
        return
      }
    } catch (e) {
      if (ticket !== generation) return
      error.value = problemMessage(e)
      if (e instanceof ApiError && e.status === 404) {
        following = null
        return
      }
    }
    timer = setTimeout(() => void poll(id, ticket), every)
  }

  /** Follow a job; `known` (what the publish answered) is shown at once. */
  function follow(id: string, known?: Job | null): void {
    stop()
    following = id
    error.value = null
    job.value = known && known.id === id ? known : null
    const ticket = generation
    if (known && known.id === id && jobFinished(known)) {
      following = null
      return
    }
    if (known && known.id === id) timer = setTimeout(() => void poll(id, ticket), every)
    else void poll(id, ticket)
  }

  if (getCurrentScope()) onScopeDispose(stop)

  return { job, error, follow, stop, following: () => following }
}
