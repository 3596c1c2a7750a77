"""Settings read once from the environment into a typed model.

Chalice sets a stage's ``environment_variables`` (``.chalice/config.json``) on the Lambda;
the local stack and the tests set the same variables themselves.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """The app's configuration."""

    stage: Literal["local", "test", "dev", "prod"] = "dev"
    table: str = Field(min_length=1)
    reports_bucket: str = ""
    #: Files uploaded from the browser with presigned POSTs (imports; attachments later).
    attachments_bucket: str = ""
    #: The deadline sweep's queue (its name; the URL is looked up once).
    escalation_queue: str = "xingqitong-escalations"
    #: The report jobs' queue (its name).
    report_queue: str = "xingqitong-reports"
    #: Long jobs' queue (policy pushes, imports).
    job_queue: str = "xingqitong-jobs"
    #: A unit is ranked in a report only with at least this many appeals (deadlines settled;
    #: department replies for departments).
    report_min_ranked: int = Field(5, ge=1)
    #: The service centre's mailbox: told by e-mail of every level-1 and level-2 escalation.
    centre_email: str = ""
    #: The sender of the platform's e-mail (an SES-verified identity in AWS).
    mail_from: str = "noreply@xingqitong.local"
    #: Who sends SMS and e-mail: ``log`` (write to the log; the local stack), ``sns`` (Amazon
    #: SNS), ``aliyun`` (Alibaba Cloud SMS, mainland China), ``ses`` (Amazon SES).
    sms_provider: Literal["log", "sns", "aliyun"] = "log"
    email_provider: Literal["log", "ses"] = "log"
    #: The site's public address (``https://qiye.rudong.gov.cn``): the 受理回执 SMS prints its
    #: progress page (``/track``); empty: the text names the page without a link.
    public_url: str = ""
    #: Alibaba Cloud SMS (``sms_provider = "aliyun"``): the registered sign name (签名), the
    #: template code registered for each kind of text (``{"case_received": "SMS_…", …}``,
    #: docs/sms.md), the API's endpoint, and where the AccessKey comes from: a Secrets
    #: Manager secret (deployed) or the two variables below (the local stack, tests).
    aliyun_sms_sign_name: str = ""
    aliyun_sms_templates: dict[str, str] = Field(default_factory=dict)
    aliyun_sms_endpoint: str = "https://dysmsapi.aliyuncs.com"
    aliyun_sms_secret: str = ""
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = ""
    #: Seconds a claimed webhook delivery is held by the run sending it: a run that died
    #: mid-send leaves it to a later run after this (docs/webhooks.md). Longer than a send's
    #: timeout (10 s); the e2e test of a ``kill -9`` shortens it.
    webhook_lease_seconds: int = Field(60, ge=1)
    #: Shards of the sweep's sparse index: one Query per shard per sweep.
    sweep_shards: int = 4
    #: Common problems (共性诉求, docs/meetings.md): a group is proposed from this many
    #: appeals of this many enterprises, texts at least this alike (0–1), among the open
    #: appeals and those closed in the last days given, reading at most so many.
    common_min_appeals: int = Field(3, ge=2)
    common_min_enterprises: int = Field(3, ge=2)
    common_similarity: float = Field(0.55, gt=0, le=1)
    common_recent_days: int = Field(30, ge=0)
    common_max_candidates: int = Field(3000, ge=1)
    region: str = "us-east-1"
    #: OpenID Connect issuer whose tokens the app accepts (``iss`` claim, compared exactly).
    auth_issuer: str
    #: Audience: the ``aud`` claim, or Cognito access tokens' ``client_id`` (see below).
    auth_audience: str
    #: ``aud`` for ID tokens and most issuers; ``client_id`` for Cognito access tokens.
    auth_audience_claim: Literal["aud", "client_id"] = "aud"
    #: The one signature algorithm accepted; anything else in a token's header is a 401.
    auth_algorithm: Literal["RS256", "ES256"] = "RS256"
    #: Where the issuer's public keys come from: a JWKS URL, or a file (the local issuer).
    auth_jwks_url: str = ""
    auth_jwks_file: str = ""
    #: Seconds a user's role record is cached in a warm Lambda (role changes apply after it).
    user_cache_seconds: float = 30.0
    #: Seconds the directory of commissioners and departments is cached in a warm Lambda
    #: (every decision taken from it is checked again inside the write).
    directory_cache_seconds: float = 60.0
    #: The local issuer's private key (local stage only: signs the dev tokens).
    local_issuer_key_file: str = ""

    @property
    def is_local(self) -> bool:
        """True on the local stack (and in the API tests, which emulate it)."""
        return self.stage in ("local", "test")


def _templates(text: str) -> dict[str, str]:
    """``kind=SMS_123,kind=SMS_456`` (a stack parameter's form) or ``{"kind": "SMS_123"}``.
    What cannot be read is left out: a text of that kind then fails in the outbox, saying
    so, and nothing else does."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    pairs = (part.split("=", 1) for part in text.split(",") if "=" in part)
    return {k.strip(): v.strip() for k, v in pairs if k.strip() and v.strip()}


@cache
def settings() -> Settings:
    """Parse the environment once per process (tests call ``settings.cache_clear()``)."""
    env = os.environ
    return Settings(
        stage=env.get("XQT_STAGE", "dev"),
        table=env.get("XQT_TABLE", ""),
        reports_bucket=env.get("XQT_REPORTS_BUCKET", ""),
        attachments_bucket=env.get("XQT_ATTACHMENTS_BUCKET", ""),
        escalation_queue=env.get("XQT_ESCALATION_QUEUE", "xingqitong-escalations"),
        report_queue=env.get("XQT_REPORT_QUEUE", "xingqitong-reports"),
        job_queue=env.get("XQT_JOB_QUEUE", "xingqitong-jobs"),
        report_min_ranked=int(env.get("XQT_REPORT_MIN_RANKED", "5")),
        centre_email=env.get("XQT_CENTRE_EMAIL", ""),
        mail_from=env.get("XQT_MAIL_FROM", "noreply@xingqitong.local"),
        sms_provider=env.get("XQT_SMS_PROVIDER", "log"),
        email_provider=env.get("XQT_EMAIL_PROVIDER", "log"),
        public_url=env.get("XQT_PUBLIC_URL", "").rstrip("/"),
        aliyun_sms_sign_name=env.get("XQT_ALIYUN_SMS_SIGN_NAME", ""),
        aliyun_sms_templates=_templates(env.get("XQT_ALIYUN_SMS_TEMPLATES", "")),
        aliyun_sms_endpoint=env.get("XQT_ALIYUN_SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com",
        aliyun_sms_secret=env.get("XQT_ALIYUN_SMS_SECRET", ""),
        aliyun_access_key_id=env.get("XQT_ALIYUN_ACCESS_KEY_ID", ""),
        aliyun_access_key_secret=env.get("XQT_ALIYUN_ACCESS_KEY_SECRET", ""),
        sweep_shards=int(env.get("XQT_SWEEP_SHARDS", "4")),
        webhook_lease_seconds=int(env.get("XQT_WEBHOOK_LEASE_SECONDS", "60")),
        common_min_appeals=int(env.get("XQT_COMMON_MIN_APPEALS", "3")),
        common_min_enterprises=int(env.get("XQT_COMMON_MIN_ENTERPRISES", "3")),
        common_similarity=float(env.get("XQT_COMMON_SIMILARITY", "0.55")),
        common_recent_days=int(env.get("XQT_COMMON_RECENT_DAYS", "30")),
        common_max_candidates=int(env.get("XQT_COMMON_MAX_CANDIDATES", "3000")),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        auth_issuer=env.get("XQT_AUTH_ISSUER", ""),
        auth_audience=env.get("XQT_AUTH_AUDIENCE", ""),
        auth_audience_claim=env.get("XQT_AUTH_AUDIENCE_CLAIM", "aud"),
        auth_algorithm=env.get("XQT_AUTH_ALGORITHM", "RS256"),
        auth_jwks_url=env.get("XQT_AUTH_JWKS_URL", ""),
        auth_jwks_file=env.get("XQT_AUTH_JWKS_FILE", ""),
        user_cache_seconds=float(env.get("XQT_USER_CACHE_SECONDS", "30")),
        directory_cache_seconds=float(env.get("XQT_DIRECTORY_CACHE_SECONDS", "60")),
        local_issuer_key_file=env.get("XQT_LOCAL_ISSUER_KEY_FILE", ""),
    )
