"""Build the search dictionary (``chalicelib/segmentation/dictionary.txt``) from jieba's own.

jieba's dictionary has 349,046 words; loading it costs about 0.55 s and 65 MB in a fresh
process (measured here; more on a small Lambda). Searching needs the same segmentation of a
question and of the articles, not every rare word: the 60,000 most frequent words segment
the service centre's questions the same way (docs/knowledge.md) and load in about 0.08 s.
The county's own terms are added so that they stay one word (残保金, not 残 / 保金).

Run ``.venv/bin/python -m infra.segmentation_dict`` after changing the words or the jieba
pin; tests/unit/test_knowledge.py fails while the committed file differs from this output.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "chalicelib" / "segmentation" / "dictionary.txt"
#: How many of jieba's words (the most frequent) the search dictionary keeps.
KEEP = 60_000
#: The frequency a county term gets: high enough that jieba keeps it whole.
TERM_FREQUENCY = 3000
#: Terms of enterprise services in 如东县 that must stay one word.
COUNTY_TERMS = (
    "稳岗返还",
    "稳岗",
    "扩岗补助",
    "社保补贴",
    "高校毕业生",
    "残保金",
    "残疾人就业保障金",
    "企业开办",
    "一网通办",
    "一窗通",
    "用地指标",
    "工业用地",
    "环评",
    "环评批复",
    "排污许可",
    "消防验收",
    "消防备案",
    "贴息贷款",
    "贴息",
    "高企",
    "高企认定",
    "高新技术企业",
    "研发费用",
    "加计扣除",
    "出口退税",
    "人才公寓",
    "水电气",
    "报装",
    "专精特新",
    "小巨人",
    "技改",
    "技改补助",
    "首贷",
    "转贷",
    "应急转贷",
    "融资担保",
    "电子营业执照",
    "施工许可",
    "联合验收",
    "不动产登记",
    "如东",
    "如东县",
    "洋口港",
    "掘港",
    "长江镇",
)


def jieba_dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


def build() -> str:
    """The dictionary's text: the most frequent words (ties by the word, so the output does
    not depend on jieba's file order), then the county's terms."""
    words: list[tuple[int, str, str]] = []
    for line in jieba_dictionary().read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            words.append((int(parts[1]), parts[0], parts[2] if len(parts) > 2 else "n"))
    words.sort(key=lambda w: (-w[0], w[1]))
    kept = {w: (f, tag) for f, w, tag in words[:KEEP]}
    for term in COUNTY_TERMS:
        freq, tag = kept.get(term, (0, "n"))
        kept[term] = (max(freq, TERM_FREQUENCY), tag)
    return "".join(f"{w} {f} {tag}\n" for w, (f, tag) in kept.items())


def main() -> int:
    TARGET.write_text(build(), encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(build().splitlines())} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
