"""The key schema of the main table, in one place (docs/data-model.md explains each pattern).

Every item has ``pk``/``sk``; lists and searches go through two overloaded global secondary
indexes: ``gsi1`` (a kind's items in key order) and ``gsi2`` (prefix search by name).
"""

from __future__ import annotations

GSI1 = "gsi1"
GSI2 = "gsi2"


def enterprise(uscc: str) -> dict[str, str]:
    """Enterprise by credit code; gsi1 lists by code (and code prefix), gsi2 by name prefix."""
    return {"pk": f"ENT#{uscc}", "sk": "ENT"}


def enterprise_indexes(uscc: str, name: str) -> dict[str, str]:
    return {
        "gsi1pk": "ENT",
        "gsi1sk": uscc,
        "gsi2pk": f"ENTNAME#{name[:1]}",
        "gsi2sk": f"{name}#{uscc}",
    }


COMMISSIONER = "COMM"
DEPARTMENT = "DEPT"


def catalog(prefix: str, record_id: str) -> dict[str, str]:
    """A record of a catalog kind (commissioners, departments) by its id."""
    return {"pk": f"{prefix}#{record_id}", "sk": prefix}


def catalog_indexes(prefix: str, record_id: str) -> dict[str, str]:
    """gsi1 lists a catalog kind in id order."""
    return {"gsi1pk": prefix, "gsi1sk": record_id}


def commissioner(commissioner_id: str) -> dict[str, str]:
    return catalog(COMMISSIONER, commissioner_id)


def department(department_id: str) -> dict[str, str]:
    return catalog(DEPARTMENT, department_id)


def user(issuer: str, subject: str) -> dict[str, str]:
    """A user by the identity provider's issuer and subject (the token's ``iss`` and ``sub``)."""
    return {"pk": f"USER#{issuer}#{subject}", "sk": "USER"}


def user_indexes(username: str) -> dict[str, str]:
    return {"gsi1pk": "USER", "gsi1sk": username}


def username(name: str) -> dict[str, str]:
    """Guard item that makes usernames unique; points at the user's issuer and subject."""
    return {"pk": f"USERNAME#{name}", "sk": "USERNAME"}


def audit(entity_type: str, entity_id: str, version: int) -> dict[str, str]:
    """The audit entry of one version of an entity (the versions order them exactly);
    gsi1 lists a month's entries in time order."""
    return {"pk": f"AUDIT#{entity_type}#{entity_id}", "sk": f"V{version:010d}"}


def audit_partition(entity_type: str, entity_id: str) -> str:
    return f"AUDIT#{entity_type}#{entity_id}"


def audit_indexes(month: str, at: str, event_id: str) -> dict[str, str]:
    return {"gsi1pk": f"AUDIT#{month}", "gsi1sk": f"{at}#{event_id}"}


# --- appeals (issue 3) -----------------------------------------------------------------------
# An appeal's partition holds the appeal (``sk=A``), its timeline events (``E#{version}``,
# written once, never changed) and its listing copies (``L#{list}``): one copy of the appeal
# per list it is on, each placing it in a gsi1 partition in that list's order. A GET reads
# ``A`` and ``E#`` in one Query (``sk < "L"``); every list page is one Query on gsi1.

APPEAL_ITEM = "A"
LISTINGS_FROM = "L"  # sort keys from here on are listing copies
TRIAGE = "~triage"  # the assignee key of the service centre's triage queue


def appeal(appeal_id: str) -> dict[str, str]:
    return {"pk": f"APPEAL#{appeal_id}", "sk": APPEAL_ITEM}


def appeal_partition(appeal_id: str) -> str:
    return f"APPEAL#{appeal_id}"


def appeal_event(appeal_id: str, version: int) -> dict[str, str]:
    """The timeline event that made ``version`` of the appeal."""
    return {"pk": f"APPEAL#{appeal_id}", "sk": f"E#{version:06d}"}


def appeal_listing(appeal_id: str, name: str) -> dict[str, str]:
    return {"pk": f"APPEAL#{appeal_id}", "sk": f"{LISTINGS_FROM}#{name}"}


def appeal_indexes(appeal_id: str, created_at: str, status: str) -> dict[str, str]:
    """The appeal item itself: gsi1 lists every appeal newest first; gsi2 by status."""
    return {
        "gsi1pk": "AP#ALL",
        "gsi1sk": f"{created_at}#{appeal_id}",
        "gsi2pk": f"AP#ST#{status}",
        "gsi2sk": f"{created_at}#{appeal_id}",
    }


def enterprise_part(uscc: str, department_id: str, appeal_id: str) -> dict[str, str]:
    """A marker beside the enterprise's record: the department has (or had) a part of one
    of its appeals. Written in the transaction that adds the part, never changed or removed,
    so a department user's right to read the enterprise is one strongly consistent Query of
    ``enterprise_parts_prefix`` (one per appeal, so two transfers never write the same item)."""
    return {"pk": f"ENT#{uscc}", "sk": f"{enterprise_parts_prefix(department_id)}{appeal_id}"}


def enterprise_parts_prefix(department_id: str) -> str:
    return f"PART#{department_id}#"


def appeal_counter(day: str) -> dict[str, str]:
    """The atomic counter of a Beijing day's case numbers (``day`` is ``YYYYMMDD``)."""
    return {"pk": f"COUNTER#APPEAL#{day}", "sk": "COUNTER"}


def idempotency(username: str, key: str) -> dict[str, str]:
    """A hotline call's ``Idempotency-Key``, scoped to the caller (written with the appeal)."""
    return {"pk": f"IDEM#{username}#{key}", "sk": "IDEM"}


#: One item summarising every commissioner and department (name, active, coverage), kept in
#: the same transaction as each change to them: routing and transfers read it in one request.
DIRECTORY = {"pk": "DIRECTORY", "sk": "DIRECTORY"}


def directory_attribute(prefix: str, record_id: str) -> str:
    return f"{prefix}#{record_id}"


# --- the calendar and service levels (issue 5) ------------------------------------------------

CALENDAR = "CALENDAR"


def calendar_year(year: int) -> dict[str, str]:
    """A year's holiday schedule loaded by an administrator (all years: one Query on pk)."""
    return {"pk": CALENDAR, "sk": f"YEAR#{year}"}


def setting(name: str) -> dict[str, str]:
    """A platform setting changed by administrators (``service-levels``)."""
    return {"pk": f"SETTINGS#{name}", "sk": "SETTINGS"}


# --- uploads and enterprise imports (issue 9) -------------------------------------------------


def upload(upload_id: str) -> dict[str, str]:
    """An upload asked for (purpose, object key, file name, declared type and size, who);
    kept a month (TTL)."""
    return {"pk": f"UPLOAD#{upload_id}", "sk": "UPLOAD"}


def import_rejections(job_id: str, page: int, part: int) -> dict[str, str]:
    """Rows an import's page rejected (a part of up to 25), beside its job item: the result
    file is written from them, in page order, when the job ends (TTL a month)."""
    return {"pk": f"JOB#{job_id}", "sk": f"REJECTED#{page:06d}#{part:02d}"}


def import_rejections_prefix() -> str:
    return "REJECTED#"
