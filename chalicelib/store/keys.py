"""The key schema of the main table, in one place (docs/data-model.md explains each pattern):
every partition name and item key the store writes or queries is built here, so a key is
changed in one place. A list's sort-key value (a time, then an id) is built beside the
Query that reads it in that order.

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
        "gsi1pk": ENTERPRISES,
        "gsi1sk": uscc,
        "gsi2pk": enterprise_name_partition(name),
        "gsi2sk": f"{name}#{uscc}",
    }


# --- finding the caller (issue 17; docs/search.md) --------------------------------------------
#: The search's change list: every enterprise write since the register snapshot (``C#…``),
#: and the pointer to the latest snapshot (``SNAPSHOT``, sorting after every change), so
#: one Query ``sk > C#{stamp}`` reads both.
ENTERPRISE_SEARCH = "ENTSEARCH"
ENTERPRISE_CHANGES_FROM = "C#"


def enterprise_change(stamp: str, uscc: str) -> dict[str, str]:
    """One enterprise write, by its real-time stamp (nanoseconds, 20 digits), in the same
    transaction as the write."""
    return {"pk": ENTERPRISE_SEARCH, "sk": f"{ENTERPRISE_CHANGES_FROM}{stamp}#{uscc}"}


def enterprise_changes_after(stamp: str) -> str:
    """The sort key the changes after ``stamp`` (and the pointer) sort above."""
    return f"{ENTERPRISE_CHANGES_FROM}{stamp}"


ENTERPRISE_SNAPSHOT = {"pk": ENTERPRISE_SEARCH, "sk": "SNAPSHOT"}


def enterprise_phone(phone: str, uscc: str) -> dict[str, str]:
    """A contact phone of an enterprise (phone → credit code), kept with the enterprise."""
    return {"pk": enterprise_phone_partition(phone), "sk": f"ENT#{uscc}"}


def enterprise_phone_partition(phone: str) -> str:
    return f"PHONE#{phone}"


def appeals_by_phone(phone: str) -> str:
    """gsi1: the appeals whose caller or contact used this phone, newest first."""
    return f"AP#PHONE#{phone}"


COMMISSIONER = "COMM"
DEPARTMENT = "DEPT"
FINANCIAL_PRODUCT = "FINPROD"  # a catalog kind too (banks' products)


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
    return {"gsi1pk": USERS, "gsi1sk": username}


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
    return {"gsi1pk": audit_month(month), "gsi1sk": f"{at}#{event_id}"}


# --- appeals (issue 3) -----------------------------------------------------------------------
# An appeal's partition holds the appeal (``sk=A``), its timeline events (``E#{version}``,
# written once, never changed) and its listing copies (``L#{list}``): one copy of the appeal
# per list it is on, each placing it in a gsi1 partition in that list's order. A GET reads
# ``A`` and ``E#`` in one Query (``sk < "L"``); every list page is one Query on gsi1.

APPEAL_ITEM = "A"
LISTINGS_FROM = "L"  # sort keys from here on are listing copies
TRIAGE = "~triage"  # the assignee key of the service centre's triage queue
UNBOUND = "~unbound"  # a user whose role lacks its binding: lists of nothing


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
        "gsi1pk": ALL_APPEALS,
        "gsi1sk": f"{created_at}#{appeal_id}",
        "gsi2pk": appeals_by_status(status),
        "gsi2sk": f"{created_at}#{appeal_id}",
    }


# The lists an appeal is on: each a gsi1 partition of the appeal's listing copies (see
# ``store/appeals.listings`` for what puts an appeal on each, and in which order).

#: Every appeal, newest first (the appeal item itself).
ALL_APPEALS = "AP#ALL"
#: Open appeals by deadline: the "overdue" lists.
OPEN_APPEALS = "AP#OPEN"
#: The service centre's queue: triage, pending extensions, level-1 escalations.
ADMIN_QUEUE = "AP#ADMINQ"
#: Open appeals whose deadline is provisional (recounted when a year's notice is loaded).
PROVISIONAL = "AP#PROV"
#: Hotline appeals replied and waiting for a call-back (回访).
CALLBACK_QUEUE = "AP#CALLBACK"
#: Open appeals raised to the county's joint meeting (the agenda is drawn from them).
LEVEL_TWO = "AP#LEVEL2"
#: Closed appeals (not merged, not void) by the time they closed: the common problems'
#: recent ones (docs/meetings.md) are one range of it.
CLOSED_APPEALS = "AP#CLOSED"
#: Supervised appeals (督办), and those whose supervision is not yet accepted.
SUPERVISED = "AP#SUP"
SUPERVISED_OPEN = "AP#SUPQ"


def appeals_by_status(status: str) -> str:
    """gsi2: every appeal in a status, newest first."""
    return f"AP#ST#{status}"


def open_in_category(category: str) -> str:
    """Open appeals of a category, newest first: candidates of similar appeals."""
    return f"AP#OPENCAT#{category}"


def enterprise_appeals(uscc: str) -> str:
    return f"AP#ENT#{uscc}"


def enterprise_queue(uscc: str) -> str:
    """The enterprise's appeals replied and waiting for its confirmation."""
    return f"AP#ENTQ#{uscc}"


def external_ref(ref: str) -> str:
    """Appeals carrying a 12345 work-order number (``external_ref``)."""
    return f"AP#EXT#{ref}"


def operator_calls(username: str) -> str:
    """The hotline calls an operator (or a call-centre account) posted."""
    return f"AP#OP#{username}"


def commissioner_appeals(commissioner_id: str) -> str:
    return f"AP#COMM#{commissioner_id}"


def commissioner_queue(commissioner_id: str | None) -> str:
    """A commissioner's open appeals by deadline; ``None``: the triage queue."""
    return f"AP#COMMQ#{commissioner_id or TRIAGE}"


def department_appeals(department_id: str) -> str:
    """Every appeal ever transferred to a department."""
    return f"AP#DEPT#{department_id}"


def department_queue(department_id: str) -> str:
    """A department's open parts by deadline."""
    return f"AP#DEPTQ#{department_id}"


def escalated(level: int) -> str:
    """Open appeals raised to ``level`` (1: service centre, 2: joint meeting)."""
    return f"AP#ESC#{level}"


def sweep_watch(shard: int) -> str:
    """The sweep's sparse index: each appeal once, at its next check, in one of the shards."""
    return f"AP#WATCH#{shard}"


def live_month(month: str) -> dict[str, str]:
    """A month's units' figures computed live, kept a few minutes (the units' homes)."""
    return {"pk": f"LIVEMONTH#{month}", "sk": "LIVEMONTH"}


def unit_open_parts(department_id: str) -> dict[str, str]:
    """A unit's count of open parts (its guard): kept by every write that opens or closes
    one of its parts, checked by its deactivation in the same kind of transaction."""
    return {"pk": f"{DEPARTMENT}#{department_id}", "sk": "OPENPARTS"}


def department_ledger(department_id: str) -> str:
    """The supervised items a department owns (推进台账)."""
    return f"AP#LEDGER#{department_id}"


def appeal_events_of_month(month: str) -> str:
    """gsi1 of timeline events: a month's events in time order (reports read only these)."""
    return f"APEV#{month}"


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


# --- the other aggregates ---------------------------------------------------------------------
# Partition and item keys only; a list's sort key (time, then id) is built beside the Query
# that reads it in that order.

#: gsi1 partitions listing every item of a kind.
ENTERPRISES = "ENT"
USERS = "USER"
MEETINGS = "MEETINGS"
POLICY_CATALOG = "POLICIES"  # published policies (the public catalogue), newest first
POLICIES_ALL = "POLICYALL"  # gsi2: every policy, drafts too, by last change
REPORTS = "REPORTS"
NOTICES = "NOTICES"
OUTBOX_PENDING = "OUTBOX#pending"  # the outbox's sparse pending list


def enterprise_name_partition(name: str) -> str:
    """gsi2: enterprises by the first character of their name (prefix search)."""
    return f"ENTNAME#{name[:1]}"


def audit_month(month: str) -> str:
    """gsi1: a month's audit entries in time order."""
    return f"AUDIT#{month}"


def application(application_id: str) -> dict[str, str]:
    return {"pk": f"APPL#{application_id}", "sk": "APPL"}


def applicant(policy_id: str, uscc: str) -> dict[str, str]:
    """Beside the policy: the enterprise's open application to it (one at a time)."""
    return {"pk": policy_partition(policy_id), "sk": f"{APPLICANTS_FROM}{uscc}"}


APPLICANTS_FROM = "APPLICANT#"


def enterprise_applications(uscc: str) -> str:
    """gsi1: an enterprise's applications."""
    return f"APPL#ENT#{uscc}"


def review_queue(reviewer: str) -> str:
    """gsi2: the applications a department (or ``centre``) reviews."""
    return f"APPL#Q#{reviewer}"


def job(job_id: str) -> dict[str, str]:
    return {"pk": f"JOB#{job_id}", "sk": "JOB"}


def job_partition(job_id: str) -> str:
    return f"JOB#{job_id}"


def jobs_of_kind(kind: str) -> str:
    """gsi1: a kind's jobs (imports, pushes), newest first."""
    return f"JOBS#{kind}"


def meeting(month: str) -> dict[str, str]:
    return {"pk": f"MEETING#{month}", "sk": "MEETING"}


def inbox(audience: str) -> str:
    """An audience's inbox partition (``user:…``, ``department:…``, ``role:admin`` …)."""
    return f"INBOX#{audience}"


def inbox_read_marks(username: str) -> dict[str, str]:
    return {"pk": f"INBOXREAD#{username}", "sk": "READ"}


def outbox_message(message_id: str) -> dict[str, str]:
    return {"pk": f"OUTBOX#{message_id}", "sk": "OUTBOX"}


def policy(policy_id: str) -> dict[str, str]:
    return {"pk": policy_partition(policy_id), "sk": "POLICY"}


def policy_partition(policy_id: str) -> str:
    return f"POLICY#{policy_id}"


def policy_catalog_copy(policy_id: str) -> dict[str, str]:
    """A published policy's copy on the public catalogue."""
    return {"pk": policy_partition(policy_id), "sk": "L#catalog"}


def report(report_id: str) -> dict[str, str]:
    return {"pk": f"REPORT#{report_id}", "sk": "REPORT"}


def monthly_report_guard(month: str) -> dict[str, str]:
    """The scheduled run's guard: a month's report starts once, whatever the retries."""
    return {"pk": f"REPORTAUTO#{month}", "sk": "REPORTAUTO"}


def reports_of_period(period_key: str) -> str:
    """gsi2: the reports of one period (its latest done one is the trend's point)."""
    return f"REPORTPERIOD#{period_key}"


def notice(notice_id: str) -> dict[str, str]:
    return {"pk": f"NOTICE#{notice_id}", "sk": "NOTICE"}


# --- public progress lookups (issue 17) -------------------------------------------------------


def lookup_failures(subject: str, window_start: int) -> dict[str, str]:
    """The failed public lookups of one subject (``case#…`` or ``client#…``: a digest of the
    case number or of the client's address, never the value itself) in the hour window
    starting at ``window_start`` (epoch seconds): a string set of their times, removed by
    TTL once the window can no longer matter."""
    return {"pk": f"LOOKUPFAIL#{subject}", "sk": f"W#{window_start}"}


# --- the knowledge base (issue 17) ------------------------------------------------------------
# Every article in one partition (``KB``), so that one strongly consistent Query (paged by
# DynamoDB's 1 MB) reads the whole base into a warm Lambda's memory; a change token beside
# them, rewritten by every write, tells a warm Lambda whether its copy is current (one
# GetItem). Each version of an article is kept in the article's own partition.

KNOWLEDGE = "KB"
KNOWLEDGE_ARTICLES_FROM = "ARTICLE#"


def knowledge_article(article_id: str) -> dict[str, str]:
    """An article as it is now (its versions: :func:`knowledge_version`)."""
    return {"pk": KNOWLEDGE, "sk": f"{KNOWLEDGE_ARTICLES_FROM}{article_id}"}


#: The knowledge base's change token: a new random value with every write of an article.
KNOWLEDGE_CHANGE = {"pk": KNOWLEDGE, "sk": "CHANGE"}


def knowledge_versions(article_id: str) -> str:
    """The partition of an article's versions."""
    return f"KB#{article_id}"


def knowledge_version(article_id: str, version: int) -> dict[str, str]:
    """What version ``version`` of an article said (written once, never changed)."""
    return {"pk": knowledge_versions(article_id), "sk": f"V#{version:06d}"}


# --- webhooks: the hand-back to 12345 (issue 18) ----------------------------------------------
# A webhook's item (secret included, never returned) and, in its account's partition, a
# pointer read in one strongly consistent Query when an event of an appeal the account
# posted is written. A delivery is one item per webhook and event, written in the event's
# transaction: gsi1 lists a webhook's deliveries newest first (the log), gsi2 holds the
# undelivered ones (sparse) in appeal and event order, which is the order they are sent in.

WEBHOOKS = "WEBHOOKS"  # gsi1: every webhook, newest first
WEBHOOK_DELIVERIES_PENDING = "WHDEL#pending"


def webhook(webhook_id: str) -> dict[str, str]:
    return {"pk": f"WEBHOOK#{webhook_id}", "sk": "WEBHOOK"}


def account_webhooks(username: str) -> str:
    """The partition of an account's webhook pointers."""
    return f"WEBHOOKS#{username}"


def account_webhook(username: str, webhook_id: str) -> dict[str, str]:
    return {"pk": account_webhooks(username), "sk": f"HOOK#{webhook_id}"}


def webhook_delivery(delivery_id: str) -> dict[str, str]:
    return {"pk": f"WHDEL#{delivery_id}", "sk": "WHDEL"}


def webhook_deliveries(webhook_id: str) -> str:
    """gsi1: a webhook's deliveries, newest first."""
    return f"WHDEL#HOOK#{webhook_id}"
