"""Demo data for the local stack (first start only): 32 enterprises of 如东县 across every
size class and industry, the commissioners and task teams covering them, 8 departments and
the county's 14 towns (区镇) as handling units, each with its responsibility list, and the
demo users of API.md ("Local stage only")."""

from __future__ import annotations

import hashlib
from typing import Any

from chalicelib.domain.enterprise import with_check_character
from chalicelib.errors import AlreadyExists
from chalicelib.store import enterprises, users
from chalicelib.store.commissioners import commissioners
from chalicelib.store.departments import departments

RUDONG = "320623"  # administrative division code of 如东县
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(seed: str) -> str:
    """A well-formed, checksum-valid credit code of a 如东县 enterprise, stable per seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    org = "MA" + "".join(_ORG_ALPHABET[b % len(_ORG_ALPHABET)] for b in digest[:7])
    return with_check_character("91" + RUDONG + org)


COMMISSIONERS: list[dict[str, Any]] = [
    {
        "id": "c-above-100m",
        "name": "徐建国(亿元以上企业服务专员)",
        "kind": "size_class",
        "coverage": {"size_classes": ["above_100m"], "industries": []},
        "phone": "13901110001",
        "email": "c-above-100m@rudong.example.gov.cn",
    },
    {
        "id": "c-designated",
        "name": "顾晓燕(规上企业服务专员)",
        "kind": "size_class",
        "coverage": {"size_classes": ["designated"], "industries": []},
        "phone": "13901110002",
        "email": "c-designated@rudong.example.gov.cn",
    },
    {
        "id": "c-small-micro",
        "name": "陆海峰(小微企业服务专员)",
        "kind": "size_class",
        "coverage": {"size_classes": ["small_micro"], "industries": []},
        "phone": "13901110003",
        "email": "c-small-micro@rudong.example.gov.cn",
    },
    {
        "id": "t-agriculture",
        "name": "农业专班",
        "kind": "industry_team",
        "coverage": {"size_classes": [], "industries": ["agriculture"]},
        "phone": "13901110004",
        "email": "t-agriculture@rudong.example.gov.cn",
    },
    {
        "id": "t-industry",
        "name": "工业专班",
        "kind": "industry_team",
        "coverage": {"size_classes": [], "industries": ["industry"]},
        "phone": "13901110005",
        "email": "t-industry@rudong.example.gov.cn",
    },
    {
        "id": "t-construction",
        "name": "建筑房地产专班",
        "kind": "industry_team",
        "coverage": {"size_classes": [], "industries": ["construction_real_estate"]},
        "phone": "13901110006",
        "email": "t-construction@rudong.example.gov.cn",
    },
]

DEPARTMENTS: list[dict[str, Any]] = [
    {
        "id": "development-reform",
        "name": "县发展和改革委员会",
        "phone": "051384100101",
        "email": "development-reform@rudong.example.gov.cn",
    },
    {
        "id": "industry-it",
        "name": "县工业和信息化局",
        "phone": "051384100102",
        "email": "industry-it@rudong.example.gov.cn",
    },
    {
        "id": "natural-resources",
        "name": "县自然资源和规划局",
        "phone": "051384100103",
        "email": "natural-resources@rudong.example.gov.cn",
    },
    {
        "id": "housing",
        "name": "县住房和城乡建设局",
        "phone": "051384100104",
        "email": "housing@rudong.example.gov.cn",
    },
    {
        "id": "hr-social",
        "name": "县人力资源和社会保障局",
        "phone": "051384100105",
        "email": "hr-social@rudong.example.gov.cn",
    },
    {
        "id": "market",
        "name": "县市场监督管理局",
        "phone": "051384100106",
        "email": "market@rudong.example.gov.cn",
    },
    {
        "id": "approval",
        "name": "县行政审批局",
        "phone": "051384100107",
        "email": "approval@rudong.example.gov.cn",
    },
    {
        "id": "tax",
        "name": "国家税务总局如东县税务局",
        "phone": "051384100108",
        "email": "tax@rudong.example.gov.cn",
    },
]

TOWNS = [
    "掘港街道",
    "城中街道",
    "长沙镇",
    "大豫镇",
    "洋口镇",
    "栟茶镇",
    "丰利镇",
    "曹埠镇",
    "岔河镇",
    "双甸镇",
    "新店镇",
    "河口镇",
    "袁庄镇",
    "马塘镇",
]

#: Each town's unit id (the department id pattern): the pinyin of its name.
TOWN_IDS = {
    "掘港街道": "town-juegang",
    "城中街道": "town-chengzhong",
    "长沙镇": "town-changsha",
    "大豫镇": "town-dayu",
    "洋口镇": "town-yangkou",
    "栟茶镇": "town-bencha",
    "丰利镇": "town-fengli",
    "曹埠镇": "town-caobu",
    "岔河镇": "town-chahe",
    "双甸镇": "town-shuangdian",
    "新店镇": "town-xindian",
    "河口镇": "town-hekou",
    "袁庄镇": "town-yuanzhuang",
    "马塘镇": "town-matang",
}

#: What every town answers for (责任清单): the land, sites and local disputes on its ground.
TOWN_RESPONSIBILITIES: list[dict[str, str]] = [
    {"category": "land", "matters": "辖区内项目用地的征收补偿、场地平整与交地，邻里及用地纠纷调处"},
    {
        "category": "project",
        "matters": "辖区内项目推进：道路、水电气接入等配套，施工环境保障，拆迁安置",
    },
    {"category": "labor", "matters": "辖区内用工招聘对接、劳动纠纷的属地调解"},
]

TOWN_UNITS: list[dict[str, Any]] = [
    {
        "id": TOWN_IDS[name],
        "name": name,
        "kind": "town",
        "phone": f"05138410{201 + i:04d}",
        "email": f"{TOWN_IDS[name]}@rudong.example.gov.cn",
        "responsibilities": TOWN_RESPONSIBILITIES,
    }
    for i, name in enumerate(TOWNS)
]

#: The departments' responsibility lists (责任清单), by department id.
RESPONSIBILITIES: dict[str, list[dict[str, str]]] = {
    "development-reform": [
        {"category": "project", "matters": "重大项目立项、核准备案，项目推进协调与要素保障"},
        {"category": "policy", "matters": "产业政策、价格与能源政策咨询"},
    ],
    "industry-it": [
        {"category": "technology", "matters": "技术改造、智能化改造、专精特新培育"},
        {"category": "policy", "matters": "工业经济扶持政策的解读与兑现"},
        {"category": "project", "matters": "工业项目用电、用能协调"},
    ],
    "natural-resources": [
        {
            "category": "land",
            "matters": "建设用地报批、土地供应与出让、不动产登记、用地指标与耕地占补平衡",
        },
        {"category": "project", "matters": "规划条件核定、建设工程规划许可与规划核实"},
    ],
    "housing": [
        {"category": "project", "matters": "施工许可、工程质量安全监督、竣工验收备案"},
        {"category": "approval", "matters": "建筑业企业资质、房地产开发资质审批"},
    ],
    "hr-social": [
        {"category": "labor", "matters": "招工用工服务、劳动关系协调、社会保险"},
        {"category": "talent", "matters": "人才引进与认定、职称评审、技能培训补贴"},
    ],
    "market": [
        {"category": "approval", "matters": "市场主体登记、食品药品及特种设备许可"},
        {"category": "technology", "matters": "知识产权、质量标准与计量检测"},
    ],
    "approval": [
        {"category": "approval", "matters": "政务服务事项审批、一窗受理、帮办代办"},
        {"category": "project", "matters": "工程建设项目审批全流程代办"},
    ],
    "tax": [
        {"category": "policy", "matters": "税收优惠政策咨询与落实、纳税服务"},
        {"category": "financing", "matters": "银税互动信用贷款的纳税信用支持"},
    ],
}

# (name, size_class, industry, flags, named commissioner)
_ENTERPRISES: list[tuple[str, str, str, dict[str, bool], str | None]] = [
    ("如东恒润机械制造有限公司", "designated", "industry", {"key_tech": True}, None),
    (
        "江苏星海新能源科技有限公司",
        "above_100m",
        "industry",
        {"key_tech": True, "major_project": True},
        "c-above-100m",
    ),
    (
        "如东洋口港石化仓储有限公司",
        "above_100m",
        "industry",
        {"major_project": True},
        "c-above-100m",
    ),
    ("南通东泰风电设备有限公司", "above_100m", "industry", {"key_tech": True}, None),
    (
        "如东金海湾置业有限公司",
        "above_100m",
        "construction_real_estate",
        {"major_project": True},
        None,
    ),
    ("江苏如东建工集团有限公司", "above_100m", "construction_real_estate", {}, None),
    ("如东大豫现代农业发展有限公司", "above_100m", "agriculture", {}, None),
    ("南通海融供应链管理有限公司", "above_100m", "services", {}, None),
    ("如东县城投实业有限公司", "above_100m", "other", {"major_project": True}, None),
    ("如东华源纺织有限公司", "designated", "industry", {}, None),
    ("南通锐邦精密电子有限公司", "designated", "industry", {"key_tech": True}, None),
    ("如东长沙湾水产养殖有限公司", "designated", "agriculture", {}, None),
    ("如东绿源生态农场有限公司", "designated", "agriculture", {}, None),
    ("如东宏达建筑安装工程有限公司", "designated", "construction_real_estate", {}, None),
    ("如东锦城房地产开发有限公司", "designated", "construction_real_estate", {}, None),
    ("如东掘港大酒店有限公司", "designated", "services", {}, None),
    ("南通通达物流有限公司", "designated", "services", {}, None),
    ("如东县自来水有限公司", "designated", "other", {}, None),
    ("如东鑫盛五金加工厂", "small_micro", "industry", {}, None),
    ("如东巧手服饰有限公司", "small_micro", "industry", {}, None),
    ("南通捷创智能科技有限公司", "small_micro", "industry", {"key_tech": True}, None),
    ("如东丰利紫菜专业合作社", "small_micro", "agriculture", {}, None),
    ("如东双甸果蔬种植家庭农场", "small_micro", "agriculture", {}, None),
    ("如东栟茶建材装饰有限公司", "small_micro", "construction_real_estate", {}, None),
    ("如东新店装修工程有限公司", "small_micro", "construction_real_estate", {}, None),
    ("如东小洋口文旅发展有限公司", "small_micro", "services", {}, None),
    ("如东马塘餐饮管理有限公司", "small_micro", "services", {}, None),
    ("如东岔河电子商务有限公司", "small_micro", "services", {}, None),
    ("如东曹埠再生资源回收有限公司", "small_micro", "other", {}, None),
    ("如东河口教育咨询有限公司", "small_micro", "other", {}, None),
    ("如东袁庄家庭农场", "small_micro", "agriculture", {}, None),
    ("如东城中印务有限公司", "designated", "industry", {}, "c-designated"),
]


#: The names callers use (简称): the operator finds 如东恒润机械制造有限公司 by 「恒润机械」.
SHORT_NAMES: dict[str, list[str]] = {
    "如东恒润机械制造有限公司": ["恒润机械", "恒润"],
    "江苏星海新能源科技有限公司": ["星海新能源"],
    "如东洋口港石化仓储有限公司": ["洋口港石化"],
    "南通锐邦精密电子有限公司": ["锐邦电子"],
    "如东县自来水有限公司": ["自来水公司"],
}


def enterprise_records() -> list[dict[str, Any]]:
    """The demo enterprises as create payloads."""
    out = []
    for i, (name, size, industry, flags, named) in enumerate(_ENTERPRISES):
        out.append(
            {
                "uscc": credit_code(name),
                "name": name,
                "short_names": SHORT_NAMES.get(name, []),
                "size_class": size,
                "industry": industry,
                "town": TOWNS[i % len(TOWNS)],
                "flags": {
                    "key_tech": flags.get("key_tech", False),
                    "major_project": flags.get("major_project", False),
                },
                "contacts": [
                    {"name": "联系人" + "甲乙丙丁戊己庚辛"[i % 8], "phone": f"1381234{i:04d}"}
                ],
                "commissioner_id": named,
            }
        )
    return out


#: The demo name of each town's user.
_TOWN_STAFF = ["孙立", "钱芳", "吴涛", "郑洁", "冯波", "陈燕", "褚亮"]
_TOWN_STAFF += ["卫红", "蒋军", "沈梅", "韩冰", "杨帆", "朱琳", "秦刚"]


def user_records(issuer: str) -> list[dict[str, Any]]:
    """The demo users: at least one per role, two enterprises, two departments and a
    call-centre service account."""
    ents = enterprise_records()
    people: list[dict[str, Any]] = [
        {"username": "admin", "display_name": "陈静(县民营企业服务中心)", "role": "admin"},
        {"username": "supervisor", "display_name": "周明(县作风效能办)", "role": "supervisor"},
        {"username": "operator-12345", "display_name": "刘敏(12345 热线坐席)", "role": "operator"},
        {
            "username": "operator-center",
            "display_name": "赵婷(服务中心热线坐席)",
            "role": "operator",
        },
        {
            "username": "callcenter-12345",
            "display_name": "12345 呼叫中心系统",
            "role": "operator",
            "service_account": True,
        },
        {
            "username": "comm-above-100m",
            "display_name": "徐建国",
            "role": "commissioner",
            "commissioner_id": "c-above-100m",
        },
        {
            "username": "comm-designated",
            "display_name": "顾晓燕",
            "role": "commissioner",
            "commissioner_id": "c-designated",
        },
        {
            "username": "comm-small-micro",
            "display_name": "陆海峰",
            "role": "commissioner",
            "commissioner_id": "c-small-micro",
        },
        {
            "username": "team-agriculture",
            "display_name": "农业专班·王海",
            "role": "commissioner",
            "commissioner_id": "t-agriculture",
        },
        {
            "username": "team-industry",
            "display_name": "工业专班·孙磊",
            "role": "commissioner",
            "commissioner_id": "t-industry",
        },
        {
            "username": "team-construction",
            "display_name": "建筑房地产专班·吴芳",
            "role": "commissioner",
            "commissioner_id": "t-construction",
        },
        {
            "username": "dept-natural-resources",
            "display_name": "张磊(县自然资源和规划局)",
            "role": "department",
            "department_id": "natural-resources",
        },
        {
            "username": "dept-hr-social",
            "display_name": "李娟(县人社局)",
            "role": "department",
            "department_id": "hr-social",
        },
        {
            "username": "dept-tax",
            "display_name": "钱峰(县税务局)",
            "role": "department",
            "department_id": "tax",
        },
        {
            "username": "ent-hengrun",
            "display_name": "张伟(如东恒润机械)",
            "role": "enterprise",
            "enterprise_uscc": ents[0]["uscc"],
        },
        {
            "username": "ent-xinghai",
            "display_name": "王芳(江苏星海新能源)",
            "role": "enterprise",
            "enterprise_uscc": ents[1]["uscc"],
        },
        {
            "username": "ent-xiaoyang",
            "display_name": "陈晨(小洋口文旅)",
            "role": "enterprise",
            "enterprise_uscc": ents[25]["uscc"],
        },
    ]
    for i, town in enumerate(TOWN_UNITS):  # a user of each town (区镇)
        people.append(
            {
                "username": town["id"],
                "display_name": f"{_TOWN_STAFF[i]}({town['name']})",
                "role": "department",
                "department_id": town["id"],
            }
        )
    for p in people:
        p.setdefault("service_account", False)
        p.update({"issuer": issuer, "subject": p["username"], "active": True})
    return people


def _units() -> list[dict[str, Any]]:
    """The county departments with their responsibility lists, then the towns."""
    return [
        {**d, "responsibilities": RESPONSIBILITIES.get(d["id"], [])} for d in DEPARTMENTS
    ] + TOWN_UNITS


def seed(issuer: str) -> dict[str, int]:
    """Write the demo data; records that exist already are left as they are."""
    counts = {"commissioners": 0, "departments": 0, "enterprises": 0, "users": 0}
    steps: list[tuple[str, Any, list[dict[str, Any]]]] = [
        ("commissioners", commissioners.create, COMMISSIONERS),
        ("departments", departments.create, _units()),
        ("enterprises", enterprises.create, enterprise_records()),
        ("users", users.create, user_records(issuer)),
    ]
    for name, create, rows in steps:
        for row in rows:
            try:
                create(dict(row), None)
                counts[name] += 1
            except AlreadyExists:
                pass
    return counts


_SEEDED_MARKER = {"pk": "META#seed", "sk": "META"}


def seed_once(issuer: str) -> bool:
    """Seed on the first start of a data folder only; True if it seeded now."""
    from chalicelib.store import db

    if db.get(_SEEDED_MARKER) is not None:
        return False
    seed(issuer)
    db.client().put_item(TableName=db.table(), Item=db.to_item({**_SEEDED_MARKER, "at": "seed"}))
    return True
