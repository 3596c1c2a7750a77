"""Server-side messages, Chinese first (``zh-CN``), English second.

Problem details carry a stable ``code``; the SPA translates by code, and outside clients get
the message in the language their ``Accept-Language`` asks for (Chinese unless it asks for
English). Messages are ``str.format`` templates filled from the error's context.
"""

from __future__ import annotations

from typing import Any

Lang = str  # "zh" | "en"

MESSAGES: dict[str, dict[Lang, str]] = {
    # problem titles, by problem code
    "validation_error": {"zh": "请求参数有误", "en": "Invalid request"},
    "unauthorized": {"zh": "未登录或登录已失效", "en": "Not signed in or the sign-in has expired"},
    "forbidden": {"zh": "无权执行此操作", "en": "Not allowed"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "method_not_allowed": {"zh": "不支持的请求方法", "en": "Method not allowed"},
    "unsupported_media_type": {
        "zh": "请求体须为 JSON(Content-Type: application/json)",
        "en": "The body must be JSON (Content-Type: application/json)",
    },
    "version_conflict": {
        "zh": "数据已被他人修改，请刷新后重试",
        "en": "Changed by someone else: reload and try again",
    },
    "invalid_transition": {
        "zh": "当前状态下不能执行此操作",
        "en": "Not allowed in the current state",
    },
    "already_exists": {"zh": "已存在", "en": "Already exists"},
    "unit_busy": {"zh": "该单位仍有未办结事项", "en": "The unit still has open work"},
    "unit_has_open_parts": {
        "zh": "该单位还有 {count} 项转办事项未办结，办结或退回后才能停用",
        "en": "The unit still has {count} open parts: answer or return them before deactivating it",
    },
    "idempotency_key_reused": {
        "zh": "该幂等键已用于另一内容的请求",
        "en": "This Idempotency-Key was used for a different request",
    },
    "payload_too_large": {"zh": "请求体超过 1 MiB", "en": "The request body exceeds 1 MiB"},
    "internal_error": {"zh": "服务器内部错误", "en": "Internal server error"},
    "busy": {"zh": "系统繁忙，请稍后重试", "en": "Busy: try again shortly"},
    "too_many_requests": {"zh": "尝试次数过多", "en": "Too many tries"},
    # the public progress lookup: one refusal for a wrong phone, an unknown or a bad number
    "lookup_not_found": {
        "zh": "未查到，请核对受理编号和手机号",
        "en": "Nothing found: check the case number and the phone number",
    },
    "lookup_throttled": {
        "zh": "查询失败次数过多，请 {minutes} 分钟后再试",
        "en": "Too many failed lookups: try again in {minutes} minutes",
    },
    # text messages (SMS go out in Chinese)
    # 受理回执: the case number and where to follow progress ({where}: the /track address)
    "sms_case_received": {
        "zh": "【兴企通】您的诉求已受理，受理编号 {id}。凭受理编号和本手机号查询办理进度：{where}",
        "en": "[Xingqitong] Your appeal is filed as {id}. Follow it with the case number and "
        "this phone number: {where}",
    },
    "sms_track_nowhere": {"zh": "兴企通「进度查询」页面", "en": "Xingqitong's progress page"},
    # 答复通知: the reply is there; an enterprise rates it online, a caller is called back
    "sms_reply_online": {
        "zh": "【兴企通】您反映的诉求（{id}）已答复：{title}。请登录兴企通评价是否解决。",
        "en": "[Xingqitong] Your appeal ({id}) has a reply: {title}. Please sign in to say "
        "whether it is resolved.",
    },
    "sms_reply_callback": {
        "zh": "【兴企通】您反映的诉求（{id}）已答复：{title}。服务热线将回访您。",
        "en": "[Xingqitong] Your appeal ({id}) has a reply: {title}. The hotline will call you "
        "back.",
    },
    "sms_merged_replied": {
        "zh": "【兴企通】您反映的诉求（{id}）与诉求（{into}）为同一问题，已合并办理并答复。",
        "en": "[Xingqitong] Your appeal ({id}) was handled with {into} and now has a reply.",
    },
    # 挂起 awaiting the enterprise's materials: it signs in to read which
    "sms_pause_materials": {
        "zh": "【兴企通】您反映的诉求（{id}）需补充材料，办理期限暂停计算。"
        "请登录兴企通查看所需材料并补充。",
        "en": "[Xingqitong] Your appeal ({id}) waits for your materials and its deadline is "
        "stopped. Please sign in to see what to add.",
    },
    "direct_answer_with_repeat": {
        "zh": "重复来电记在原诉求上，不能同时直接答复",
        "en": "A repeat call is recorded on its appeal: it is not also answered on the call",
    },
    "user_inactive": {"zh": "发起导出的账号已停用", "en": "The account that asked was deactivated"},
    "export_not_found": {"zh": "导出任务 {id} 不存在", "en": "Export {id} not found"},
    "due_with_overdue": {
        "zh": "due 与 overdue 相互矛盾：只用其中一个",
        "en": "due and overdue disagree: give only one of them",
    },
    "search_scope_all": {
        "zh": "搜索在全部可见诉求中进行：scope 只能为 all，且不能与 escalation_level 同用",
        "en": "A search runs over all the appeals you may read: scope all, no escalation_level",
    },
    "similar_same_enterprise": {"zh": "同一企业", "en": "Same enterprise"},
    "similar_same_phone": {"zh": "同一来电号码", "en": "Same phone number"},
    "similar_same_category": {"zh": "同类诉求", "en": "Same category"},
    "similar_text": {"zh": "内容相似度 {pct}%", "en": "Text {pct}% alike"},
    "merge_into_itself": {
        "zh": "不能把诉求 {id} 合并到它自己",
        "en": "Appeal {id} cannot be merged into itself",
    },
    "merge_target_closed": {
        "zh": "诉求 {id} 已办结或已被合并，不能并入",
        "en": "Appeal {id} is closed or merged: nothing can be merged into it",
    },
    "merge_cycle": {
        "zh": "诉求 {id} 曾并入本诉求，不能反向合并",
        "en": "Appeal {id} was merged into this one: the merge would go round in a circle",
    },
    "merge_limit": {
        "zh": "诉求 {id} 已合并 {max} 件重复诉求，不能再并入",
        "en": "Appeal {id} already has {max} duplicates merged into it",
    },
    "sms_application_approved": {
        "zh": "【兴企通】您的项目申报（{id}）「{title}」已审核通过，详情请登录兴企通查看。",
        "en": "[Xingqitong] Your application ({id}) {title} was approved; details on Xingqitong.",
    },
    "sms_application_rejected": {
        "zh": "【兴企通】您的项目申报（{id}）「{title}」未通过审核：{reason}。",
        "en": "[Xingqitong] Your application ({id}) {title} was not approved: {reason}.",
    },
    # e-mail to departments, commissioners and the service centre (sent in Chinese)
    "unregistered_caller": {"zh": "未登记来电人", "en": "an unregistered caller"},
    # report units that are no department, commissioner or size class
    "unit_triage": {"zh": "服务中心分办", "en": "Service centre triage"},
    "unit_unregistered": {"zh": "未登记企业", "en": "Not registered"},
    "unit_no_town": {"zh": "未填写区镇", "en": "Town not recorded"},
    "mail_transfer_subject": {
        "zh": "【兴企通】转办诉求 {id}：{title}",
        "en": "[Xingqitong] Appeal {id} transferred: {title}",
    },
    "mail_transfer_body": {
        "zh": "{department}：\n\n服务专员将企业诉求 {id}《{title}》（{enterprise}）转贵单位办理，"
        "请于 {due} 前登录兴企通答复办理意见；如不属贵单位职责，请在平台退回并说明理由。",
        "en": '{department}:\n\nAppeal {id} "{title}" ({enterprise}) was transferred to you. '
        "Reply on Xingqitong by {due}, or return it with a reason if it is not yours.",
    },
    "mail_escalated_subject": {
        "zh": "【兴企通】诉求升级至服务中心 {id}：{title}",
        "en": "[Xingqitong] Appeal {id} escalated to the service centre: {title}",
    },
    "mail_escalated_body": {
        "zh": "企业诉求 {id}《{title}》（{enterprise}）已升级至服务中心（一级），原因：{reason}。"
        "请登录兴企通查看并协调办理。",
        "en": 'Appeal {id} "{title}" ({enterprise}) was escalated to the service centre '
        "(level 1): {reason}. Sign in to Xingqitong to coordinate it.",
    },
    "mail_level_two_subject": {
        "zh": "【兴企通】诉求提交县政府集中会办 {id}：{title}",
        "en": "[Xingqitong] Appeal {id} raised to the joint meeting: {title}",
    },
    "mail_level_two_body": {
        "zh": "企业诉求 {id}《{title}》（{enterprise}）已提交县政府集中会办（二级），"
        "将列入本月会办议程。",
        "en": 'Appeal {id} "{title}" ({enterprise}) was raised to the county\'s joint meeting '
        "(level 2) and goes on this month's agenda.",
    },
    "mail_supervise_subject": {
        "zh": "【兴企通】督办事项 {id}：{title}",
        "en": "[Xingqitong] Supervised item {id}: {title}",
    },
    "mail_supervise_body": {
        "zh": "企业诉求 {id}《{title}》（{enterprise}）已列为督办事项，由贵单位牵头办理，"
        "请于 {due} 前办结并在兴企通报告办结情况。",
        "en": 'Appeal {id} "{title}" ({enterprise}) is now a supervised item in your charge. '
        "Complete it by {due} and report completion on Xingqitong.",
    },
    "mail_supervision_overdue_subject": {
        "zh": "【兴企通】督办事项逾期 {id}：{title}",
        "en": "[Xingqitong] Supervised item {id} is overdue: {title}",
    },
    "mail_supervision_overdue_body": {
        "zh": "督办事项 {id}《{title}》（{enterprise}）已超过办结期限 {due}，请尽快办结并报告。",
        "en": 'Supervised item {id} "{title}" ({enterprise}) passed its deadline {due}. '
        "Complete it and report without delay.",
    },
    "escalation_reason_overdue": {"zh": "超期未答复", "en": "overdue without a reply"},
    "escalation_reason_common": {"zh": "共性诉求", "en": "a common appeal"},
    "escalation_reason_multi_department": {
        "zh": "涉及多部门",
        "en": "several departments involved",
    },
    "escalation_reason_other": {"zh": "其他", "en": "other"},
    # details
    "appeal_not_found": {"zh": "诉求 {id} 不存在", "en": "Appeal {id} not found"},
    "counter_busy": {
        "zh": "同时提交的诉求过多，请稍后重试",
        "en": "Too many appeals filed at once: try again shortly",
    },
    "enterprise_unbound": {
        "zh": "当前账号未关联已登记的企业",
        "en": "This account is not tied to a registered enterprise",
    },
    "event_role": {
        "zh": "操作 {type} 需要以下角色之一：{roles}",
        "en": "The event {type} needs one of the roles: {roles}",
    },
    "not_owner": {
        "zh": "诉求 {id} 不由您承办",
        "en": "Appeal {id} is not assigned to you",
    },
    "not_transferred": {
        "zh": "诉求 {id} 未转交本部门",
        "en": "Appeal {id} was not transferred to your department",
    },
    "not_own_appeal": {"zh": "不是本企业的诉求", "en": "Not your enterprise's appeal"},
    "no_open_work": {
        "zh": "本单位在诉求 {id} 上没有在办的转办事项或督办事项，不能填报推进情况",
        "en": "Your unit has no open part or supervised item on appeal {id} to report progress on",
    },
    "event_not_allowed": {
        "zh": "诉求当前状态为 {status}，不能执行 {type}",
        "en": "The event {type} is not allowed while the appeal is {status}",
    },
    "needs_assignee": {
        "zh": "诉求 {id} 尚在分办队列，请先指派服务专员",
        "en": "Appeal {id} is in the triage queue: assign a commissioner first",
    },
    "part_not_open": {
        "zh": "本部门承办部分已{status}，不能再操作",
        "en": "Your department's part is already {status}",
    },
    "already_signed": {
        "zh": "诉求 {id} 已签收，不能重复签收",
        "en": "Appeal {id} has already been signed for",
    },
    "no_open_part": {
        "zh": "本部门在诉求 {id} 没有在办的承办部分，不能签收",
        "en": "Your department has no open part of appeal {id} to sign for",
    },
    "parts_open": {
        "zh": "尚有 {count} 个部门在办，不能退回分办",
        "en": "{count} department part(s) still open: cannot send back to triage",
    },
    "job_not_found": {
        "zh": "没有任务 {name}（可用：{jobs}）",
        "en": "No job {name} (jobs: {jobs})",
    },
    "meeting_not_found": {"zh": "{month} 的会办不存在", "en": "No meeting for {month}"},
    "meeting_exists": {"zh": "{month} 的会办已存在", "en": "The meeting of {month} exists"},
    "meeting_not_draft": {
        "zh": "{month} 的会办已召开或已标记未召开，议程不能再改",
        "en": "The meeting of {month} is no longer a draft",
    },
    "meeting_already_held": {
        "zh": "{month} 的会办已记录",
        "en": "The meeting of {month} is recorded",
    },
    "meeting_not_held": {
        "zh": "请先记录 {month} 会办的召开情况",
        "en": "Record the meeting of {month} first",
    },
    "already_decided": {"zh": "诉求 {id} 已有会办决定", "en": "Appeal {id} is already decided"},
    "month_invalid": {"zh": "月份格式应为 YYYY-MM", "en": "The month must be YYYY-MM"},
    # financing
    "product_not_found": {"zh": "金融产品 {id} 不存在", "en": "Product {id} not found"},
    "range_order": {"zh": "上限不能低于下限", "en": "The upper end is below the lower end"},
    "min_above_max": {"zh": "下限高于上限", "en": "The minimum is above the maximum"},
    # policies and long jobs
    "policy_not_found": {"zh": "政策 {id} 不存在", "en": "Policy {id} not found"},
    "article_not_found": {"zh": "知识库条目 {id} 不存在", "en": "Article {id} not found"},
    "article_retired": {
        "zh": "知识库条目 {id} 已下架，不能再修改",
        "en": "Article {id} is retired and cannot change",
    },
    "knowledge_status_admin_only": {
        "zh": "草稿和已下架条目仅服务中心可查看",
        "en": "Drafts and retired articles are for the service centre",
    },
    "policy_already_published": {
        "zh": "政策 {id} 已发布",
        "en": "Policy {id} is published already",
    },
    "expires_before_effective": {
        "zh": "失效日期早于生效日期",
        "en": "It expires before it takes effect",
    },
    "too_many_interpretations": {
        "zh": "每项政策最多 {max} 篇解读",
        "en": "A policy has at most {max} interpretations",
    },
    "interpretation_not_found": {"zh": "解读 {id} 不存在", "en": "Interpretation {id} not found"},
    "policy_withdrawn": {
        "zh": "政策 {id} 已撤回，不能再修改（如需恢复，请起草新政策）",
        "en": "Policy {id} was withdrawn and no longer changes (draft a new policy instead)",
    },
    "policy_already_withdrawn": {
        "zh": "政策 {id} 已撤回",
        "en": "Policy {id} is withdrawn already",
    },
    "policy_not_published": {
        "zh": "政策 {id} 尚未发布，草稿可直接删除",
        "en": "Policy {id} is not published: delete the draft instead",
    },
    "policy_not_draft": {
        "zh": "政策 {id} 已发布，只能撤回，不能删除",
        "en": "Policy {id} was published: withdraw it instead of deleting it",
    },
    "background_job_not_found": {"zh": "任务 {id} 不存在", "en": "Job {id} not found"},
    # reports and notices
    "month_or_range": {
        "zh": "请给出月份（month），或起止日期（from 与 to），二者择一",
        "en": "Give a month, or a from and to date — one or the other",
    },
    "range_reversed": {"zh": "结束日期早于开始日期", "en": "The end is before the start"},
    "range_too_long": {
        "zh": "统计期间最长 {days} 天",
        "en": "A period covers at most {days} days",
    },
    "period_in_future": {
        "zh": "统计期间尚未开始",
        "en": "The period has not begun yet",
    },
    "report_not_found": {"zh": "报告 {id} 不存在", "en": "Report {id} not found"},
    "report_exists": {
        "zh": "{period} 的报告已生成",
        "en": "The report of {period} was already started",
    },
    "report_not_done": {
        "zh": "报告 {id} 尚未生成完成",
        "en": "Report {id} is not finished",
    },
    "report_not_running": {"zh": "报告 {id} 不在生成中", "en": "Report {id} is not being built"},
    "notice_not_found": {"zh": "通报 {id} 不存在", "en": "Notice {id} not found"},
    "notice_already_corrected": {
        "zh": "通报 {id} 已有更正通报，请更正那一份",
        "en": "Notice {id} was already corrected: correct the correction",
    },
    "not_level_two": {
        "zh": "诉求 {id} 不是待会办（二级）的在办诉求",
        "en": "Appeal {id} is not an open level-2 appeal",
    },
    "not_on_agenda": {"zh": "诉求 {id} 不在议程中", "en": "Appeal {id} is not on the agenda"},
    "already_supervised": {"zh": "诉求 {id} 已在督办中", "en": "Appeal {id} is already supervised"},
    "supervision_not_open": {
        "zh": "诉求 {id} 没有进行中的督办事项",
        "en": "Appeal {id} has no supervised item in progress",
    },
    "supervision_not_yours": {
        "zh": "该督办事项不由您负责",
        "en": "This supervised item is not yours",
    },
    "supervision_not_reported": {
        "zh": "诉求 {id} 的督办事项尚未报告办结",
        "en": "Appeal {id}'s supervised item has not been reported done",
    },
    "already_escalated": {
        "zh": "诉求已升级至第 {level} 级",
        "en": "The appeal is already escalated to level {level}",
    },
    "extension_pending": {
        "zh": "诉求 {id} 已有待审批的延期申请",
        "en": "Appeal {id} already has an extension waiting for a decision",
    },
    # pause and resume (挂起): the refusals' codes are their problem codes (409)
    # (their titles too: no parameters, the problem's title is the same words)
    "already_paused": {
        "zh": "诉求已挂起，不能重复挂起",
        "en": "The appeal is already paused",
    },
    "not_paused": {
        "zh": "诉求未挂起，无需恢复",
        "en": "The appeal is not paused",
    },
    "pause_limit": {
        "zh": "诉求已累计挂起满 10 个工作日，不能再挂起",
        "en": "The appeal has already been paused for 10 working days in all",
    },
    "appeal_paused": {
        "zh": "诉求挂起中，期限已停止计算，不能申请延期",
        "en": "The appeal is paused and its deadline stopped: no extension while paused",
    },
    # a deadline's explanation, after a pause ended (stored in Chinese)
    "deadline_paused": {
        "zh": "挂起 {n} 个工作日（{first}至{last}），期限顺延至{due}",
        "en": "paused {n} working days ({first} to {last}), the deadline moved to {due}",
    },
    "extension_after_deadline": {
        "zh": "已超过答复期限（{due}），不能再申请延期",
        "en": "The deadline ({due}) has passed: too late to ask for an extension",
    },
    "no_pending_extension": {
        "zh": "诉求 {id} 没有待审批的延期申请",
        "en": "Appeal {id} has no extension waiting for a decision",
    },
    "idempotency_key_other_body": {
        "zh": "幂等键 {key} 已用于另一内容的来电",
        "en": "Idempotency-Key {key} was already used for a different call",
    },
    # uploads (presigned POSTs) and the enterprise import (issue 9; docs/imports.md)
    "upload_type": {
        "zh": "不支持的文件类型，可上传：{allowed}",
        "en": "Unsupported file type; allowed: {allowed}",
    },
    "upload_extension": {
        "zh": "文件扩展名应为 {allowed}",
        "en": "The file name must end in {allowed}",
    },
    "upload_extension_mismatch": {
        "zh": "文件扩展名与文件类型 {content_type} 不符",
        "en": "The file name's extension does not match its type {content_type}",
    },
    "upload_empty": {"zh": "文件是空的", "en": "The file is empty"},
    "upload_too_large": {
        "zh": "文件不能超过 {max_mb} MB",
        "en": "The file may not exceed {max_mb} MB",
    },
    "upload_not_found": {
        "zh": "没有找到上传的文件：可能尚未上传完成或已过期，请重新上传",
        "en": "The uploaded file was not found (not finished or expired): upload it again",
    },
    "upload_key_invalid": {
        "zh": "不是本平台为企业导入签发的上传",
        "en": "Not an upload this platform issued for enterprise imports",
    },
    "upload_size_mismatch": {
        "zh": "存储的文件大小（{stored} 字节）与申请上传时（{declared} 字节）不符",
        "en": "The stored file's size ({stored} bytes) differs from the declared {declared}",
    },
    "upload_type_mismatch": {
        "zh": "存储的文件类型（{stored}）与申请上传时（{declared}）不符",
        "en": "The stored file's type ({stored}) differs from the declared {declared}",
    },
    "upload_content_mismatch": {
        "zh": "文件内容不是声明的类型（{declared}），识别为：{found}",
        "en": "The file's content is not of its declared type {declared} (found: {found})",
    },
    "upload_purpose": {
        "zh": "这个上传不是为此用途申请的（应为 {purpose}）",
        "en": "This upload was not asked for this use (it should be {purpose})",
    },
    "attachment_duplicate": {"zh": "同一个文件附加了两次", "en": "The same file is attached twice"},
    "attachment_not_found": {"zh": "附件 {id} 不存在", "en": "Attachment {id} not found"},
    "too_many_attachments": {
        "zh": "附件不能超过 {max} 个",
        "en": "At most {max} attachments",
    },
    # project applications (R1.4; docs/applications.md)
    "closes_before_opens": {
        "zh": "截止时间应晚于开始时间",
        "en": "The window must close after it opens",
    },
    "material_duplicate": {"zh": "同一材料出现了两次", "en": "The same material is named twice"},
    "material_unknown": {
        "zh": "申报窗口没有要求这项材料",
        "en": "The application window does not ask for this material",
    },
    "material_required": {"zh": "缺少必需的申报材料", "en": "A required material is missing"},
    "department_unknown": {"zh": "没有这个部门", "en": "No such department"},
    "application_not_found": {"zh": "项目申报 {id} 不存在", "en": "Application {id} not found"},
    "application_no_window": {
        "zh": "政策 {id} 未开放项目申报",
        "en": "Policy {id} takes no applications",
    },
    "application_window_not_open": {
        "zh": "申报尚未开始，开始时间：{opens_at}",
        "en": "Applications open at {opens_at}",
    },
    "application_window_closed": {
        "zh": "申报已于 {closes_at} 截止",
        "en": "Applications closed at {closes_at}",
    },
    "application_exists": {
        "zh": "贵企业已申报过该政策（申报编号 {id}），请勿重复申报",
        "en": "Your enterprise has already applied to this policy (application {id})",
    },
    "application_transition": {
        "zh": "当前状态（{status}）下不能执行「{action}」",
        "en": "Cannot {action} an application that is {status}",
    },
    "application_not_yours": {
        "zh": "无权对该申报执行「{action}」",
        "en": "You may not {action} this application",
    },
    "rejection_reason_required": {
        "zh": "驳回须说明理由",
        "en": "A rejection needs a reason",
    },
    "scope_not_for_role": {
        "zh": "当前角色不能查看这个列表",
        "en": "This list is not for your role",
    },
    "import_not_found": {"zh": "导入任务 {id} 不存在", "en": "Import {id} not found"},
    "import_header_missing": {
        "zh": "缺少必需的列：{columns}（请使用导入模板）",
        "en": "Required columns missing: {columns} (use the import template)",
    },
    "import_header_duplicate": {
        "zh": "列「{column}」出现了不止一次",
        "en": "The column {column} appears more than once",
    },
    "import_no_rows": {"zh": "文件中没有企业数据", "en": "The file holds no enterprises"},
    "import_too_many_rows": {
        "zh": "超过 {max} 行，请分成几个文件导入",
        "en": "More than {max} rows: split the file",
    },
    "import_unreadable": {
        "zh": "无法读取文件内容（{detail}）",
        "en": "The file could not be read ({detail})",
    },
    "import_encoding": {
        "zh": "无法识别文件的编码，请另存为“CSV UTF-8”或 XLSX 格式后重新上传",
        "en": "Unknown text encoding: save the file as CSV UTF-8 or XLSX and upload it again",
    },
    "import_content_mismatch": {
        "zh": "文件内容不是 {expected} 格式",
        "en": "The file's content is not {expected}",
    },
    "import_required": {"zh": "必填", "en": "required"},
    "import_uscc_number": {
        "zh": "被表格软件存成了数字，请将该列设为文本格式后重新填写",
        "en": "stored as a number by the spreadsheet: format the column as text and re-enter it",
    },
    "import_choice": {
        "zh": "「{value}」无效，应为：{allowed}",
        "en": '"{value}" is not one of: {allowed}',
    },
    "import_yes_no": {"zh": "「{value}」无效，应为 是 或 否", "en": '"{value}": use 是 or 否'},
    "import_integer": {"zh": "「{value}」不是整数", "en": '"{value}" is not a whole number'},
    "import_number": {"zh": "「{value}」不是数字", "en": '"{value}" is not a number'},
    "import_range": {"zh": "应在 {min} 到 {max} 之间", "en": "must be from {min} to {max}"},
    "import_too_long": {"zh": "不能超过 {max} 个字符", "en": "at most {max} characters"},
    "import_too_many": {"zh": "至多 {max} 个", "en": "at most {max}"},
    "import_phone": {
        "zh": "「{value}」不是有效的电话号码",
        "en": '"{value}" is not a valid phone number',
    },
    "import_contact_phone_missing": {
        "zh": "填写联系人时须同时填写联系电话",
        "en": "a contact needs a phone number",
    },
    "import_contact_name_missing": {
        "zh": "填写联系电话时须同时填写联系人",
        "en": "a phone number needs its contact's name",
    },
    "import_duplicate": {
        "zh": "与第 {row} 行重复，以第 {row} 行为准",
        "en": "same as row {row}, which stands",
    },
    "token_missing": {"zh": "缺少 Bearer 令牌", "en": "Missing bearer token"},
    "token_invalid": {"zh": "令牌无效：{reason}", "en": "Invalid token: {reason}"},
    "user_unknown": {
        "zh": "该账号未在本平台登记或已停用",
        "en": "This account is not registered on the platform or is disabled",
    },
    "role_required": {
        "zh": "需要以下角色之一：{roles}",
        "en": "Requires one of the roles: {roles}",
    },
    "enterprise_not_found": {"zh": "企业 {uscc} 不存在", "en": "Enterprise {uscc} not found"},
    "commissioner_not_found": {"zh": "服务专员 {id} 不存在", "en": "Commissioner {id} not found"},
    "department_not_found": {"zh": "部门 {id} 不存在", "en": "Department {id} not found"},
    "user_not_found": {"zh": "用户 {username} 不存在", "en": "User {username} not found"},
    "webhook_not_found": {"zh": "回传地址 {id} 不存在", "en": "Webhook {id} not found"},
    "not_service_account": {
        "zh": "只有服务账号（呼叫中心系统）可以登记回传地址",
        "en": "Only a service account (a call-centre system) takes webhooks",
    },
    "url_invalid": {"zh": "地址格式不正确", "en": "Not a valid URL"},
    "url_not_https": {"zh": "回传地址须为 https", "en": "The URL must be https"},
    "url_not_public": {
        "zh": "回传地址须解析到公网地址（不能是内网、回环或链路本地地址）",
        "en": "The URL must resolve to public addresses (not private, loopback or link-local)",
    },
    "url_unresolvable": {"zh": "回传地址的域名无法解析", "en": "The URL's host does not resolve"},
    "route_not_found": {"zh": "接口不存在：{path}", "en": "No such endpoint: {path}"},
    "local_issuer_off": {
        "zh": "本地签发已关闭：令牌由 {issuer} 签发",
        "en": "The local issuer is off: tokens come from {issuer}",
    },
    "enterprise_exists": {
        "zh": "统一社会信用代码 {uscc} 已登记",
        "en": "Credit code {uscc} is already registered",
    },
    "id_exists": {"zh": "编号 {id} 已存在", "en": "The id {id} already exists"},
    "username_exists": {"zh": "用户名 {username} 已存在", "en": "Username {username} is taken"},
    "stale_version": {
        "zh": "提交的版本 {given} 不是当前版本",
        "en": "Version {given} is not the current version",
    },
    "body_too_large": {
        "zh": "请求体 {size} 字节，上限 1 MiB",
        "en": "The body is {size} bytes; the limit is 1 MiB",
    },
    "bad_request": {"zh": "请求格式有误", "en": "Bad request"},
    "uri_too_long": {"zh": "请求地址过长", "en": "URI too long"},
    "headers_too_large": {"zh": "请求头过大", "en": "Request header fields too large"},
    "method_not_implemented": {"zh": "不支持该请求方法", "en": "Method not supported"},
    "http_version_not_supported": {
        "zh": "不支持该 HTTP 版本",
        "en": "HTTP version not supported",
    },
    "content_length_invalid": {
        "zh": "Content-Length 请求头不是有效的字节数",
        "en": "The Content-Length header is not a byte count",
    },
    "fields_invalid": {"zh": "{count} 个字段有误", "en": "{count} field(s) invalid"},
    # field error codes (errors[].code)
    "invalid_json": {"zh": "不是有效的 JSON：{error}", "en": "Not valid JSON: {error}"},
    "json_too_deep": {
        "zh": "嵌套层数超过 {max_depth} 层",
        "en": "Nested deeper than {max_depth} levels",
    },
    "number_out_of_range": {
        "zh": "数值过大或过小，无法保存",
        "en": "The number is too large or too small to be stored",
    },
    "missing": {"zh": "必填", "en": "Required"},
    "immutable": {"zh": "创建后不能修改", "en": "Set at creation only"},
    "extra_forbidden": {"zh": "不支持该字段", "en": "Unknown field"},
    "text_control_character": {
        "zh": "含有不可见的控制字符，请删除后重新输入",
        "en": "Contains invisible control characters: remove them and try again",
    },
    "text_single_line": {"zh": "只能填写一行", "en": "Must be a single line"},
    "meeting_held_in_future": {
        "zh": "召开日期不能晚于今天（{today}）",
        "en": "The meeting cannot be held after today ({today})",
    },
    "meeting_held_before_month": {
        "zh": "召开日期不能早于所属月份（{month}）",
        "en": "The meeting cannot be held before {month}",
    },
    "unknown_parameter": {"zh": "不支持该查询参数", "en": "Unknown query parameter"},
    "string_too_short": {
        "zh": "至少 {min_length} 个字符",
        "en": "At least {min_length} character(s)",
    },
    "string_too_long": {
        "zh": "不能超过 {max_length} 个字符",
        "en": "At most {max_length} character(s)",
    },
    "string_pattern_mismatch": {"zh": "格式不正确", "en": "Wrong format"},
    "string_type": {"zh": "应为字符串", "en": "Must be a string"},
    "int_type": {"zh": "应为整数", "en": "Must be an integer"},
    "int_parsing": {"zh": "应为整数", "en": "Must be an integer"},
    "bool_type": {"zh": "应为 true 或 false", "en": "Must be true or false"},
    "bool_parsing": {"zh": "应为 true 或 false", "en": "Must be true or false"},
    "list_type": {"zh": "应为数组", "en": "Must be an array"},
    "dict_type": {"zh": "应为对象", "en": "Must be an object"},
    "model_type": {"zh": "应为 JSON 对象", "en": "Must be a JSON object"},
    "model_attributes_type": {"zh": "应为 JSON 对象", "en": "Must be a JSON object"},
    "enum": {"zh": "取值应为：{expected}", "en": "Must be one of: {expected}"},
    "literal_error": {"zh": "取值应为：{expected}", "en": "Must be one of: {expected}"},
    "greater_than_equal": {"zh": "不能小于 {ge}", "en": "Must be at least {ge}"},
    "less_than_equal": {"zh": "不能大于 {le}", "en": "Must be at most {le}"},
    "less_than": {"zh": "必须小于 {lt}", "en": "Must be less than {lt}"},
    "multiple_of": {
        "zh": "应为 {multiple_of} 的整数倍",
        "en": "Must be a multiple of {multiple_of}",
    },
    "finite_number": {"zh": "应为有限数值", "en": "Must be a finite number"},
    "float_type": {"zh": "应为数字", "en": "Must be a number"},
    "float_parsing": {"zh": "应为数字", "en": "Must be a number"},
    "decimal_type": {"zh": "应为数字", "en": "Must be a number"},
    "decimal_parsing": {"zh": "应为数字", "en": "Must be a number"},
    "int_from_float": {"zh": "应为整数", "en": "Must be an integer"},
    "int_parsing_size": {"zh": "整数超出范围", "en": "The integer is out of range"},
    "date_type": {"zh": "应为日期（YYYY-MM-DD）", "en": "Must be a date (YYYY-MM-DD)"},
    "date_parsing": {"zh": "应为有效日期（YYYY-MM-DD）", "en": "Must be a valid date (YYYY-MM-DD)"},
    "date_from_datetime_parsing": {
        "zh": "应为有效日期（YYYY-MM-DD）",
        "en": "Must be a valid date (YYYY-MM-DD)",
    },
    "date_from_datetime_inexact": {
        "zh": "应为日期（YYYY-MM-DD），不含时刻",
        "en": "Must be a date (YYYY-MM-DD) without a time",
    },
    "datetime_from_date_parsing": {
        "zh": "应为有效时间（ISO 8601，带时区）",
        "en": "Must be a valid time (ISO 8601 with offset)",
    },
    "timezone_naive": {"zh": "不能带时区", "en": "Must not carry an offset"},
    "timezone_offset": {"zh": "时区不符", "en": "Wrong offset"},
    "union_tag_invalid": {"zh": "类型取值无效", "en": "Unknown type"},
    "union_tag_not_found": {"zh": "缺少类型", "en": "The type is missing"},
    "set_type": {"zh": "应为数组", "en": "Must be an array"},
    "tuple_type": {"zh": "应为数组", "en": "Must be an array"},
    "string_unicode": {"zh": "应为有效文本", "en": "Must be valid text"},
    "url_parsing": {"zh": "应为有效网址", "en": "Must be a valid URL"},
    "url_type": {"zh": "应为网址", "en": "Must be a URL"},
    "url_scheme": {"zh": "网址协议不支持", "en": "Unsupported URL scheme"},
    "url_too_long": {"zh": "网址过长", "en": "The URL is too long"},
    "url_syntax_violation": {"zh": "应为有效网址", "en": "Must be a valid URL"},
    "greater_than": {"zh": "必须大于 {gt}", "en": "Must be greater than {gt}"},
    "too_short": {"zh": "至少 {min_length} 项", "en": "At least {min_length} item(s)"},
    "too_long": {"zh": "最多 {max_length} 项", "en": "At most {max_length} item(s)"},
    "datetime_parsing": {
        "zh": "应为带时区的 ISO 8601 时间",
        "en": "Must be an ISO 8601 time with offset",
    },
    "datetime_type": {
        "zh": "应为带时区的 ISO 8601 时间",
        "en": "Must be an ISO 8601 time with offset",
    },
    "timezone_aware": {"zh": "时间须带时区", "en": "The time needs an offset"},
    "uscc_invalid": {
        "zh": "统一社会信用代码无效：{reason}",
        "en": "Invalid unified social credit code: {reason}",
    },
    "phone_invalid": {"zh": "不是有效的电话号码", "en": "Not a valid phone number"},
    "cursor_invalid": {"zh": "分页游标无效", "en": "Invalid page cursor"},
    "search_one_term": {
        "zh": "按名称（q）或按电话（phone）查找，二者选一",
        "en": "Search by name (q) or by phone (phone), not both",
    },
    "binding_required": {
        "zh": "角色 {role} 须绑定 {field}",
        "en": "Role {role} needs {field}",
    },
    "binding_not_allowed": {
        "zh": "角色 {role} 不能绑定 {field}",
        "en": "Role {role} cannot have {field}",
    },
    "reference_not_found": {"zh": "引用的对象不存在", "en": "The referenced item does not exist"},
    "appeal_not_replied": {
        "zh": "诉求 {id} 尚未答复，不能生成知识库草稿",
        "en": "Appeal {id} has no reply to draft an article from",
    },
    "draft_from_appeal": {
        "zh": "由诉求答复生成的条目先存为草稿，审核后再发布",
        "en": "An article from an appeal's reply starts as a draft; publish it after review",
    },
    "article_not_published": {
        "zh": "知识库条目 {id} 不存在或未发布",
        "en": "Article {id} does not exist or is not published",
    },
    "value_error": {"zh": "取值无效", "en": "Invalid value"},
    "duplicate": {"zh": "重复：{id}", "en": "Listed twice: {id}"},
    "year_invalid": {"zh": "年份应为 2000–2099", "en": "The year must be 2000–2099"},
    "date_not_in_year": {"zh": "日期不在 {year} 年内", "en": "Not a date of {year}"},
    "not_a_weekend": {"zh": "{day} 不是周末，无需调休", "en": "{day} is not a weekend day"},
    "also_a_holiday": {"zh": "{day} 同时列为放假日", "en": "{day} is also listed as a holiday"},
    "name_without_holiday": {
        "zh": "该日期不在放假日列表中",
        "en": "This date is not among the holidays",
    },
    "urgent_longer_than_normal": {
        "zh": "紧急诉求时限不能长于一般诉求（{normal} 个工作日）",
        "en": "Urgent appeals cannot have longer than normal ones ({normal} working days)",
    },
    "part_already_open": {
        "zh": "部门 {id} 的承办部分尚未办结",
        "en": "Department {id} already has an open part",
    },
    "reason_required_parts_open": {
        "zh": "尚有部门在办（{parts}），须说明理由",
        "en": "Departments still working on it ({parts}): give a reason",
    },
    "not_for_role": {"zh": "该筛选仅供工作人员使用", "en": "This filter is for staff"},
    "too_many_parts": {
        "zh": "一件诉求最多转办 {max} 个部门",
        "en": "At most {max} departments per appeal",
    },
    "already_assigned": {"zh": "已由 {id} 承办", "en": "Already assigned to {id}"},
    "urgency_unchanged": {"zh": "紧急程度已是 {urgency}", "en": "Urgency is already {urgency}"},
    "idempotency_key_invalid": {
        "zh": "须为 1–200 个可见 ASCII 字符",
        "en": "Must be 1–200 visible ASCII characters",
    },
    "invalid": {"zh": "取值无效", "en": "Invalid value"},
    # uscc reasons
    "uscc_length": {"zh": "应为 18 位", "en": "must be 18 characters"},
    "uscc_format": {"zh": "含有不允许的字符", "en": "contains characters not allowed"},
    "uscc_checksum": {"zh": "校验码不符", "en": "the check character does not match"},
}


def language(accept_language: str | None) -> Lang:
    """Chinese unless the client's first preference is English."""
    if not accept_language:
        return "zh"
    first = accept_language.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


def message(code: str, lang: Lang = "zh", **params: Any) -> str:
    """The message for ``code`` in ``lang``; unknown codes fall back to the generic one."""
    entry = MESSAGES.get(code) or MESSAGES["invalid"]
    template = entry.get(lang) or entry["zh"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
