"""The common problems' grouping (共性诉求, docs/meetings.md) at a county's scale: N open
appeals over 500 enterprises and nine categories, a tenth of them raising one of 40 shared
problems in their own words, the rest each its own. Prints the pairs compared, the pairs
difflib measured (after the character-pair bound), the groups and the seconds taken, and
the reading's DynamoDB requests (one per ``COMMON_PAGE`` listing copies). Figures only.

    .venv/bin/python bench/bench_common_problems.py [open appeals ...]
"""

from __future__ import annotations

import math
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = "道路破损用电增容招工困难贴息贷款环评审批消防验收用地指标人才公寓出口退税水电报装厂房租金" \
        "物流成本设备更新技术改造专利申请融资担保排污许可安全生产职工子女入学公交线路"  # fmt: skip


def main(sizes: list[int]) -> None:
    from chalicelib.clock import BEIJING
    from chalicelib.domain import common_problems as cp
    from chalicelib.domain.appeal import similarity
    from chalicelib.domain.codes import Category
    from chalicelib.store.appeal_search import COMMON_PAGE
    from tests.unit.test_lifecycle import file_appeal

    rng = random.Random(7)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)
    categories = list(Category)
    shared = ["".join(rng.sample(WORDS, 24)) for _ in range(40)]
    template = file_appeal(at=now - timedelta(days=20))
    measured = 0
    real = similarity.text_similarity

    def counted(a: str, b: str) -> float:
        nonlocal measured
        measured += 1
        return real(a, b)

    cp.text_similarity = counted  # type: ignore[assignment]
    for n in sizes:
        appeals = []
        for i in range(n):
            a = template.model_copy(deep=True)
            a.id = f"XQT-20261101-{i:05d}"
            a.created_at = (now - timedelta(minutes=n - i)).isoformat()
            a.enterprise.uscc = f"U{rng.randrange(500):04d}"
            if rng.random() < 0.1:
                k = rng.randrange(40)
                a.category = categories[k % 9]
                words = list(shared[k])
                for _ in range(6):  # their own words: a few characters changed
                    words[rng.randrange(len(words))] = rng.choice(WORDS)
                a.title, a.content = shared[k][:6], "".join(words) + ",请协调解决。"
            else:
                a.category = rng.choice(categories)
                a.title, a.content = "诉求", "".join(rng.sample(WORDS, 30))
            appeals.append(a)
        pairs = sum(math.comb(sum(1 for a in appeals if a.category == c), 2) for c in categories)
        measured = 0
        began = time.perf_counter()
        groups = cp.group(appeals, now, cp.Thresholds())
        seconds = time.perf_counter() - began
        print(
            f"N={n}: requests {math.ceil(n / COMMON_PAGE) + 1} (open pages + closed range), "
            f"items read {n}; pairs {pairs}, measured by difflib {measured}; "
            f"groups {len(groups)} ({sum(len(g.appeal_ids) for g in groups)} appeals); "
            f"{seconds:.2f} s"
        )


if __name__ == "__main__":
    main([int(x) for x in sys.argv[1:]] or [1000, 3000])
