"""The enterprise's use cases for staff: its history (企业画像) in one answer."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import enterprise_history
from chalicelib.domain.enterprise_history import CommissionerSummary, EnterpriseHistory
from chalicelib.domain.models import Enterprise
from chalicelib.domain.routing import Profile, RouteReason, route
from chalicelib.errors import NotFound
from chalicelib.store import appeals as appeal_store
from chalicelib.store import applications, directory
from chalicelib.store import enterprises as enterprise_store
from chalicelib.store.commissioners import commissioners


def history(uscc: str, now: datetime) -> EnterpriseHistory:
    """The enterprise, the commissioner serving it (named, or the one routing would give a
    new appeal now), its newest appeals, applications and financing needs: a GetItem, a
    Query per list, the directory (cached) and the commissioner's GetItem."""
    enterprise = Enterprise.model_validate(enterprise_store.get(uscc))
    appeals = appeal_store.of_enterprise(uscc, enterprise_history.APPEALS_READ)
    applied, _ = applications.page_of_enterprise(uscc, enterprise_history.APPLICATIONS_READ, None)
    return enterprise_history.history(enterprise, _commissioner(enterprise), appeals, applied, now)


def _commissioner(enterprise: Enterprise) -> CommissionerSummary | None:
    profile = Profile(
        size_class=enterprise.size_class,
        industry=enterprise.industry,
        commissioner_id=enterprise.commissioner_id,
    )
    ids = (enterprise.commissioner_id,) if enterprise.commissioner_id else ()
    chosen = route(profile, directory.read(ids).commissioners.values())
    if chosen.commissioner is None:
        return None
    try:
        record = commissioners.get(chosen.commissioner.id)
    except NotFound:  # removed since the directory was read: say who, without a phone
        record = {}
    return CommissionerSummary(
        id=chosen.commissioner.id,
        name=chosen.commissioner.name,
        kind=chosen.commissioner.kind,
        phone=record.get("phone"),
        via="named" if chosen.reason == RouteReason.NAMED else "coverage",
    )
