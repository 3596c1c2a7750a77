import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/api/problem'
import applications from '@/i18n/messages/applications'
import attachments from '@/i18n/messages/attachments'
import common from '@/i18n/messages/common'

const get = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./ApplyPage.vue')).default

/** The error each form item shows, by its label (Element Plus renders it under the field). */
function errorsByLabel(wrapper: VueWrapper): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of wrapper.findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

// the upload component is tested on its own: here it only hands the form its ids
const UploadStub = defineComponent({ name: 'AttachmentUpload', inheritAttrs: false, template: '<div class="upload" />' })

const now = Date.now()
const POLICY = {
  id: 'P-1',
  title: '智能化改造专项资金',
  application: {
    opens_at: new Date(now - 3600_000).toISOString(),
    closes_at: new Date(now + 86_400_000).toISOString(),
    materials: [
      { id: 'feasibility', name: '可行性研究报告', description: null, required: true },
      { id: 'license', name: '营业执照', description: null, required: true },
      { id: 'other', name: '其他材料', description: null, required: false },
    ],
    reviewer_department_id: 'tax',
    reviewer_name: '县税务局',
    instructions: null,
  },
}

function problem(status: number, code: string, detail: string, errors?: { field: string; code: string; message: string }[]) {
  return new ApiError(status, { type: 'x', title: code, status, detail, code, errors })
}

async function setup() {
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, applications: applications.zh, attachments: attachments.zh } },
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p/>' } }] })
  await router.push('/policies/P-1/apply')
  const w = mount(Page, { props: { id: 'P-1' }, global: { plugins: [i18n, router], stubs: { AttachmentUpload: UploadStub } } })
  await flushPromises()
  const material = (id: string) => w.find(`[data-material=${id}]`)
  const attach = async (id: string, ids: string[]) => {
    material(id).findComponent(UploadStub).vm.$emit('update:modelValue', ids)
    await flushPromises()
  }
  const fill = async () => {
    await w.find('input[data-field=project_name]').setValue('数控机床智能化改造')
    await w.find('textarea[data-field=summary]').setValue('购置五轴加工中心')
    await w.find('input[data-field=amount]').setValue('300')
    await w.find('input[data-field=contact_name]').setValue('张伟')
    await w.find('input[data-field=contact_phone]').setValue('13812345678')
  }
  const submit = async () => {
    await w.find('[data-testid=apply-form]').trigger('submit')
    await flushPromises()
  }
  return { w, router, material, attach, fill, submit }
}

describe('ApplyPage', () => {
  beforeEach(() => {
    get.mockReset()
    post.mockReset()
    get.mockResolvedValue(POLICY)
  })

  it('marks a required material without files and sends nothing', async () => {
    const { material, attach, fill, submit } = await setup()
    await fill()
    await attach('feasibility', ['U0000000000000001'])
    await submit()
    expect(post).not.toHaveBeenCalled()
    expect(material('license').find('[data-testid=material-error]').text()).toBe('请上传此项材料')
    expect(material('feasibility').find('[data-testid=material-error]').exists()).toBe(false)
  })

  it('sends the form and the materials with files, in the window order, then opens the application', async () => {
    const { router, attach, fill, submit } = await setup()
    await fill()
    await attach('license', ['U0000000000000002'])
    await attach('feasibility', ['U0000000000000001', 'U0000000000000003'])
    post.mockResolvedValue({ id: 'SB-20261127-3fa9c1' })
    await submit()
    expect(post.mock.calls[0]?.[1]).toEqual({
      body: {
        policy_id: 'P-1',
        form: { project_name: '数控机床智能化改造', summary: '购置五轴加工中心', amount: 300, contact_name: '张伟', contact_phone: '13812345678' },
        materials: [
          { material_id: 'feasibility', attachments: ['U0000000000000001', 'U0000000000000003'] },
          { material_id: 'license', attachments: ['U0000000000000002'] },
        ],
      },
    })
    expect(router.currentRoute.value.path).toBe('/applications/SB-20261127-3fa9c1')
  })

  it('shows each field error at its field or material', async () => {
    const { w, material, attach, fill, submit } = await setup()
    await fill()
    await attach('feasibility', ['U0000000000000001'])
    await attach('license', ['U0000000000000002', 'U0000000000000003'])
    post.mockRejectedValue(
      problem(400, 'validation_error', '参数错误', [
        { field: 'form.contact_phone', code: 'phone', message: '手机号码格式不正确' },
        { field: 'materials.1.attachments.1', code: 'upload_content_mismatch', message: '文件内容与类型不符' },
      ]),
    )
    await submit()
    expect(errorsByLabel(w)).toEqual({ 联系电话: '手机号码格式不正确' })
    expect(material('license').find('[data-testid=material-error]').text()).toBe('第 2 个文件：文件内容与类型不符')
    expect(material('feasibility').find('[data-testid=material-error]').exists()).toBe(false)
  })

  it('says why a 409 refused it, with a link to the application it names', async () => {
    const { w, attach, fill, submit } = await setup()
    await fill()
    await attach('feasibility', ['U0000000000000001'])
    await attach('license', ['U0000000000000002'])
    post.mockRejectedValue(problem(409, 'already_exists', '贵企业已申报过该政策(申报编号 SB-20261120-0a1b2c),请勿重复申报'))
    await submit()
    expect(w.find('[data-testid=apply-message]').text()).toContain('请勿重复申报')
    expect(w.find('[data-testid=existing-application]').attributes('href')).toBe('/applications/SB-20261120-0a1b2c')
  })
})
