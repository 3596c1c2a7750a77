"""What people type lands in exported spreadsheets as text, never as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.domain.spreadsheets import csv_cell, csv_row


@pytest.mark.parametrize(
    "typed",
    ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2", '=HYPERLINK("http://x","y")'],
)
def test_text_that_reads_as_a_formula_gets_a_quote(typed):
    assert csv_cell(typed) == "'" + typed


@pytest.mark.parametrize(
    "value", ["如东恒润机械制造有限公司", "13912345678", "", "a=b", 3, -3, 0.5]
)
def test_other_cells_are_written_as_they_are(value):
    assert csv_cell(value) == value


def test_a_row_read_back_keeps_the_quote():
    buf = io.StringIO()
    csv.writer(buf).writerow(csv_row(["=1+2", -4, "如东"]))
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ["'=1+2", "-4", "如东"]
