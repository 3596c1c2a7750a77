"""Chinese word segmentation (分词) for searching text: jieba 0.42.1 with the search
dictionary beside this file (jieba's 60,000 most frequent words and the county's own terms,
built by ``infra/segmentation_dict.py``).

Both sides of a search go through :func:`terms`: the text of what is searched (once, when it
is written) and the words asked, so they are cut the same way. The tokenizer is made on the
first call, not at import (about 0.1 s, once per process; a Lambda that never searches never
pays it), and keeps jieba's cache file in the temporary directory (``/tmp`` on Lambda, the
only writable place there).
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import unicodedata
from pathlib import Path
from typing import Any

#: Bump when the dictionary or the rules below change: terms stored with another version are
#: computed again when read.
TERMS_VERSION = 1
DICTIONARY = Path(__file__).with_name("dictionary.txt")

#: Words that say nothing about what is asked (question words, pronouns, particles, "please",
#: "consult"): left out of the terms of both sides.
_STOPWORDS = """
    的 地 得 了 着 过 吗 呢 吧 啊 呀 么 嘛 哦 哈 是 有 在 和 与 及 或 等 把 被 对 就 都 也 还 又
    要 会 能 可 我 你 他 她 它 您 我们 你们 他们 咱们 这 那 这个 那个 这些 那些 哪 哪些 哪个
    哪里 什么 怎么 怎样 怎么样 如何 为什么 为何 多少 多久 几 是否 能否 可否 可以 能不能 有没有
    是不是 需要 请问 咨询 一下 想 想要 想问 了解 问 问问 问题 情况 关于 相关 给 让 从 到 向 为
    以 之 其 该 此 并 而 但 如果 一个 一些 没有 不 没 请 你好 您好 谢谢 麻烦 现在 目前 已经 还是
    然后 因为 所以 这样 那样 具体 一般 比较 非常 下 上 中 里 个 家 怎么办 咋办 咋 啥
"""
STOPWORDS = frozenset(_STOPWORDS.split())

_WORD = re.compile(r"\w", re.UNICODE)
_lock = threading.Lock()
_tokenizer: Any = None


def tokenizer() -> Any:
    """The process's jieba tokenizer on the search dictionary (made on first use)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba  # deferred: the dictionary costs time and memory only when used

                jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines
                made = jieba.Tokenizer(dictionary=str(DICTIONARY))
                made.tmp_dir = tempfile.gettempdir()
                made.initialize()
                _tokenizer = made
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width letters and digits as ASCII (NFKC), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str) -> list[str]:
    """The words of ``text`` that a search matches on, in order, repeats kept: jieba's search
    mode (a long word and the dictionary words inside it: 毕业生 → 毕业, 毕业生), lower case,
    without punctuation, spaces and :data:`STOPWORDS`."""
    if not text:
        return []
    out = []
    for token in tokenizer().cut_for_search(normalize(text)):
        word = token.strip()
        if word and _WORD.search(word) and word not in STOPWORDS:
            out.append(word)
    return out


def query_terms(text: str) -> list[str]:
    """The distinct terms of what was asked, in the order asked."""
    return list(dict.fromkeys(terms(text)))
