"""Structured JSON logs (Powertools Logger) with a correlation id and masked phone numbers."""

from __future__ import annotations

import logging
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib.domain.privacy import mask_phones_in_text


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Masks every phone number in the serialised line, whatever key or message holds it."""

    def serialize(self, log: dict[str, Any]) -> str:  # type: ignore[override]
        return mask_phones_in_text(super().serialize(log))


logger = Logger(service="xingqitong", logger_formatter=MaskingFormatter())


def set_correlation_id(value: str | None) -> None:
    """Tag every following log line of this request with ``correlation_id``."""
    logger.set_correlation_id(value)


def quiet_libraries() -> None:
    """Keep botocore's debug chatter out of the app's log."""
    for name in ("botocore", "boto3", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
