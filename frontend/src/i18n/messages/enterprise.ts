// Texts of the sign-in page and the enterprise's pages.
export default {
  zh: {
    login: {
      title: '登录兴企通',
      demo: '本地演示环境:请选择一个演示账号登录。',
      oidc: '请使用统一身份认证账号登录。',
      provider: '统一身份认证登录',
      policies: '惠企政策及解读无需登录即可查阅。',
      policiesLink: '浏览惠企政策',
    },
    file: {
      promise: '提交后立即分派服务专员,一般诉求 5 个工作日内答复,紧急诉求 1 个工作日内答复。',
      pickCategory: '请选择诉求类别',
      contentHint: '请写明遇到的问题、涉及的部门或项目,以及希望得到的帮助',
      required: '必填',
      normalDays: '5 个工作日内答复',
      urgentDays: '1 个工作日内答复',
      submit: '提交诉求',
      attachments: '附件(照片、PDF 或 Office 文件,选填)',
    },
    list: {
      all: '全部',
      toConfirm: '待评价',
      empty: '还没有诉求。遇到困难,点击“提交诉求”告诉我们。',
      pleaseConfirm: '已答复,请评价是否解决',
    },
  },
  en: {
    login: {
      title: 'Sign in to Xingqitong',
      demo: 'Local demo: pick a demo account.',
      oidc: 'Sign in with your government identity account.',
      provider: 'Sign in',
      policies: 'The county’s policies for enterprises and their interpretations are open to all.',
      policiesLink: 'Browse the policies',
    },
    file: {
      promise: 'A commissioner is assigned at once; the reply is due within 5 working days (urgent: 1).',
      pickCategory: 'Choose a category',
      contentHint: 'Describe the problem, the departments or project concerned, and the help you need',
      required: 'Required',
      normalDays: 'reply within 5 working days',
      urgentDays: 'reply within 1 working day',
      submit: 'File the appeal',
      attachments: 'Attachments (photos, PDF or Office files; optional)',
    },
    list: {
      all: 'All',
      toConfirm: 'To rate',
      empty: 'No appeals yet. Facing a problem? File an appeal.',
      pleaseConfirm: 'Replied: please tell us whether it was resolved',
    },
  },
}
