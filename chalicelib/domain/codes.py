"""The code lists of the contract (API.md "Codes"), with their Chinese names."""

from __future__ import annotations

from enum import StrEnum


class SizeClass(StrEnum):
    """Enterprise size class; each has its class of service commissioners (R3.1)."""

    ABOVE_100M = "above_100m"  # 亿元以上
    DESIGNATED = "designated"  # 规上 (规模以上)
    SMALL_MICRO = "small_micro"  # 小微


class Industry(StrEnum):
    """Industry; agriculture, industry and construction have their task teams (专班)."""

    AGRICULTURE = "agriculture"
    INDUSTRY = "industry"
    CONSTRUCTION_REAL_ESTATE = "construction_real_estate"
    SERVICES = "services"
    OTHER = "other"


class Role(StrEnum):
    """Who a user is on the platform (MISSION.md "Who uses it")."""

    ENTERPRISE = "enterprise"
    OPERATOR = "operator"
    COMMISSIONER = "commissioner"
    DEPARTMENT = "department"
    ADMIN = "admin"
    SUPERVISOR = "supervisor"


class CommissionerKind(StrEnum):
    """The three classes of commissioners by size, and the industry task teams (专班)."""

    SIZE_CLASS = "size_class"  # 服务专员
    INDUSTRY_TEAM = "industry_team"  # 行业专班


class UnitKind(StrEnum):
    """What a handling unit is: a county department, or a town or sub-district (区镇)."""

    DEPARTMENT = "department"  # 职能部门
    TOWN = "town"  # 区镇


class Category(StrEnum):
    """What an appeal (诉求) is about."""

    POLICY = "policy"  # 政策咨询
    LABOR = "labor"  # 用工
    LAND = "land"  # 用地
    FINANCING = "financing"  # 融资
    TALENT = "talent"  # 人才
    TECHNOLOGY = "technology"  # 技术工艺
    PROJECT = "project"  # 项目推进与要素保障
    APPROVAL = "approval"  # 审批服务
    OTHER = "other"  # 其他


class Channel(StrEnum):
    """Where an appeal came in (R2.1): the web page or one of the two hotlines."""

    WEB = "web"
    HOTLINE_12345 = "hotline_12345"  # 12345 市场主体诉求服务专线
    HOTLINE_CENTER = "hotline_center"  # 县民营企业服务中心企业服务热线


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # 急事急办


class Status(StrEnum):
    """接 received → 转/办 processing → 交 replied → 结 closed (R2.3)."""

    RECEIVED = "received"
    PROCESSING = "processing"
    REPLIED = "replied"
    CLOSED = "closed"


class ClosedAs(StrEnum):
    """How a closed appeal ended."""

    RESOLVED = "resolved"  # a verdict (confirm or call-back) said resolved
    AUTO_CLOSED = "auto_closed"  # nobody rated the reply in time
    ANSWERED_ON_CALL = "answered_on_call"  # 直接答复: answered during the call
    WITHDRAWN = "withdrawn"  # the enterprise withdrew it
    MERGED = "merged"  # a duplicate, merged into the appeal about the same problem
    VOID = "void"  # 无效工单: a prank, a test, a wrong number


#: Closed this way, an appeal counts in no rate (its problem is counted elsewhere, or none;
#: a withdrawn one was not handled to an end, so it says nothing of how well it was handled).
UNCOUNTED = frozenset({ClosedAs.MERGED, ClosedAs.VOID, ClosedAs.WITHDRAWN})


class PartStatus(StrEnum):
    """A department's part of a jointly handled appeal (繁事联办)."""

    OPEN = "open"
    REPLIED = "replied"
    RETURNED = "returned"  # 退单
    CLOSED = "closed"  # still open when the enterprise withdrew the appeal: nothing left to do


LABELS_ZH: dict[str, str] = {
    SizeClass.ABOVE_100M: "亿元以上",
    SizeClass.DESIGNATED: "规上",
    SizeClass.SMALL_MICRO: "小微",
    Industry.AGRICULTURE: "农业",
    Industry.INDUSTRY: "工业",
    Industry.CONSTRUCTION_REAL_ESTATE: "建筑房地产",
    Industry.SERVICES: "服务业",
    Industry.OTHER: "其他",
    Role.ENTERPRISE: "企业用户",
    Role.OPERATOR: "热线坐席",
    Role.COMMISSIONER: "服务专员",
    Role.DEPARTMENT: "职能部门",
    Role.ADMIN: "县民营企业服务中心",
    Role.SUPERVISOR: "作风效能办/营商办",
    CommissionerKind.SIZE_CLASS: "服务专员",
    CommissionerKind.INDUSTRY_TEAM: "行业专班",
    Category.POLICY: "政策咨询",
    Category.LABOR: "用工",
    Category.LAND: "用地",
    Category.FINANCING: "融资",
    Category.TALENT: "人才",
    Category.TECHNOLOGY: "技术工艺",
    Category.PROJECT: "项目推进与要素保障",
    Category.APPROVAL: "审批服务",
    Category.OTHER: "其他",
    Channel.WEB: "网上平台",
    Channel.HOTLINE_12345: "12345 热线",
    Channel.HOTLINE_CENTER: "企业服务热线",
    Urgency.NORMAL: "一般",
    Urgency.URGENT: "紧急",
    Status.RECEIVED: "已接收",
    Status.PROCESSING: "办理中",
    Status.REPLIED: "已答复",
    Status.CLOSED: "已办结",
    ClosedAs.RESOLVED: "已解决",
    ClosedAs.AUTO_CLOSED: "逾期未评价自动办结",
    ClosedAs.ANSWERED_ON_CALL: "来电直接答复",
    ClosedAs.WITHDRAWN: "企业撤回",
    ClosedAs.MERGED: "重复诉求已合并",
    ClosedAs.VOID: "无效工单",
}

#: Roles that read across enterprises (staff), as opposed to an enterprise's own users.
STAFF_ROLES = frozenset(
    {Role.OPERATOR, Role.COMMISSIONER, Role.DEPARTMENT, Role.ADMIN, Role.SUPERVISOR}
)
