// Texts of the forms that take attachments (the components' own are in common.attachments).
export default {
  zh: {
    item: '第 {n} 个文件：{message}',
    waiting: '文件上传中，请稍候再提交',
  },
  en: {
    item: 'File {n}: {message}',
    waiting: 'A file is still uploading: submit when it is done',
  },
}
