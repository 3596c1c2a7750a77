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
