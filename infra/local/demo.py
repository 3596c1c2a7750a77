"""Demo content for ``make run``: a few published policies (one taking applications now,
reviewed by the service centre; one by 县人社局), their interpretations, the banks'
financial products and the knowledge base's articles (``demo_knowledge.py``), so a fresh
local stack shows every service of the platform. Written once, at a data folder's first
start, through the same stores the API uses; the tests' stacks start without it
(``XQT_DEMO_CONTENT``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.domain.codes import LABELS_ZH, Role
from chalicelib.domain.models import Actor
from chalicelib.domain.policies import Conditions, Interpretation, Policy, summary
from chalicelib.domain.windows import Material, Window, reviewer_name
from chalicelib.store.departments import departments

SEEDER = Actor(username="seed", role=Role.ADMIN, display_name="演示数据")

POLICIES: list[dict[str, Any]] = [
    {
        "id": "P-DEMO-TECH",
        "title": "如东县支持工业企业技术改造的若干政策",
        "issuer": "县工业和信息化局",
        "doc_number": "东政发〔2026〕12号",
        "summary": (
            "对年度技改设备投入 500 万元以上的规上工业企业,"
            "按设备投入的 10% 给予补助,最高 200 万元。"
        ),
        "body": (
            "第一条 为推动工业企业转型升级、提质增效,制定本政策。\n"
            "第二条 对年度技术改造设备投入 500 万元以上的规模以上工业企业,按设备投入的 10% "
            "给予补助,单个企业最高 200 万元。\n"
            "第三条 申报企业须无重大安全生产、环保事故,且纳税信用等级为 B 级以上。\n"
            "第四条 本政策自 2026 年 1 月 1 日起施行,有效期至 2027 年 12 月 31 日。"
        ),
        "effective_from": date(2026, 1, 1),
        "expires_on": date(2027, 12, 31),
        "conditions": Conditions.model_validate(
            {"industries": ["industry"], "size_classes": ["above_100m", "designated"]}
        ),
        "interpretation": (
            "一图读懂技改补助",
            "哪些企业能申报?规上工业企业。补多少?设备投入的 10%,最高 200 万元。"
            "怎么申报?在「政策」页点击「我要申报」,上传可研报告、设备发票和营业执照。",
        ),
        "window": {
            "days": 30,
            "reviewer": None,
            "materials": [
                ("feasibility", "项目可行性研究报告", True),
                ("invoices", "设备购置发票", True),
                ("license", "营业执照复印件", True),
                ("other", "其他证明材料", False),
            ],
        },
    },
    {
        "id": "P-DEMO-RD",
        "title": "关于鼓励科技型企业加大研发投入的奖补办法",
        "issuer": "县科学技术局",
        "doc_number": "东科发〔2026〕5号",
        "summary": "重点科技型企业研发费用年增长 20% 以上的,按增量的 5% 给予奖励。",
        "body": (
            "第一条 对认定的重点科技型企业,研发费用较上年增长 20% 以上的,"
            "按增量部分的 5% 给予奖励,最高 100 万元。"
        ),
        "effective_from": date(2026, 3, 1),
        "expires_on": None,
        "conditions": Conditions.model_validate({"key_tech": True}),
        "interpretation": None,
        "window": None,
    },
    {
        "id": "P-DEMO-JOBS",
        "title": "小微企业稳岗返还和一次性扩岗补助实施细则",
        "issuer": "县人力资源和社会保障局",
        "doc_number": "东人社发〔2026〕9号",
        "summary": (
            "小微企业上年度未裁员或裁员率不高于 5.5% 的,返还上年度实际缴纳失业保险费的 60%。"
        ),
        "body": (
            "第一条 参保小微企业上年度未裁员或裁员率不高于 5.5% 的,"
            "按其上年度实际缴纳失业保险费的 60% 返还。"
        ),
        "effective_from": date(2026, 1, 1),
        "expires_on": date(2026, 12, 31),
        "conditions": Conditions.model_validate({"size_classes": ["small_micro"]}),
        "interpretation": None,
        "window": {
            "days": 20,
            "reviewer": "hr-social",
            "materials": [
                ("roster", "参保职工花名册", True),
                ("statement", "失业保险缴费证明", True),
            ],
        },
    },
]

PRODUCTS: list[dict[str, Any]] = [
    {
        "id": "fp-demo-kjd",
        "bank": "如东农村商业银行",
        "name": "科技贷",
        "rate_min": 3.45,
        "rate_max": 4.2,
        "term_min": 6,
        "term_max": 36,
        "amount_min": 50,
        "amount_max": 1000,
        "conditions": {"key_tech": True},
        "description": "面向重点科技型企业的信用贷款,无需抵押,知识产权可质押增信。",
    },
    {
        "id": "fp-demo-swd",
        "bank": "中国工商银行如东支行",
        "name": "经营快贷",
        "rate_min": 3.1,
        "rate_max": 3.9,
        "term_min": 1,
        "term_max": 12,
        "amount_min": 10,
        "amount_max": 300,
        "conditions": {"size_classes": ["small_micro"]},
        "description": "小微企业线上申请、随借随还的流动资金贷款。",
    },
    {
        "id": "fp-demo-jgd",
        "bank": "江苏银行如东支行",
        "name": "技改贷",
        "rate_min": 3.3,
        "rate_max": 4.5,
        "term_min": 12,
        "term_max": 60,
        "amount_min": 200,
        "amount_max": 5000,
        "conditions": {"industries": ["industry"], "size_classes": ["above_100m", "designated"]},
        "description": "用于设备购置和技术改造的中长期贷款,可与技改补助政策叠加。",
    },
    {
        "id": "fp-demo-nyd",
        "bank": "如东农村商业银行",
        "name": "富农贷",
        "rate_min": 3.6,
        "rate_max": 4.8,
        "term_min": 6,
        "term_max": 24,
        "amount_min": 5,
        "amount_max": 200,
        "conditions": {"industries": ["agriculture"]},
        "description": "面向农业生产经营主体的贴息贷款。",
    },
]


def _policy(spec: dict[str, Any]) -> Policy:
    now = clock.now()
    at = clock.iso(now)
    window = None
    if spec["window"]:
        w = spec["window"]
        window = Window(
            opens_at=clock.iso(now - timedelta(days=1)),
            closes_at=clock.iso(now + timedelta(days=w["days"])),
            materials=[Material(id=i, name=n, required=r) for i, n, r in w["materials"]],
            reviewer_department_id=w["reviewer"],
            reviewer_name=reviewer_name(
                str(departments.get(w["reviewer"])["name"]) if w["reviewer"] else None
            ),
            instructions="请如实填写并上传材料,原件在审核时备查。",
        )
    interpretations = []
    if spec["interpretation"]:
        title, body = spec["interpretation"]
        interpretations.append(
            Interpretation(
                id=f"I-{spec['id'][-4:].lower()}",
                title=title,
                body=body,
                author=LABELS_ZH[Role.ADMIN],
                published_at=at,
                published_by=SEEDER,
            )
        )
    return Policy(
        id=spec["id"],
        title=spec["title"],
        issuer=spec["issuer"],
        doc_number=spec["doc_number"],
        summary=spec["summary"],
        body=spec["body"],
        effective_from=spec["effective_from"],
        expires_on=spec["expires_on"],
        conditions=spec["conditions"],
        conditions_text=summary(spec["conditions"]),
        status="draft",
        interpretations=interpretations,
        application=window,
        version=1,
        created_at=at,
        updated_at=at,
    )


def seed_demo() -> dict[str, int]:
    """Write the demo policies (published, in the catalogue; no push: "policies for you"
    is computed when asked), products and knowledge base articles (some cite the policies)."""
    from chalicelib.store import financing
    from chalicelib.store import policies as policy_store
    from infra.local.demo_knowledge import seed_knowledge

    for spec in POLICIES:
        draft = policy_store.create(_policy(spec), SEEDER)
        at = clock.iso(clock.now())
        published = draft.model_copy(
            update={"status": "published", "published_at": at, "updated_at": at}
        )
        policy_store.replace(draft, published, SEEDER)
    for product in PRODUCTS:
        conditions = Conditions.model_validate(product["conditions"])
        financing.products.create(
            {
                **product,
                "conditions": conditions.model_dump(mode="json"),
                "conditions_text": summary(conditions),
                "active": True,
            },
            SEEDER,
        )
    articles = seed_knowledge()
    return {"policies": len(POLICIES), "products": len(PRODUCTS), "articles": articles}
