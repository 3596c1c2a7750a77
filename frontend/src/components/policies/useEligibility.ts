// Whether the signed-in enterprise meets a policy's conditions (GET /me/policies/{id}):
// known before it applies or uploads anything. Nobody else is asked (null).
import { ref, watch, type Ref } from 'vue'

import { client, unwrap, type Schemas } from '@/api/client'
import { session } from '@/auth/session'

export type Match = Schemas['Match']

export function useEligibility(policyId: Ref<string>) {
  const match = ref<Match | null>(null)
  watch(
    [policyId, () => session.user?.role],
    async ([id, role]) => {
      match.value = null
      if (role !== 'enterprise' || !id) return
      try {
        const found = await unwrap(client.GET('/api/v1/me/policies/{policy_id}', { params: { path: { policy_id: id } } }))
        if (found.policy_id === policyId.value) match.value = found.match
      } catch {
        match.value = null // unknown: the page still shows the policy and its conditions
      }
    },
    { immediate: true },
  )
  return match
}
