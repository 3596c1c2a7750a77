// The unread count of the signed-in user's inbox, shown in the header.
import { ref } from 'vue'

import { client } from '@/api/client'

export const unread = ref(0)

export async function refreshUnread(): Promise<void> {
  const { data } = await client.GET('/api/v1/inbox', { params: { query: { limit: 1 } } })
  if (data) unread.value = data.unread
}
