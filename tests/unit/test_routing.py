"""Routing (chalicelib.domain.routing): who owns a new appeal, rule by rule."""

from __future__ import annotations

import itertools
import random

import pytest

from chalicelib.domain.codes import CommissionerKind, Industry, SizeClass
from chalicelib.domain.models import Coverage
from chalicelib.domain.routing import Candidate, Profile, Route, RouteReason, route

SIZE = CommissionerKind.SIZE_CLASS
TEAM = CommissionerKind.INDUSTRY_TEAM

#: The enterprise most tests route: 规上, 工业.
DESIGNATED_INDUSTRY = Profile(SizeClass.DESIGNATED, Industry.INDUSTRY)


def commissioner(
    cid: str,
    *,
    kind: CommissionerKind = SIZE,
    sizes: tuple[SizeClass, ...] = (),
    industries: tuple[Industry, ...] = (),
    active: bool = True,
) -> Candidate:
    return Candidate(
        id=cid,
        name=f"专员 {cid}",
        kind=kind,
        coverage=Coverage(size_classes=list(sizes), industries=list(industries)),
        active=active,
    )


def chosen(result: Route) -> str | None:
    return result.commissioner.id if result.commissioner else None


# -- 1. the named commissioner ---------------------------------------------------------------


def test_the_named_commissioner_wins_even_over_a_narrower_covering_one():
    named = commissioner("c-named", sizes=(SizeClass.SMALL_MICRO,))  # does not even cover it
    exact = commissioner("c-exact", sizes=(SizeClass.DESIGNATED,), industries=(Industry.INDUSTRY,))
    enterprise = Profile(SizeClass.DESIGNATED, Industry.INDUSTRY, commissioner_id="c-named")

    result = route(enterprise, [exact, named])

    assert result == Route(named, RouteReason.NAMED)


def test_a_named_industry_team_wins_over_a_covering_size_class_commissioner():
    team = commissioner("t-industry", kind=TEAM, industries=(Industry.INDUSTRY,))
    size = commissioner("c-designated", sizes=(SizeClass.DESIGNATED,))
    enterprise = Profile(SizeClass.DESIGNATED, Industry.INDUSTRY, commissioner_id="t-industry")

    assert route(enterprise, [size, team]) == Route(team, RouteReason.NAMED)


def test_an_inactive_named_commissioner_falls_through_to_coverage():
    named = commissioner("c-named", active=False)
    covering = commissioner("c-designated", sizes=(SizeClass.DESIGNATED,))
    enterprise = Profile(SizeClass.DESIGNATED, Industry.INDUSTRY, commissioner_id="c-named")

    assert route(enterprise, [named, covering]) == Route(covering, RouteReason.COVERAGE)


def test_an_inactive_named_commissioner_with_nobody_covering_goes_to_triage():
    named = commissioner("c-named", active=False)
    enterprise = Profile(SizeClass.DESIGNATED, Industry.INDUSTRY, commissioner_id="c-named")

    assert route(enterprise, [named]) == Route(None, RouteReason.TRIAGE)


def test_a_named_commissioner_missing_from_the_candidates_falls_through_to_coverage():
    covering = commissioner("c-designated", sizes=(SizeClass.DESIGNATED,))
    enterprise = Profile(SizeClass.DESIGNATED, Industry.INDUSTRY, commissioner_id="c-gone")

    assert route(enterprise, [covering]) == Route(covering, RouteReason.COVERAGE)


# -- 2. coverage -----------------------------------------------------------------------------


def test_a_size_class_commissioner_is_preferred_over_an_industry_team_when_both_cover():
    # the team is narrower (1 × 1) than the commissioner (1 size × every industry): kind first
    team = commissioner(
        "a-team", kind=TEAM, sizes=(SizeClass.DESIGNATED,), industries=(Industry.INDUSTRY,)
    )
    size = commissioner("z-size", sizes=(SizeClass.DESIGNATED,))

    assert route(DESIGNATED_INDUSTRY, [team, size]) == Route(size, RouteReason.COVERAGE)


def test_an_industry_team_is_chosen_when_no_size_class_commissioner_covers():
    team = commissioner("t-industry", kind=TEAM, industries=(Industry.INDUSTRY,))
    other_size = commissioner("c-small", sizes=(SizeClass.SMALL_MICRO,))

    assert route(DESIGNATED_INDUSTRY, [other_size, team]) == Route(team, RouteReason.COVERAGE)


@pytest.mark.parametrize("kind", [SIZE, TEAM])
def test_among_equals_the_narrowest_coverage_wins(kind):
    everything = commissioner("a-all", kind=kind)  # 3 × 5
    two_sizes = commissioner(
        "b-two", kind=kind, sizes=(SizeClass.DESIGNATED, SizeClass.ABOVE_100M)
    )  # 2 × 5
    one_size = commissioner("c-one", kind=kind, sizes=(SizeClass.DESIGNATED,))  # 1 × 5
    exact = commissioner(
        "d-exact", kind=kind, sizes=(SizeClass.DESIGNATED,), industries=(Industry.INDUSTRY,)
    )  # 1 × 1
    candidates = [everything, two_sizes, one_size, exact]

    assert chosen(route(DESIGNATED_INDUSTRY, candidates)) == "d-exact"
    assert chosen(route(DESIGNATED_INDUSTRY, candidates[:3])) == "c-one"
    assert chosen(route(DESIGNATED_INDUSTRY, candidates[:2])) == "b-two"
    assert chosen(route(DESIGNATED_INDUSTRY, candidates[:1])) == "a-all"


def test_among_equally_narrow_coverages_the_lowest_id_wins():
    b = commissioner("c-b", sizes=(SizeClass.DESIGNATED,))
    a = commissioner("c-a", sizes=(SizeClass.DESIGNATED,))
    c = commissioner("c-c", sizes=(SizeClass.DESIGNATED,))

    assert route(DESIGNATED_INDUSTRY, [b, c, a]) == Route(a, RouteReason.COVERAGE)


def test_breadth_counts_sizes_times_industries():
    # 2 sizes × 1 industry = 2 is narrower than 1 size × every industry = 5
    two_by_one = commissioner(
        "c-z",
        sizes=(SizeClass.DESIGNATED, SizeClass.SMALL_MICRO),
        industries=(Industry.INDUSTRY,),
    )
    one_by_all = commissioner("c-a", sizes=(SizeClass.DESIGNATED,))

    assert chosen(route(DESIGNATED_INDUSTRY, [one_by_all, two_by_one])) == "c-z"


@pytest.mark.parametrize("size_class, industry", list(itertools.product(SizeClass, Industry)))
def test_a_coverage_listing_no_sizes_or_industries_covers_every_enterprise(size_class, industry):
    everyone = commissioner("c-all")

    result = route(Profile(size_class, industry), [everyone])

    assert result == Route(everyone, RouteReason.COVERAGE)


def test_an_empty_list_means_every_value_on_that_axis_only():
    all_sizes_agriculture = commissioner("c-agri", industries=(Industry.AGRICULTURE,))

    assert (
        chosen(route(Profile(SizeClass.ABOVE_100M, Industry.AGRICULTURE), [all_sizes_agriculture]))
        == "c-agri"
    )
    assert route(DESIGNATED_INDUSTRY, [all_sizes_agriculture]) == Route(None, RouteReason.TRIAGE)


def test_inactive_covering_commissioners_are_skipped():
    best_but_inactive = commissioner(
        "c-a", sizes=(SizeClass.DESIGNATED,), industries=(Industry.INDUSTRY,), active=False
    )
    broader = commissioner("c-b", sizes=(SizeClass.DESIGNATED,))

    assert route(DESIGNATED_INDUSTRY, [best_but_inactive, broader]) == Route(
        broader, RouteReason.COVERAGE
    )


def test_an_inactive_size_class_commissioner_does_not_beat_an_active_team():
    inactive_size = commissioner("c-size", active=False)
    team = commissioner("t-industry", kind=TEAM, industries=(Industry.INDUSTRY,))

    assert route(DESIGNATED_INDUSTRY, [inactive_size, team]) == Route(team, RouteReason.COVERAGE)


# -- 3. nobody -------------------------------------------------------------------------------


def test_nobody_covering_sends_the_appeal_to_triage():
    others = [
        commissioner("c-small", sizes=(SizeClass.SMALL_MICRO,)),
        commissioner("t-agri", kind=TEAM, industries=(Industry.AGRICULTURE,)),
    ]

    result = route(DESIGNATED_INDUSTRY, others)

    assert result.reason == RouteReason.TRIAGE
    assert result.commissioner is None


def test_no_commissioners_at_all_sends_the_appeal_to_triage():
    assert route(DESIGNATED_INDUSTRY, []) == Route(None, RouteReason.TRIAGE)


def test_only_inactive_covering_commissioners_send_the_appeal_to_triage():
    assert route(DESIGNATED_INDUSTRY, [commissioner("c-all", active=False)]) == Route(
        None, RouteReason.TRIAGE
    )


def test_an_unknown_caller_goes_to_triage_even_when_commissioners_cover_everything():
    everyone = [commissioner("c-all"), commissioner("t-all", kind=TEAM)]

    result = route(None, everyone)

    assert result == Route(None, RouteReason.UNKNOWN_CALLER)


def test_an_unknown_caller_with_no_commissioners_is_still_an_unknown_caller():
    assert route(None, []) == Route(None, RouteReason.UNKNOWN_CALLER)


# -- independence from storage order ---------------------------------------------------------

POOL = [
    commissioner("c-all"),
    commissioner("c-designated", sizes=(SizeClass.DESIGNATED,)),
    commissioner("c-designated-2", sizes=(SizeClass.DESIGNATED,)),
    commissioner(
        "c-exact-off", sizes=(SizeClass.DESIGNATED,), industries=(Industry.INDUSTRY,), active=False
    ),
    commissioner(
        "t-exact", kind=TEAM, sizes=(SizeClass.DESIGNATED,), industries=(Industry.INDUSTRY,)
    ),
    commissioner("c-small", sizes=(SizeClass.SMALL_MICRO,)),
    commissioner("c-named-off", active=False),
]


@pytest.mark.parametrize(
    "enterprise, expected",
    [
        (DESIGNATED_INDUSTRY, Route(POOL[1], RouteReason.COVERAGE)),
        (
            Profile(SizeClass.DESIGNATED, Industry.INDUSTRY, commissioner_id="c-named-off"),
            Route(POOL[1], RouteReason.COVERAGE),
        ),
        (
            Profile(SizeClass.SMALL_MICRO, Industry.SERVICES, commissioner_id="c-designated-2"),
            Route(POOL[2], RouteReason.NAMED),
        ),
        (Profile(SizeClass.ABOVE_100M, Industry.OTHER), Route(POOL[0], RouteReason.COVERAGE)),
        (None, Route(None, RouteReason.UNKNOWN_CALLER)),
    ],
    ids=["coverage", "inactive-named", "named", "broadest-only", "unknown"],
)
def test_the_result_does_not_depend_on_the_order_of_the_candidates(enterprise, expected):
    rng = random.Random(20261127)
    for _ in range(50):
        shuffled = POOL[:]
        rng.shuffle(shuffled)
        assert route(enterprise, shuffled) == expected
    assert route(enterprise, reversed(POOL)) == expected


def test_the_candidates_may_be_any_iterable_read_once():
    candidates = (c for c in POOL)  # a generator: storage pages streamed in

    assert route(DESIGNATED_INDUSTRY, candidates) == Route(POOL[1], RouteReason.COVERAGE)
