// One policy's page for the service centre, its shared state (provided by AdminPolicyPage,
// injected by its parts): the policy and its form, saving it, a version conflict (the edits
// kept, the latest offered), the push followed, and one confirmation dialog for deletions.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { computed, inject, provide, ref, watch, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'

import { client, unwrap } from '@/api/client'
import { problemMessage, type FieldProblem } from '@/api/problem'
import { useJobProgress } from '@/composables/useJobProgress'
import { useSubmit } from '@/composables/useSubmit'
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

  // ---- save ----
  // a stale version keeps the edits as typed; the page offers the latest (`conflict`)
  const errors = useSubmit({ translate, keepOnConflict: true })
  const busy = errors.busy
  const tried = ref(false)
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
    const original = policy.value
    const body = original ? patchBody(original, form.value) : null
    if (body && Object.keys(body).length === 1) {
      ElMessage.info(t('policies.form.noChange'))
      return
    }
    const got: { policy?: Policy } = {}
    const done = await errors.submit(async () => {
      got.policy = await unwrap(
        original && body
          ? client.PATCH('/api/v1/policies/{policy_id}', { params: { path: { policy_id: original.id } }, body })
          : client.POST('/api/v1/policies', { body: createBody(form.value) }),
      )
    })
    if (errors.conflicted.value) conflict.value = true
    if (!done || !got.policy) {
      placeErrors()
      return
    }
    show(got.policy)
    if (original) ElMessage.success(t('policies.form.saved'))
    else await router.replace(`/admin/policies/${got.policy.id}`) // the page turns into the draft's: no toast
  }

  // ---- confirmations: deleting an interpretation, removing a file, deleting the draft ----
  // (a stale version closes the dialog; the page offers the latest)
  const confirm = ref<{ text: string; ok: string; run: () => Promise<void> } | null>(null)
  const confirming = useSubmit({ keepOnConflict: true })
  const confirmBusy = confirming.busy
  const confirmError = computed(() => confirming.message.value ?? Object.values(confirming.errors)[0] ?? null)

  function ask(text: string, ok: string, run: () => Promise<void>): void {
    confirming.clear()
    confirm.value = { text, ok, run }
  }

  async function confirmed(): Promise<void> {
    const c = confirm.value
    if (!c) return
    const done = await confirming.submit(c.run)
    if (confirming.conflicted.value) conflict.value = true
    if (done || confirming.conflicted.value) confirm.value = null
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
