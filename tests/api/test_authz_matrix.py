"""The authorization matrix: every operation of the contract (``contract.REGISTRY``, which the
OpenAPI document is generated from) × every role and no token, against ONE table written by
hand below from API.md ("Roles and what they may read", each endpoint's roles) and the
intent of each route — not read from the code, so that a route whose ``roles=`` drifts from
what it should admit fails here.

Each cell is one request with placeholder path parameters (ids that name nothing) and an
empty body (``{}`` where the route takes one), classified:

- no token: 401, except on public routes (never 401 there);
- a role the table does not admit: 403 (the role check comes before anything is read, so
  it says nothing of whether the placeholder exists);
- an admitted role: anything but 401 and 403 (400, 404, 409 or a 2xx: the request got past
  the role check);
- and never a 5xx, whoever asks.

A route added without its row fails ``test_the_table_has_a_row_for_every_operation``.
Figures (printed by that test, ``-rP``): 93 operations × 7 principals (six roles and no
token) = 651 cells at the time of writing, 0 mismatches. Which *records* an admitted role
may read (another enterprise's appeal, a department's part) is not this table's business:
tests/api/test_cross_tenant.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.seed import credit_code

PUBLIC = "public"
ENT, OP, COMM, DEPT, ADMIN, SUP = (
    "enterprise",
    "operator",
    "commissioner",
    "department",
    "admin",
    "supervisor",
)
SIGNED_IN = frozenset({ENT, OP, COMM, DEPT, ADMIN, SUP})
STAFF = frozenset({OP, COMM, DEPT, ADMIN, SUP})
ADMIN_ONLY = frozenset({ADMIN})
ADMIN_SUP = frozenset({ADMIN, SUP})

#: Who each operation admits. Paths are relative to /api/v1. Routes every signed-in user
#: calls ("SIGNED_IN") decide per record inside (404 for a record the caller may not read,
#: 403 for an event its role may not post).
ADMITS: dict[str, frozenset[str] | str] = {
    # no token anywhere (API.md "Conventions": health, the OpenAPI document, the public
    # policy list and detail — and a published policy's files —, the local dev routes)
    "GET /health": PUBLIC,
    "GET /openapi.json": PUBLIC,
    "GET /policies": PUBLIC,
    "GET /policies/{policy_id}": PUBLIC,
    "GET /policies/{policy_id}/attachments/{attachment_id}": PUBLIC,
    # public progress (API.md "Public progress (no account)"): a case number and its phone
    "POST /public/lookup": PUBLIC,
    "GET /dev/users": PUBLIC,
    "POST /dev/token": PUBLIC,
    "GET /dev/clock": PUBLIC,
    "POST /dev/clock": PUBLIC,
    "POST /dev/jobs/{name}": PUBLIC,
    # appeals (API.md "Appeals"): enterprises file on the web, operators post calls; every
    # role reads and acts on the appeals it may read
    "POST /appeals": frozenset({ENT}),
    "POST /hotline/calls": frozenset({OP}),
    "GET /appeals": SIGNED_IN,
    "GET /appeals/{appeal_id}": SIGNED_IN,
    "GET /appeals/{appeal_id}/attachments/{attachment_id}": SIGNED_IN,
    "POST /appeals/{appeal_id}/events": SIGNED_IN,
    "GET /appeals/{appeal_id}/products": SIGNED_IN,
    # similar appeals: staff, among the appeals each may read; the desk's check while a
    # call is taken: operators and the service centre
    "GET /appeals/{appeal_id}/similar": STAFF,
    "GET /hotline/similar": frozenset({OP, ADMIN}),
    # exports of a searched list: staff; an export is read by whoever asked and the centre
    "POST /appeal-exports": STAFF,
    "GET /appeal-exports/{export_id}": STAFF,
    # ledgers (推进台账): a unit's own, the service centre's and supervisors'
    "GET /departments/{department_id}/ledger": frozenset({DEPT, ADMIN, SUP}),
    "POST /departments/{department_id}/ledger-exports": frozenset({DEPT, ADMIN, SUP}),
    "GET /departments/{department_id}/ledger-exports/{export_id}": frozenset({DEPT, ADMIN, SUP}),
    # a unit's month beside the county's average (its home)
    "GET /departments/{department_id}/month": frozenset({DEPT, ADMIN, SUP}),
    # reference data: any signed-in user reads departments, commissioners and the calendar;
    # admins write them
    "GET /departments": SIGNED_IN,
    "GET /departments/{department_id}": SIGNED_IN,
    "POST /departments": ADMIN_ONLY,
    "PATCH /departments/{department_id}": ADMIN_ONLY,
    # a unit's responsibility list (责任清单) is the service centre's to set (API.md
    # "Every locality and department")
    "PUT /departments/{department_id}/responsibilities": ADMIN_ONLY,
    "GET /commissioners": SIGNED_IN,
    "GET /commissioners/{commissioner_id}": SIGNED_IN,
    "POST /commissioners": ADMIN_ONLY,
    "PATCH /commissioners/{commissioner_id}": ADMIN_ONLY,
    "GET /calendar/{year}": SIGNED_IN,
    "GET /calendar/deadline": SIGNED_IN,
    "PUT /calendar/{year}": ADMIN_ONLY,
    # service levels: the staff who work deadlines read them, the service centre sets them
    "GET /settings/service-levels": STAFF,
    "PUT /settings/service-levels": ADMIN_ONLY,
    # enterprises: the search is for operator, commissioner, admin, supervisor (API.md);
    # "enterprise details are for staff roles and the enterprise itself" (a department only
    # for the enterprises whose appeals it was given, decided per record: 404)
    "GET /enterprises": frozenset({OP, COMM, ADMIN, SUP}),
    "GET /enterprises/{uscc}": SIGNED_IN,
    "POST /enterprises": ADMIN_ONLY,
    "PATCH /enterprises/{uscc}": ADMIN_ONLY,
    "GET /enterprises/{uscc}/policies": frozenset({OP, COMM, ADMIN, SUP}),
    # the enterprise's history (企业画像): the staff who answer and serve it (API.md "The
    # hotline desk"); departments and enterprises are refused by role (403)
    "GET /enterprises/{uscc}/history": frozenset({OP, COMM, ADMIN, SUP}),
    # users and the audit trail: the service centre; supervisors read the audit
    "GET /me": SIGNED_IN,
    "GET /me/counters": SIGNED_IN,
    "GET /users": ADMIN_ONLY,
    "GET /users/{username}": ADMIN_ONLY,
    "POST /users": ADMIN_ONLY,
    "PATCH /users/{username}": ADMIN_ONLY,
    "GET /audit": ADMIN_SUP,
    # the inbox: everyone's own
    "GET /inbox": SIGNED_IN,
    "POST /inbox/read": SIGNED_IN,
    # meetings (admin, supervisor read; the service centre prepares and records them)
    "GET /meetings": ADMIN_SUP,
    "GET /meetings/{month}": ADMIN_SUP,
    "PUT /meetings/{month}/agenda": ADMIN_ONLY,
    "POST /meetings/{month}/record": ADMIN_ONLY,
    "POST /meetings/{month}/decisions": ADMIN_ONLY,
    "POST /meetings/{month}/proposals": ADMIN_ONLY,
    "POST /meetings/{month}/proposals/{group_id}/accept": ADMIN_ONLY,
    "POST /meetings/{month}/proposals/{group_id}/drop": ADMIN_ONLY,
    "POST /meetings/{month}/proposals/{group_id}/decision": ADMIN_ONLY,
    # reports (admin, supervisor); notices are published by supervisors and read by the
    # units and people they concern
    "POST /reports": ADMIN_SUP,
    "GET /reports": ADMIN_SUP,
    "GET /reports/trend": ADMIN_SUP,
    "GET /reports/{report_id}": ADMIN_SUP,
    "GET /reports/{report_id}/figures": ADMIN_SUP,
    "POST /notices": frozenset({SUP}),
    "GET /notices": frozenset({COMM, DEPT, ADMIN, SUP}),
    "GET /notices/{notice_id}": frozenset({COMM, DEPT, ADMIN, SUP}),
    # policies: the service centre drafts, publishes, interprets, withdraws; enterprises see
    # the ones for them; long jobs (pushes) are the centre's
    "POST /policies": ADMIN_ONLY,
    "PATCH /policies/{policy_id}": ADMIN_ONLY,
    "DELETE /policies/{policy_id}": ADMIN_ONLY,
    "POST /policies/{policy_id}/publish": ADMIN_ONLY,
    "POST /policies/{policy_id}/withdraw": ADMIN_ONLY,
    "POST /policies/{policy_id}/interpretations": ADMIN_ONLY,
    "PATCH /policies/{policy_id}/interpretations/{interpretation_id}": ADMIN_ONLY,
    "DELETE /policies/{policy_id}/interpretations/{interpretation_id}": ADMIN_ONLY,
    "POST /policies/{policy_id}/attachments": ADMIN_ONLY,
    "DELETE /policies/{policy_id}/attachments/{attachment_id}": ADMIN_ONLY,
    "GET /admin/policies": ADMIN_ONLY,
    "GET /admin/policies/{policy_id}": ADMIN_ONLY,
    "GET /jobs/{job_id}": ADMIN_ONLY,
    "GET /me/policies": frozenset({ENT}),
    "GET /me/policies/{policy_id}": frozenset({ENT}),
    # project applications (docs/applications.md): enterprises apply and follow theirs;
    # reviewing departments and the centre work the queue; supervisors read a policy's
    "PUT /policies/{policy_id}/application-window": ADMIN_ONLY,
    "POST /applications": frozenset({ENT}),
    "GET /applications": frozenset({ENT, DEPT, ADMIN}),
    "GET /applications/{application_id}": SIGNED_IN,
    "GET /applications/{application_id}/attachments/{attachment_id}": SIGNED_IN,
    "POST /applications/{application_id}/steps": SIGNED_IN,
    "GET /policies/{policy_id}/applications": frozenset({DEPT, ADMIN, SUP}),
    # financing: every signed-in user lists products; admins keep them; enterprises file needs
    "GET /financing/products": SIGNED_IN,
    "POST /financing/products": ADMIN_ONLY,
    "PATCH /financing/products/{product_id}": ADMIN_ONLY,
    "POST /financing/needs": frozenset({ENT}),
    # uploads: any signed-in user asks; the purpose decides who may (tests/api/test_attachments)
    "POST /uploads": SIGNED_IN,
    # the knowledge base (知识库, API.md "The hotline desk"): every staff role searches and
    # reads the published articles; the service centre writes them and reads their versions
    "GET /knowledge": STAFF,
    "GET /knowledge/{article_id}": STAFF,
    "POST /knowledge": ADMIN_ONLY,
    "PATCH /knowledge/{article_id}": ADMIN_ONLY,
    "DELETE /knowledge/{article_id}": ADMIN_ONLY,
    "GET /knowledge/{article_id}/versions": ADMIN_ONLY,
    # webhooks of call-centre service accounts (API.md "Hand-back to 12345"): the centre
    "POST /webhooks": ADMIN_ONLY,
    "GET /webhooks": ADMIN_ONLY,
    "GET /webhooks/{webhook_id}": ADMIN_ONLY,
    "DELETE /webhooks/{webhook_id}": ADMIN_ONLY,
    "GET /webhooks/{webhook_id}/deliveries": ADMIN_ONLY,
    # the register import: the service centre
    "POST /imports": ADMIN_ONLY,
    "GET /imports": ADMIN_ONLY,
    "GET /imports/template": ADMIN_ONLY,
    "GET /imports/{job_id}": ADMIN_ONLY,
}

#: One seeded user per role; ``None`` is a request without a token.
PRINCIPALS: dict[str | None, str | None] = {
    ENT: "ent-hengrun",
    OP: "operator-12345",
    COMM: "comm-designated",
    DEPT: "dept-tax",
    ADMIN: "admin",
    SUP: "supervisor",
    None: None,
}

#: Path parameters that name nothing (well-formed, so a handler gets as far as looking).
PLACEHOLDERS = {
    "appeal_id": "XQT-19990101-0001",
    "attachment_id": "U0123456789abcdef",
    "application_id": "SB-19990101-000000",
    "department_id": "nowhere",
    "commissioner_id": "c-nobody",
    "uscc": credit_code("authorization matrix placeholder"),
    "policy_id": "P-19990101-000000",
    "interpretation_id": "I-000000",
    "product_id": "nothing",
    "webhook_id": "wh-000000000000",
    "job_id": "J-19990101-00000000",
    "export_id": "J-19990101-00000001",
    "report_id": "R-19990101-000000",
    "notice_id": "N-19990101-000000",
    "month": "1999-01",
    "group_id": "CP-XQT-19990101-0001",
    "year": "2026",
    "username": "nobody",
    "name": "no-such-job",
    "article_id": "KB-19990101-000000",
}

API_PREFIX = "/api/v1"


def _operations() -> list[Any]:
    from app import app  # noqa: F401  (registers every blueprint, dev routes included)
    from chalicelib.api.contract import REGISTRY

    return list(REGISTRY)


def _key(op: Any) -> str:
    return f"{op.method} {op.path.removeprefix(API_PREFIX)}"


def _expected(admits: frozenset[str] | str, role: str | None) -> str:
    if admits == PUBLIC:
        return "any but 401/403"
    if role is None:
        return "401"
    return "any but 401/403" if role in admits else "403"


def _fits(expected: str, status: int) -> bool:
    if status >= 500:
        return False
    if expected == "any but 401/403":
        return status not in (401, 403)
    return status == int(expected)


def test_the_table_has_a_row_for_every_operation():
    """A new route without a row here fails; so does a row for a route that is gone."""
    ops = _operations()
    keys = [_key(op) for op in ops]
    assert len(keys) == len(set(keys))
    missing = sorted(set(keys) - ADMITS.keys())
    stale = sorted(ADMITS.keys() - set(keys))
    assert not missing, f"operations without a row in ADMITS: {missing}"
    assert not stale, f"rows in ADMITS for no operation: {stale}"
    # public means public in the contract too, and the dev routes are all public
    for op in ops:
        assert (ADMITS[_key(op)] == PUBLIC) == op.public, _key(op)
        assert not op.local_only or op.public, _key(op)
    print(
        f"authorization matrix: {len(ops)} operations × {len(PRINCIPALS)} principals "
        f"(6 roles and no token) = {len(ops) * len(PRINCIPALS)} cells"
    )


@pytest.mark.parametrize("operation", sorted(ADMITS), ids=str)
def test_each_principal_is_admitted_or_refused_as_the_table_says(api, operation):
    ops = {_key(op): op for op in _operations()}
    if operation not in ops:
        pytest.fail(f"{operation} is in the table but not in the contract")
    op = ops[operation]
    path = op.path
    for name, value in PLACEHOLDERS.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"no placeholder for a parameter of {op.path}"
    body = {} if op.request is not None else None
    mismatches = []
    for role, username in PRINCIPALS.items():
        r = api.call(op.method, path, body, as_user=username)
        expected = _expected(ADMITS[operation], role)
        if not _fits(expected, r.status_code):
            code = (r.data or {}).get("code") if isinstance(r.data, dict) else None
            mismatches.append(f"{role or 'no token'}: {r.status_code} {code}, want {expected}")
    assert not mismatches, f"{operation}: " + "; ".join(mismatches)
