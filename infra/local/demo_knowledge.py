"""Demo knowledge base articles for ``make run``: the questions a 如东县 enterprise hotline
hears every week, each with the answer an operator can give on the call. Demo content:
the figures and offices are plausible, not a county's official text. One is expired (a
measure of 2026's first half), to show how an expired answer is marked."""

from __future__ import annotations

from typing import Any

ARTICLES: list[dict[str, Any]] = [
    {
        "title": "企业招用高校毕业生社保补贴",
        "question": "企业招了应届高校毕业生,能申请什么补贴?社保补贴怎么领?",
        "answer": (
            "企业招用毕业年度或离校 2 年内未就业的高校毕业生,签订 1 年以上劳动合同并按月"
            "足额缴纳社会保险的,可按企业实际缴纳的养老、医疗、失业保险单位部分给予社保"
            "补贴,期限最长 1 年。\n办理:每季度初在江苏智慧人社或县人社局窗口(县政务服务"
            "中心二楼)申报,需提供劳动合同、毕业证书和社保缴费明细。"
        ),
        "category": "labor",
        "keywords": ["高校毕业生", "社保补贴", "吸纳就业"],
        "valid_until": "2027-12-31",
    },
    {
        "title": "失业保险稳岗返还",
        "question": "今年稳岗返还什么时候发?我们企业要不要申请?",
        "answer": (
            "参保企业上年度未裁员或裁员率不高于 5.5%(30 人以下企业不高于参保职工总数 20%)"
            "的,可返还上年度实际缴纳失业保险费的 60%,小微企业可提高到 90%。\n"
            "稳岗返还实行“免申即享”:系统比对符合条件的直接拨付到企业对公账户,无需申请;"
            "未收到的可致电县人社局失业保险科核实。"
        ),
        "category": "labor",
        "keywords": ["稳岗返还", "失业保险", "免申即享"],
        "policy_id": "P-DEMO-JOBS",
        "valid_until": "2027-12-31",
    },
    {
        "title": "2026 年上半年一次性扩岗补助",
        "question": "招用 16–24 岁登记失业青年有一次性扩岗补助吗?",
        "answer": (
            "2026 年 1 月 1 日至 6 月 30 日,企业招用 16–24 岁登记失业青年并签订 1 年以上"
            "劳动合同、足额缴纳社保 1 个月以上的,按每人 1500 元发放一次性扩岗补助。"
            "该政策已于 2026 年 6 月 30 日到期,后续以人社部门新文件为准。"
        ),
        "category": "labor",
        "keywords": ["扩岗补助", "青年就业"],
        "valid_until": "2026-06-30",
    },
    {
        "title": "企业开办“一网通办”全流程",
        "question": "新开一家公司要跑几个部门?多长时间能办好营业执照?",
        "answer": (
            "在江苏政务服务网“企业开办”专区一次填报,营业执照、公章刻制、发票和税控设备"
            "申领、社保登记、住房公积金登记、银行预约开户同步办理,材料齐全的 1 个工作日内"
            "办结,公章免费刻制。\n线下可到县政务服务中心一楼企业开办专窗,帮办代办免费。"
        ),
        "category": "approval",
        "keywords": ["企业开办", "营业执照", "一网通办", "公章刻制"],
    },
    {
        "title": "工业项目用地指标申请",
        "question": "企业扩建厂房需要新增工业用地,用地指标怎么申请?",
        "answer": (
            "新增工业用地须符合国土空间规划,由项目所在区镇向县自然资源和规划局申报用地"
            "计划指标;省级以上重大项目可争取省级指标。企业需先完成项目备案并提交投资强度、"
            "亩均税收承诺。\n指标落实后按“标准地”方式挂牌出让,取得土地后可申请“拿地即"
            "开工”。用地咨询:县自然资源和规划局用途管制科。"
        ),
        "category": "land",
        "keywords": ["用地指标", "工业用地", "标准地", "扩建"],
    },
    {
        "title": "建设项目环评审批",
        "question": "新上生产线要做环评吗?环评审批要多久?",
        "answer": (
            "按《建设项目环境影响评价分类管理名录》确定:编制报告书的项目审批时限 20 个工"
            "作日,报告表 10 个工作日(我县承诺分别压缩至 10 个和 5 个工作日),登记表实行"
            "网上备案即时办结。\n报告书、报告表项目须取得批复后方可开工;投产前按规定申领"
            "排污许可证。咨询:南通市如东生态环境局行政审批科。"
        ),
        "category": "approval",
        "keywords": ["环评", "环境影响评价", "排污许可"],
    },
    {
        "title": "建设工程消防验收与备案",
        "question": "厂房建好了,消防验收怎么办?哪些只需要备案?",
        "answer": (
            "特殊建设工程(如建筑面积 2500 平方米以上的丙类厂房)竣工后向县住房和城乡建设"
            "局申请消防验收,受理后 15 个工作日内出具意见;其他建设工程在竣工验收后 5 个"
            "工作日内网上备案,部分项目抽查。\n可与规划、人防等一并申请联合验收,一次"
            "现场踏勘。"
        ),
        "category": "approval",
        "keywords": ["消防验收", "消防备案", "联合验收", "厂房"],
    },
    {
        "title": "创业担保贴息贷款",
        "question": "小微企业有没有贴息贷款?利息能补多少?",
        "answer": (
            "小微企业当年新招用符合条件人员达到职工总数 15%(超过 100 人的企业达到 8%)"
            "并签订 1 年以上劳动合同的,可申请最高 300 万元创业担保贷款,财政按贷款市场"
            "报价利率(LPR)减 150 个基点以下部分给予贴息,期限最长 2 年。\n"
            "向县人社局就业服务中心提出申请,经办银行有如东农商行、江苏银行如东支行等。"
        ),
        "category": "financing",
        "keywords": ["贴息贷款", "创业担保贷款", "小微企业"],
        "valid_until": "2027-12-31",
    },
    {
        "title": "高新技术企业认定申报",
        "question": "高企认定需要满足哪些条件?什么时候申报?",
        "answer": (
            "主要条件:注册成立一年以上;拥有核心知识产权;科技人员占职工总数不低于 10%;"
            "近三个会计年度研发费用占销售收入比例达到规定(小于 5000 万元的不低于 5%);"
            "高新技术产品收入占比不低于 60%。\n每年 5–9 月在高新技术企业认定管理工作网"
            "分批申报,县科技局提供辅导;通过认定的企业所得税减按 15% 征收,我县另有奖励。"
        ),
        "category": "technology",
        "keywords": ["高企认定", "高新技术企业", "研发费用", "所得税优惠"],
    },
    {
        "title": "出口退税办理时限",
        "question": "出口退税申报以后多久能到账?",
        "answer": (
            "一类、二类出口企业申报的出口退(免)税,税务机关在 3 个工作日内办结;三类、"
            "四类企业分别在 10 个、20 个工作日内办结。申报通过电子税务局“出口退税”模块"
            "办理,单证齐全的可使用“非接触式”退税。\n退库后一般 1–3 个工作日到企业账户,"
            "进度可在电子税务局查询,或咨询县税务局第二税务分局。"
        ),
        "category": "policy",
        "keywords": ["出口退税", "退税到账", "电子税务局"],
    },
    {
        "title": "残疾人就业保障金(残保金)减免",
        "question": "残保金可以减免吗?小企业要不要交?",
        "answer": (
            "在职职工总数 30 人(含)以下的企业暂免征收残保金;安排残疾人就业比例达到 1% "
            "(含)以上但未达到 1.5% 的,按规定应缴额的 50% 征收;比例在 1% 以下的,按"
            "应缴额的 90% 征收。\n残保金由税务部门在每年申报期征收,按比例安排残疾人"
            "就业的须先到县残联做年审确认。"
        ),
        "category": "policy",
        "keywords": ["残保金", "残疾人就业保障金", "减免"],
        "valid_until": "2027-12-31",
    },
    {
        "title": "人才公寓申请条件",
        "question": "企业引进的人才能申请人才公寓吗?要什么条件?",
        "answer": (
            "在我县企业工作、签订 2 年以上劳动合同并缴纳社保的全日制本科及以上学历人员、"
            "中级以上职称或高级工以上技能人才,本人及配偶在县内无自有住房的,可申请人才"
            "公寓,租期一般不超过 3 年,租金按市场价的 50% 收取。\n由用人单位统一向县"
            "委人才办(县人才服务中心)提交申请,每季度集中配租。"
        ),
        "category": "talent",
        "keywords": ["人才公寓", "人才安居", "租房补贴"],
    },
    {
        "title": "水电气报装“一件事”联办",
        "question": "新厂房要接水、接电、接天然气,要分别去三个单位吗?",
        "answer": (
            "不用。在县政务服务中心水电气报装联合窗口或江苏政务服务网一次提交,供水、供电、"
            "燃气同步受理、同步踏勘。低压小微企业用电报装“三零”服务(零上门、零审批、零"
            "投资),外线工程涉及的道路挖掘、占用绿地审批由窗口代办,并联办理不超过 5 个"
            "工作日。"
        ),
        "category": "approval",
        "keywords": ["水电气", "报装", "用电报装", "联办"],
    },
    {
        "title": "工业企业技术改造设备投入补助",
        "question": "买了新设备做技改,能拿到补助吗?",
        "answer": (
            "规上工业企业年度技术改造设备投入 500 万元以上的,按设备投入的 10% 给予补助,"
            "单个企业最高 200 万元。申报期内在兴企通“政策”页点击“我要申报”,上传可研"
            "报告、设备发票和营业执照;审核由县工业和信息化局负责。"
        ),
        "category": "policy",
        "keywords": ["技改", "技术改造", "设备补助"],
        "policy_id": "P-DEMO-TECH",
        "valid_until": "2027-12-31",
    },
]


def seed_knowledge() -> int:
    """Publish the demo articles (through the use case the API uses); returns how many."""
    from chalicelib.domain.codes import Role
    from chalicelib.domain.models import User
    from chalicelib.errors import ReferenceMissing
    from chalicelib.services import knowledge

    centre = User(
        username="seed",
        display_name="演示数据",
        role=Role.ADMIN,
        issuer="seed",
        subject="seed",
        active=True,
        version=1,
        created_at="2026-01-01T00:00:00+08:00",
        updated_at="2026-01-01T00:00:00+08:00",
    )
    for spec in ARTICLES:
        fields = {"keywords": [], **spec, "status": "published"}
        try:
            knowledge.create(centre, fields)
        except ReferenceMissing:  # a folder without the demo policies: the article without
            knowledge.create(centre, {**fields, "policy_id": None})
    return len(ARTICLES)


def seed_knowledge_if_empty() -> int:
    """For a data folder seeded before the knowledge base existed: the demo articles, once."""
    from chalicelib.store import knowledge as store

    if store.change_token() is not None:
        return 0
    return seed_knowledge()
