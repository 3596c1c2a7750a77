"""Enterprises (企业) and their unified social credit code (统一社会信用代码)."""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc


class InvalidCreditCode(ValueError):
    """A credit code that fails GB 32100-2015; ``reason`` is an i18n code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_uscc(value: str) -> str:
    """Validate a credit code (length, alphabet, check character per GB 32100-2015).

    Returns the compact upper-case form; raises :class:`InvalidCreditCode`.
    """
    try:
        return str(stdnum_uscc.validate(value))
    except stdnum_errors.InvalidLength as exc:
        raise InvalidCreditCode("uscc_length") from exc
    except stdnum_errors.InvalidChecksum as exc:
        raise InvalidCreditCode("uscc_checksum") from exc
    except stdnum_errors.ValidationError as exc:
        raise InvalidCreditCode("uscc_format") from exc


def with_check_character(first17: str) -> str:
    """A full credit code from its first 17 characters (for seed data and tests)."""
    return first17 + str(stdnum_uscc.calc_check_digit(first17))


def looks_like_uscc_prefix(query: str) -> bool:
    """True when a search string can only be the start of a credit code (digits, A–Z)."""
    return bool(query) and all(c.isascii() and c.isalnum() for c in query)
