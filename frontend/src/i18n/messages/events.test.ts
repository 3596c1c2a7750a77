import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import schema from '@/api/schema.d.ts?raw'
import type { TimelineEvent } from '@/api/client'
import AppealTimeline from '@/components/AppealTimeline.vue'
import { i18n, setLocale } from '@/i18n'
import events, { isAction, type EventType } from './events'

/** The event types the API declares (`EventType` in the generated schema). */
function apiEventTypes(): string[] {
  const union = /\bEventType: ((?:"[a-z_]+"(?: \| )?)+);/.exec(schema)
  expect(union, 'EventType in schema.d.ts').not.toBeNull()
  return [...union![1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1])
}

describe('event labels', () => {
  it('name every event type of the API, in Chinese and English', () => {
    const types = apiEventTypes().sort()
    expect(Object.keys(events.zh.done).sort()).toEqual(types)
    expect(Object.keys(events.en.done).sort()).toEqual(types)
    for (const type of types) {
      expect(i18n.global.te(`common.event.${type}`, 'zh-CN'), type).toBe(true)
      expect(i18n.global.te(`common.event.${type}`, 'en'), type).toBe(true)
    }
  })

  it('give every event a user posts its button', () => {
    const posted = apiEventTypes().filter((t) => isAction(t as EventType))
    expect(Object.keys(events.zh.action).sort()).toEqual(posted.sort())
    expect(Object.keys(events.en.action).sort()).toEqual(posted.sort())
    expect(posted).toContain('accept')
    expect(posted).not.toContain('filed')
  })

  it('show on the timeline as the table words them', () => {
    setLocale('zh-CN')
    // only what every event has: the optional fields stay absent
    const timeline = apiEventTypes().map(
      (type, i) =>
        ({ type, at: '2026-01-05T09:00:00+08:00', version: i + 1, status: 'received' }) as unknown as TimelineEvent,
    )
    const text = mount(AppealTimeline, { props: { events: timeline }, global: { plugins: [i18n] } }).text()
    for (const e of timeline) expect(text).toContain(events.zh.done[e.type])
    expect(text).toContain('临期提醒')
  })
})
