"""The token rules of segmentation: which parts of speech are content, which single
characters are kept, the placeholders of the cleaning stage, and how tokens unknown to every
dictionary are tagged.

:class:`~textkit.segment.segmenter.Segmenter` reads these constants; every one of them is
part of a segmenter's fingerprint, so a changed rule never reads old cached cuts.
"""

from __future__ import annotations

import re

__all__ = [
    "CONTENT_POS",
    "DEFAULT_KEEP_SINGLE",
    "PLACEHOLDER_RE",
    "PLACEHOLDER_UNITS",
    "UNKNOWN_EDGE_CHARS",
]

#: Version of the tokenization rules; part of every fingerprint so caches invalidate
#: when the rules change.
_RULES_VERSION = "1"

#: Parts of speech kept by ``tokenize`` when ``pos_filter=True`` (jieba / ICTCLAS tags):
#: nouns (n, nr, nrt, nrfg, ns, nt, nz, ng), verbs and verbal nouns (v, vn, vg, vi, vd),
#: adjectives (a, an, ag), idioms and fixed phrases (i, l), abbreviations (j),
#: distinguishing words (b), place words (s), Latin words (eng) and words unknown to the
#: dictionaries that are two or more CJK characters long (un). Dropped: adverbs (d, ad),
#: pronouns (r), prepositions (p), conjunctions (c), particles (u*), numerals and
#: quantifiers (m, mq, q), time words (t), directional words (f), interjections and
#: onomatopoeia (e, o, y), morphemes (g, zg, dg, ...) and symbols (x).
CONTENT_POS: frozenset[str] = frozenset(
    "n nr nrt nrfg ns nt nz ng v vn vg vi vd a an ag i l j b s eng un".split()
)

#: Single characters that carry meaning in governance texts and are kept by ``tokenize``
#: although single characters are dropped otherwise: party, law, rights, people, and the
#: administrative levels (village, town, township, district, county, city, province,
#: state), plus 官 (official), 警 (police), 税 (tax), 地 (land), 粮 (grain), 房 (housing),
#: 田 (fields) and 钱 (money).
DEFAULT_KEEP_SINGLE: frozenset[str] = frozenset("党法权民村镇乡区县市省国官警税地粮房田钱")

#: Units that the cleaning stage's placeholder rules put after ``某`` (xx局 -> 某局); the
#: segmenter adds ``某`` + each unit to its dictionary so every placeholder is one token.
#: ``tests/segment/test_segmenter.py`` checks this list against ``cleaning_rules.yaml``.
PLACEHOLDER_UNITS = (
    "省", "市", "县", "区", "镇", "乡", "村", "街道", "街", "社区", "州", "盟", "旗", "局",
    "委", "办", "厅", "所", "队", "公司", "单位", "小区", "组", "乡镇", "厂", "校",
    "年", "月", "日",
)  # fmt: skip

#: Placeholder tokens produced by the cleaning stage (``某`` + unit) and 某某 (a person).
PLACEHOLDER_RE = re.compile(
    "^某(?:某|" + "|".join(sorted(PLACEHOLDER_UNITS, key=lambda u: (-len(u), u))) + ")$"
)

_PLACEHOLDER_TAGS = {"某年": "t", "某月": "t", "某日": "t", "某某": "nr"}

#: Unknown words (tag ``un``, joined by jieba's HMM) that start or end with one of these
#: function characters are HMM artefacts (由镇, 以村, 这是, 我乡, 中来) and are dropped by
#: ``tokenize``.
UNKNOWN_EDGE_CHARS = frozenset(
    "的了是在和与及等对把被之也都而并为将从以于就其或又很所着过这那个们有我你他由各每一来中即到向给让使"
)

_NUMBER_RE = re.compile(
    r"^[+\-]?[\d０-９]+(?:[.．,，:：/\-~～][\d０-９]+)*[%％‰]?$"
    r"|^[零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟]+$"
)
_LATIN_RE = re.compile(r"^[A-Za-zＡ-Ｚａ-ｚ][A-Za-zＡ-Ｚａ-ｚ0-9０-９.\-_+#&]*$")
_CJK_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_USERDICT_WORD_OK = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+$")  # jieba's re_han_default


def _rule_tag(word: str) -> str:
    if _NUMBER_RE.match(word):
        return "m"
    if _LATIN_RE.match(word):
        return "eng"
    if len(word) >= 2 and _CJK_RE.match(word):
        return "un"
    if len(word) == 1 and _CJK_RE.match(word):
        return "g"
    return "x"
