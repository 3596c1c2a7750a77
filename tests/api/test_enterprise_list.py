"""企业管理's register list (issue 19 item 6): filters by size class, industry, town,
commissioner and flags, name (pinyin) or latest-activity order, 共 N 条 and real pages —
counted over the search snapshot, never a scan (docs/search.md "Browsing")."""

from __future__ import annotations

from pypinyin import lazy_pinyin

from chalicelib.domain.enterprise import with_check_character
from tests.api.conftest import conforms
from tests.api.test_enterprises import NEW


def _all(api, query: str, limit: int = 7) -> tuple[list[dict], int, int]:
    """Every page of a query: the items, the total each page said, the pages walked."""
    seen: list[dict] = []
    totals: set[int] = set()
    cursor, pages = None, 0
    while True:
        path = f"/api/v1/enterprises?{query}&limit={limit}" + (
            f"&cursor={cursor}" if cursor else ""
        )
        r = api.call("GET", path, as_user="admin")
        assert r.status_code == 200, r.data
        seen += r.data["items"]
        totals.add(r.data["total"])
        pages += 1
        cursor = r.data["next_cursor"]
        if not cursor:
            break
    assert len(totals) == 1
    return seen, totals.pop(), pages


def _register(api) -> list[dict]:
    return _all(api, "sort=uscc", limit=100)[0]


def test_name_order_is_pinyin_and_pages_count_every_enterprise_once(api):
    every = _register(api)
    items, total, pages = _all(api, "sort=name")
    assert total == len(items) == len(every) >= 32
    assert len({e["uscc"] for e in items}) == total
    assert pages == -(-total // 7)
    keys = ["".join(lazy_pinyin(e["name"])) for e in items]
    assert keys == sorted(keys)


def test_each_filter_narrows_and_the_total_counts_the_narrowed_list(api):
    every = _register(api)
    sample = next(e for e in every if e.get("town") and e.get("commissioner_id"))
    cases = {
        f"size_class={sample['size_class']}": lambda e: e["size_class"] == sample["size_class"],
        f"industry={sample['industry']}": lambda e: e["industry"] == sample["industry"],
        f"town={sample['town']}": lambda e: e.get("town") == sample["town"],
        f"commissioner_id={sample['commissioner_id']}": lambda e: (
            e.get("commissioner_id") == sample["commissioner_id"]
        ),
        "key_tech=true": lambda e: e["flags"]["key_tech"],
        "major_project=false": lambda e: not e["flags"]["major_project"],
    }
    for query, admits in cases.items():
        items, total, _ = _all(api, f"{query}&sort=name")
        want = {e["uscc"] for e in every if admits(e)}
        assert {e["uscc"] for e in items} == want, query
        assert total == len(want) and total > 0, query
    both, total, _ = _all(api, f"town={sample['town']}&size_class={sample['size_class']}")
    assert total == len(both) and all(
        e["town"] == sample["town"] and e["size_class"] == sample["size_class"] for e in both
    )


def test_a_write_is_listed_at_once_and_recent_puts_it_first(api):
    body = {**NEW, "uscc": with_check_character("91320623MA1TLTT00"), "name": "阿尔法测试有限公司"}
    assert api.call("POST", "/api/v1/enterprises", body, as_user="admin").status_code == 201
    r = api.call("GET", "/api/v1/enterprises?sort=recent&limit=1", as_user="admin")
    assert r.data["items"][0]["uscc"] == body["uscc"]
    first = api.call("GET", "/api/v1/enterprises?sort=name&limit=1", as_user="admin")
    assert first.data["items"][0]["name"] == "阿尔法测试有限公司"  # a… before every other
    town = api.call("GET", "/api/v1/enterprises?town=马塘镇&key_tech=true", as_user="admin")
    assert body["uscc"] in {e["uscc"] for e in town.data["items"]}
    patched = api.call(
        "PATCH",
        f"/api/v1/enterprises/{body['uscc']}",
        {"version": 1, "town": "洋口镇"},
        as_user="admin",
    )
    assert patched.status_code == 200, patched.data
    again = api.call("GET", "/api/v1/enterprises?town=马塘镇&key_tech=true", as_user="admin")
    assert body["uscc"] not in {e["uscc"] for e in again.data["items"]}
    assert again.data["total"] == town.data["total"] - 1


def test_q_with_filters_keeps_best_first_and_counts(api):
    every = _register(api)
    sample = every[0]
    q = sample["name"][:2]
    r = api.call("GET", f"/api/v1/enterprises?q={q}&industry={sample['industry']}", as_user="admin")
    assert r.status_code == 200, r.data
    assert sample["uscc"] in {e["uscc"] for e in r.data["items"]}
    assert all(e["industry"] == sample["industry"] for e in r.data["items"])
    assert r.data["total"] == len(r.data["items"]) or r.data["next_cursor"]


def test_bad_filters_are_400_naming_the_field(api):
    for query, field in (
        ("size_class=huge", "size_class"),
        ("industry=mining", "industry"),
        ("town=", "town"),
        ("key_tech=maybe", "key_tech"),
        ("major_project=2", "major_project"),
        ("sort=credit", "sort"),
        ("commissioner_id=%3Cscript%3E", "commissioner_id"),
        ("phone=13812345678&town=马塘镇", "town"),
        ("sort=name&cursor=!!!", "cursor"),
        ("sort=name&limit=101", "limit"),
        ("sizeclass=small_micro", "sizeclass"),
    ):
        r = api.call("GET", f"/api/v1/enterprises?{query}", as_user="admin")
        assert r.status_code == 400, (query, r.data)
        assert r.data["errors"][0]["field"] == field, (query, r.data)


def test_old_calls_keep_their_meaning(api, document):
    plain = api.call("GET", "/api/v1/enterprises?limit=5", as_user="supervisor")
    assert plain.status_code == 200 and set(plain.data) == {"items", "next_cursor"}
    conforms(document, "GET", "/api/v1/enterprises", plain)  # total is optional, not required
    browsed = api.call("GET", "/api/v1/enterprises?limit=5&sort=name", as_user="supervisor")
    assert browsed.status_code == 200 and "total" in browsed.data
    conforms(document, "GET", "/api/v1/enterprises", browsed)
    usccs = [e["uscc"] for e in plain.data["items"]]
    assert usccs == sorted(usccs)


def test_the_list_reads_the_snapshot_and_a_first_format_snapshot_is_rebuilt(api):
    from chalicelib import clock
    from chalicelib.domain import search
    from chalicelib.jobs import search_snapshot
    from chalicelib.store import enterprise_search

    before, total, _ = _all(api, "sort=name&key_tech=true", limit=100)
    assert search_snapshot.run(clock.now())["rebuilt"] >= 32
    enterprise_search.forget()  # a container starting now: the rows come from the snapshot
    after, again, _ = _all(api, "sort=name&key_tech=true", limit=100)
    assert [e["uscc"] for e in after] == [e["uscc"] for e in before] and again == total
    # a snapshot written before the list's fields: seven fields a row
    _, rows = enterprise_search.read_snapshot()
    old = [search.Row.from_json(r.to_json()[:7]) for r in rows]
    assert not search.complete(old)
    enterprise_search.write_snapshot(old, enterprise_search.stamp(), "2026-12-07T00:00:00Z", False)
    result = search_snapshot.run(clock.now())
    assert result.get("rebuilt", 0) >= 32, result
    _, rebuilt = enterprise_search.read_snapshot()
    assert search.complete(rebuilt)


def test_a_page_number_jumps_to_that_page(api):
    items, total, _ = _all(api, "sort=name", limit=5)
    third = api.call("GET", "/api/v1/enterprises?sort=name&limit=5&page=3", as_user="admin")
    assert third.status_code == 200 and third.data["total"] == total
    assert [e["uscc"] for e in third.data["items"]] == [e["uscc"] for e in items[10:15]]
    past = api.call("GET", f"/api/v1/enterprises?sort=name&limit=5&page={total}", as_user="admin")
    assert past.data["items"] == [] and past.data["next_cursor"] is None
    for query in ("page=0", "page=x", "page=2&cursor=eyJvZmZzZXQiOjV9", "phone=13812345678&page=2"):
        r = api.call("GET", f"/api/v1/enterprises?{query}", as_user="admin")
        assert r.status_code == 400 and r.data["errors"][0]["field"] == "page", (query, r.data)
