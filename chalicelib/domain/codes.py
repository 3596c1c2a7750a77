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
}

#: Roles that read across enterprises (staff), as opposed to an enterprise's own users.
STAFF_ROLES = frozenset(
    {Role.OPERATOR, Role.COMMISSIONER, Role.DEPARTMENT, Role.ADMIN, Role.SUPERVISOR}
)
