// One policy's page for the service centre, its shared state (provided by AdminPolicyPage,
// injected by its parts): the policy and its form, saving it, a version conflict (the edits
// kept, the latest offered), the push followed, and one confirmation dialog for deletions.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { computed, inject, provide, ref, watch, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'

import { client, unwrap } from '@/api/client'
import { ApiError, problemMessage, type FieldProblem } from '@/api/problem'
import { useFieldErrors } from '@/composables/useFieldErrors'
import { useJobProgress } from '@/composables/useJobProgress'
import {
  createBody,
  formField,
  formOf,
  localErrors,
  MAX_ATTACHMENTS,
  MAX_INTERPRETATIONS,
  patchBody,
  type Policy,
  type PolicyForm as Form,
} from '@/utils/policies'

function usePolicyDesk(id: () => string | undefined) {
  const { t, te } = useI18n()
  const router = useRouter()

  /** A field error's words by its code, where the policies' messages have them. */
  const translate = (p: FieldProblem) =>
    te(`policies.error.${p.code}`)
      ? t(`policies.error.${p.code}`, { max: p.code === 'too_many_attachments' ? MAX_ATTACHMENTS : MAX_INTERPRETATIONS })
      : undefined

  // ---- the policy ----
  const policy = ref<Policy | null>(null)
  const loading = ref(false)
  const loadError = ref<string | null>(null)
  const form = ref<Form>(formOf(null))
  const conflict = ref(false)
  const push = useJobProgress()
  const withdrawn = computed(() => policy.value?.status === 'withdrawn')

  function show(p: Policy): void {
    policy.value = p
    form.value = formOf(p)
    conflict.value = false
    tried.value = false
    errors.clear()
    if (p.push_job_id && push.following() !== p.push_job_id && push.job.value?.id !== p.push_job_id) {
      push.follow(p.push_job_id)
    }
  }

  async function load(): Promise<void> {
    const wanted = id()
    if (!wanted) {
      policy.value = null
      form.value = formOf(null)
      return
    }
    if (policy.value?.id === wanted) return // just created here
    loading.value = true
    loadError.value = null
    try {
      show(await unwrap(client.GET('/api/v1/admin/policies/{policy_id}', { params: { path: { policy_id: wanted } } })))
    } catch (e) {
      loadError.value = problemMessage(e)
    } finally {
      loading.value = false
    }
  }

  async function reloadLatest(): Promise<void> {
    policy.value = null
    await load()
  }

  /** Unsaved edits: publishing would not include them. */
  const dirty = computed(() => !!policy.value && Object.keys(patchBody(policy.value, form.value)).length > 1)

  /** A change the API refused because the policy moved on (or was withdrawn meanwhile). */
  function stale(e: unknown, errs: ReturnType<typeof useFieldErrors>): void {
    if (e instanceof ApiError && e.code === 'version_conflict') {
      errs.clear()
      conflict.value = true
    } else errs.show(e)
  }

  // ---- save ----
  const busy = ref(false)
  const tried = ref(false)
  const errors = useFieldErrors(translate)
  const local = computed(() => localErrors(t, form.value))
  const shown = (field: string): string | undefined => errors.errors[field] ?? (tried.value ? local.value[field] : undefined)

  /** The API names list items and range ends; the form shows them at their field. */
  function placeErrors(): void {
    for (const key of Object.keys(errors.errors)) {
      const at = formField(key)
      if (at === key) continue
      const text = errors.errors[key]
      delete errors.errors[key]
      if (text && !(at in errors.errors)) errors.errors[at] = text
    }
  }

  async function save(): Promise<void> {
    tried.value = true
    errors.clear()
    if (Object.keys(local.value).length) return
    busy.value = true
    try {
      const original = policy.value
      if (!original) {
        const created = await unwrap(client.POST('/api/v1/policies', { body: createBody(form.value) }))
        show(created) // the page itself turns into the draft's: no toast
        await router.replace(`/admin/policies/${created.id}`)
        return
      }
      const body = patchBody(original, form.value)
      if (Object.keys(body).length === 1) {
        ElMessage.info(t('policies.form.noChange'))
        return
      }
      const updated = await unwrap(
        client.PATCH('/api/v1/policies/{policy_id}', { params: { path: { policy_id: original.id } }, body }),
      )
      show(updated)
      ElMessage.success(t('policies.form.saved'))
    } catch (e) {
      if (e instanceof ApiError && e.code === 'version_conflict') {
        errors.clear()
        conflict.value = true
      } else {
        errors.show(e)
        placeErrors()
      }
    } finally {
      busy.value = false
    }
  }

  // ---- confirmations: deleting an interpretation, removing a file, deleting the draft ----
  const confirm = ref<{ text: string; ok: string; run: () => Promise<void> } | null>(null)
  const confirmBusy = ref(false)
  const confirmError = ref<string | null>(null)

  function ask(text: string, ok: string, run: () => Promise<void>): void {
    confirmError.value = null
    confirm.value = { text, ok, run }
  }

  async function confirmed(): Promise<void> {
    const c = confirm.value
    if (!c) return
    confirmBusy.value = true
    confirmError.value = null
    try {
      await c.run()
      confirm.value = null
    } catch (e) {
      if (e instanceof ApiError && e.code === 'version_conflict') {
        confirm.value = null
        conflict.value = true
      } else confirmError.value = problemMessage(e)
    } finally {
      confirmBusy.value = false
    }
  }

  watch(id, load, { immediate: true })

  return {
    translate,
    policy,
    loading,
    loadError,
    form,
    conflict,
    push,
    withdrawn,
    show,
    load,
    reloadLatest,
    dirty,
    stale,
    busy,
    errors,
    shown,
    save,
    confirm,
    confirmBusy,
    confirmError,
    ask,
    confirmed,
  }
}

export type PolicyDesk = ReturnType<typeof usePolicyDesk>
const KEY: InjectionKey<PolicyDesk> = Symbol('policy-desk')

/** The page: makes the desk for the policy `id()` names (none: a new draft). */
export function providePolicyDesk(id: () => string | undefined): PolicyDesk {
  const desk = usePolicyDesk(id)
  provide(KEY, desk)
  return desk
}

export function useDesk(): PolicyDesk {
  const desk = inject(KEY)
  if (!desk) throw new Error('a policy part outside AdminPolicyPage')
  return desk
}
