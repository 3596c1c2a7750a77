"""One line per figure beside its goal, the same in every bench, so `make bench` output
reads as one table: ``name  value  goal  ok`` (or ``NOT MET``). Import as ``figures``
(the benches put bench/ on sys.path by running from it)."""

from __future__ import annotations


def figure(name: str, value: str, goal: str, ok: bool | None) -> str:
    """Print (and return) one row; ``ok=None`` for a figure shown without a goal."""
    verdict = "" if ok is None else ("ok" if ok else "NOT MET")
    line = f"FIGURE  {name:<52} {value:>16}  {goal:<22} {verdict}"
    print(line, flush=True)
    return line
