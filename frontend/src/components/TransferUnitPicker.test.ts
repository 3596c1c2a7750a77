import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'

import type { Schemas } from '@/api/client'
import common from '@/i18n/messages/common'
import units from '@/i18n/messages/units'

import TransferUnitPicker from './TransferUnitPicker.vue'

type Unit = Schemas['DepartmentListed']

function unit(id: string, name: string, over: Partial<Unit> = {}): Unit {
  return {
    id,
    name,
    kind: 'department',
    responsibilities: [],
    active: true,
    version: 1,
    created_at: '2026-12-07T09:00:00+08:00',
    updated_at: '2026-12-07T09:00:00+08:00',
    covers: false,
    ...over,
  } as Unit
}

const LAND: Unit[] = [
  unit('natural-resources', '县自然资源和规划局', {
    covers: true,
    responsibilities: [
      { category: 'land', matters: '建设用地报批、土地供应' },
      { category: 'project', matters: '规划许可' },
    ],
  }),
  unit('town-juegang', '掘港街道', {
    kind: 'town',
    covers: true,
    responsibilities: [{ category: 'land', matters: '征收补偿与交地' }],
  }),
  unit('tax', '县税务局'),
  unit('old', '已撤销单位', { active: false }),
]

function setup(items: Unit[], selected: string[] = []) {
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, units: units.zh } },
  })
  return mount(TransferUnitPicker, {
    props: {
      category: 'land',
      modelValue: selected,
      'onUpdate:modelValue': () => {},
      load: async () => items,
    },
    global: { plugins: [i18n] },
  })
}

describe('TransferUnitPicker', () => {
  it('suggests the units covering the category first, with their matters, towns marked', async () => {
    const w = setup(LAND)
    await flushPromises()
    const rows = w.findAll('[data-testid=transfer-suggested] li')
    expect(rows.map((r) => r.attributes('data-unit'))).toEqual(['natural-resources', 'town-juegang'])
    expect(rows[0].find('[data-testid=unit-matters]').text()).toBe('建设用地报批、土地供应')
    expect(rows[0].find('[data-testid=town-tag]').exists()).toBe(false)
    expect(rows[1].find('[data-testid=town-tag]').text()).toBe('区镇')
    expect(w.find('.suggested-title').text()).toBe('负责“用地”的单位')
  })

  it('ticking a suggestion adds the unit, ticking again removes it', async () => {
    const w = setup(LAND, ['tax'])
    await flushPromises()
    await w.find('[data-unit=town-juegang] input').setValue(true)
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([['tax', 'town-juegang']])
    await w.setProps({ modelValue: ['tax', 'town-juegang'] })
    await w.find('[data-unit=town-juegang] input').setValue(false)
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([['tax']])
  })

  it('says so when no unit covers the category', async () => {
    const w = setup([unit('tax', '县税务局')])
    await flushPromises()
    expect(w.find('[data-testid=transfer-suggested]').exists()).toBe(false)
    expect(w.find('[data-testid=transfer-none-cover]').text()).toContain('没有单位的责任清单包含“用地”')
  })
})
