"""Domain rules without AWS: credit codes, phones, coverage, role bindings, masking."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from chalicelib.domain.codes import Industry, Role, SizeClass
from chalicelib.domain.enterprise import (
    InvalidCreditCode,
    looks_like_uscc_prefix,
    normalize_uscc,
    with_check_character,
)
from chalicelib.domain.models import Bindings, Coverage, Phone
from chalicelib.domain.privacy import mask_phone, mask_phones_in_text

# A published example credit code (GB 32100-2015 check character "X" case included).
REAL = with_check_character("91350100M000100Y4")


def test_credit_code_round_trip_and_normalisation():
    assert normalize_uscc(REAL.lower()) == REAL
    assert normalize_uscc(f" {REAL[:6]} {REAL[6:]} ") == REAL


@pytest.mark.parametrize(
    "code, reason",
    [
        ("9135010", "uscc_length"),
        ("91350100M000100Y4" + ("0" if REAL[-1] != "0" else "1"), "uscc_checksum"),
        ("91350100I000100Y40", "uscc_format"),  # I is not in the alphabet
        ("9A350100M000100Y43", "uscc_format"),  # the division code is digits
    ],
)
def test_bad_credit_codes_say_why(code, reason):
    with pytest.raises(InvalidCreditCode) as info:
        normalize_uscc(code)
    assert info.value.reason == reason


def test_code_prefix_detection():
    assert looks_like_uscc_prefix("91320623")
    assert looks_like_uscc_prefix("91320623ma")
    assert not looks_like_uscc_prefix("如东")
    assert not looks_like_uscc_prefix("")


@pytest.mark.parametrize(
    "raw, kept",
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0513-84123456", "051384123456"),
    ],
)
def test_phones_are_kept_as_national_digits(raw, kept):
    assert TypeAdapter(Phone).validate_python(raw) == kept


@pytest.mark.parametrize("raw", ["abc", "1381234", "2381234567890", "12345", "95588", "110"])
def test_impossible_phones_are_refused(raw):
    with pytest.raises(ValidationError) as info:
        TypeAdapter(Phone).validate_python(raw)
    assert info.value.errors()[0]["type"] == "phone_invalid"


def test_coverage_empty_means_every_value():
    everyone = Coverage()
    small = Coverage(size_classes=[SizeClass.SMALL_MICRO])
    agri_team = Coverage(industries=[Industry.AGRICULTURE])
    assert everyone.covers(SizeClass.ABOVE_100M, Industry.OTHER)
    assert small.covers(SizeClass.SMALL_MICRO, Industry.SERVICES)
    assert not small.covers(SizeClass.DESIGNATED, Industry.SERVICES)
    assert agri_team.covers(SizeClass.ABOVE_100M, Industry.AGRICULTURE)
    assert not agri_team.covers(SizeClass.ABOVE_100M, Industry.INDUSTRY)


@pytest.mark.parametrize(
    "data, error",
    [
        ({"role": "enterprise"}, "binding_required"),
        ({"role": "commissioner", "department_id": "tax"}, "binding_required"),
        ({"role": "admin", "department_id": "tax"}, "binding_not_allowed"),
        (
            {"role": "department", "department_id": "tax", "enterprise_uscc": REAL},
            "binding_not_allowed",
        ),
    ],
)
def test_each_role_has_exactly_its_binding(data, error):
    with pytest.raises(ValidationError) as info:
        Bindings.model_validate(data)
    assert info.value.errors()[0]["type"] == error


def test_roles_with_their_bindings_pass():
    Bindings(role=Role.ADMIN)
    Bindings(role=Role.OPERATOR)
    Bindings(role=Role.ENTERPRISE, enterprise_uscc=REAL)
    Bindings(role=Role.DEPARTMENT, department_id="tax")


def test_phone_masking():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("051384123456") == "051*****3456"
    assert mask_phone("12345") == "***45"
    assert mask_phone(None) is None


def test_every_phone_in_a_log_line_is_masked_but_codes_are_not():
    line = (
        '{"caller": "13812345678", "msg": "回电 0513-84123456 或 +86 13912345678", '
        f'"uscc": "{REAL}"}}'
    )
    masked = mask_phones_in_text(line)
    assert "13812345678" not in masked and "84123456" not in masked and "13912345678" not in masked
    assert "138****5678" in masked
    assert REAL in masked
    assert "20261127-0001" in mask_phones_in_text("case 20261127-0001")
