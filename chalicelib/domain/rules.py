"""The rules every deadline depends on (R4.1, R3.3): the working-day calendar and the
service levels, as one immutable value.

The store reads what administrators saved (the years of holiday notices they loaded, the
service levels) once per invocation, with a short cache in a warm Lambda, and every entry
point — each route, each scheduled function, each queue consumer — hands the same value to
the domain as an argument. Nothing is installed as a process-wide global, so a function
that never loaded the settings cannot silently count with the library's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from chalicelib.domain.calendar import WorkCalendar
from chalicelib.domain.codes import Urgency


class ServiceLevels(BaseModel):
    """Service levels (R4.1, R3.3): working days to reply by urgency, and how many working
    days before the deadline the warning falls (1: at the start of the last working day).
    Administrators change them; every deadline goes through ``appeals.reply_deadline``."""

    normal_working_days: int = Field(5, ge=1, le=30, description="一般诉求答复时限")
    urgent_working_days: int = Field(1, ge=1, le=30, description="紧急诉求答复时限（急事急办）")
    warning_working_days: int = Field(1, ge=1, le=10, description="期限前第几个工作日开始预警")
    accept_working_days: int = Field(
        1, ge=1, le=10, description="签收时限：指派（转办）后第几个工作日 23:59:59 前签收"
    )
    auto_close_working_days: int = Field(
        5, ge=1, le=30, description="答复后无人评价、无人回访，满几个工作日自动办结"
    )

    def days(self, urgency: Urgency) -> int:
        return self.urgent_working_days if urgency == Urgency.URGENT else self.normal_working_days


@dataclass(frozen=True)
class Rules:
    """The calendar in force (official years, years the centre loaded, the fallback) and the
    service levels. ``Rules()`` is the library calendar with the default levels: what a
    county gets before its administrators change anything."""

    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    levels: ServiceLevels = field(default_factory=ServiceLevels)
