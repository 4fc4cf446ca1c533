"""Robustness fault suite (issue 9): bad files, bad text, bad settings; nothing silently lost.

Every fixture is generated in code (bytes written to ``tmp_path``), never downloaded. Each
case asserts the expected behaviour: a clear error naming the file / line / setting, or a
documented repair, and the item accounted for in the run's report
(files = read + rejected by reason; articles found = kept + flagged + quarantined).

Case -> tests (here unless a file is named; unit tests elsewhere are referenced, not copied)

| #  | case                                                  | tests |
|----|-------------------------------------------------------|-------|
| 1  | zero-byte and whitespace-only files                   | test_01_empty_and_whitespace_only_files_rejected |
| 2  | binary (PDF/JPEG/...) named .txt/.html                | test_02_binary_files_rejected |
| 3  | GB2312 label, characters outside GB2312               | test_03_gb2312_label_read_as_gb18030 |
| 4  | meta charset disagrees with the bytes                 | test_04_meta_charset_is_a_hint_and_disagreement_recorded |
| 5  | Big5-HKSCS page                                       | test_05_big5_hkscs_page; corpus/test_ingest.py::test_tie_between_gb18030_and_big5_broken_by_bytes |
| 6  | UTF-8 BOM, UTF-16 BOM, BOM in mid-file                | test_06_byte_order_marks |
| 7  | mixed encodings in one file                           | test_07_mixed_encodings_rejected_naming_the_line |
| 8  | truncated multibyte character at EOF                  | test_08_truncated_character_repaired_and_recorded, test_08_truncation_repair_off_rejects, test_property_truncated_utf8_is_repaired_not_misread |
| 9  | '????', U+FFFD, 锟斤拷 runs                           | test_09_mojibake_measured_and_quarantined, test_09_damage_ratio_and_threshold |
| 10 | placeholder masks kept as one token each              | test_10_placeholder_masks_rewritten, test_10_placeholder_is_one_token |
| 11 | full-width digits, U+3000, NBSP, zero-width in words  | test_11_width_and_invisible_characters; corpus/test_clean.py::test_rules_on_snippets |
| 12 | Kangxi radicals, CJK compatibility ideographs         | test_12_kangxi_radicals_and_compatibility_ideographs |
| 13 | traditional/simplified traps (乾安县)                 | test_13_traditional_simplified_traps |
| 14 | a page that is only boilerplate                       | test_14_boilerplate_only_page_reported |
| 15 | a 5 MB single line                                    | test_15_five_megabyte_single_line; segment/test_segmenter.py::test_five_megabyte_single_line |
| 16 | same article under two names; reprint with new date   | test_16_copies_and_reprints_grouped_never_dropped |
| 17 | documents shorter than the shingle size               | test_17_short_documents_exact_hash_only |
| 18 | user dictionary: BOM, CRLF, no freq, spaces, GBK      | test_18_user_dictionary_faults; segment/test_dictionary.py::test_userdict_bom_crlf_missing_freq, test_userdict_spaces_repaired_or_rejected, test_userdict_gbk, test_userdict_bad_word_and_freq |
| 19 | settings that leave nothing to fit                    | test_19_settings_that_leave_nothing_to_fit; dtm/test_vectorizer.py::test_impossible_settings_raise; topics/test_lda.py::test_bad_settings_raise_before_work; core/test_lexicon.py::test_malformed_lexicon_names_file_and_line |
| 20 | PYTHONHASHSEED 0 vs 1, 1 vs 2 BLAS threads            | test_20_reproducible_across_hash_seeds_and_blas_threads; topics/test_lda.py::test_identical_across_processes_and_hash_seeds; plots/test_plots.py::test_reruns_are_byte_identical_across_processes_and_hash_seeds |

Properties (hypothesis): cleaning is idempotent (test_property_cleaning_is_idempotent,
test_property_dedup_normalisation_is_idempotent); without filters ``"".join(tokens)`` is the
text (segment/test_segmenter.py::test_cut_joins_back, test_cut_joins_back_any_text); every document is
a near-duplicate of itself (test_property_every_document_is_its_own_duplicate); grouping
does not depend on input order (test_property_grouping_ignores_input_order); every report
accounts for every input (test_property_report_accounts_for_every_input,
test_hostile_build_accounts_for_every_input). Atomic writes: test_atomic_write_*,
test_killed_corpus_build_leaves_nothing_that_looks_valid. No pickle:
test_no_pickle_loading_in_the_library, test_model_loader_refuses_planted_pickle.
"""

from __future__ import annotations

import ast
import codecs
import json
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textkit as tk
from textkit.core import io as _io
from textkit.corpus.build import CorpusError, build_corpus, load_corpus, write_corpus
from textkit.corpus.clean import CleanConfig, clean_documents, clean_text, damage_ratio
from textkit.corpus.dedup import DedupConfig, find_duplicates, normalise
from textkit.corpus.ingest import REJECT_KINDS, IngestConfig, decode_bytes

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "corpus" / "raw"

#: A short governance article (simplified), long enough to survive the boilerplate filter.
ZH = "乡镇社会治理创新工作方案，加强基层治理体系建设，维护社会和谐稳定。"
#: Traditional text with HKSCS-only characters (哋, 嘅 are not in plain Big5).
ZH_HK = "基層治理體制機制，維護社會和諧穩定，我哋嘅社區服務要做好。"
#: A longer article of distinct sentences (for near-duplicate tests).
LONG = "\n".join(
    [
        "为深入推进基层社会治理现代化，结合本镇实际，制定本工作方案。",
        "坚持党建引领，健全自治、法治、德治相结合的乡村治理体系。",
        "完善网格化服务管理，每个网格配备专职网格员，做到情况清、底数明。",
        "建立矛盾纠纷多元化解机制，小事不出村、大事不出镇、矛盾不上交。",
        "推进公共法律服务进村入户，每村配备一名法律顾问，开展普法宣传。",
        "加强社会治安防控体系建设，开展平安村居创建，提高群众安全感。",
        "规范信访工作程序，依法分类处理群众诉求，及时就地解决合理诉求。",
        "发挥村民议事会和红白理事会作用，引导村民依法有序参与村务管理。",
        "强化考核督查，把基层治理工作纳入年度目标考核，确保各项措施落实。",
    ]
)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tkcache"))


def _html(body: str, charset: str, title: str = "") -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}</title><script>var x = 1;</script></head><body>"
        + "".join(f"<p>{p}</p>" for p in body.split("\n"))
        + "</body></html>"
    )


def _hostile_files() -> dict[str, bytes]:
    """One file per file-level fault (cases 1-16), plus a plain page."""
    rnd = random.Random(9)
    gb_html = _html(
        ZH + "\n朱镕基同志指出：基层治理关键在人，䶮字也要读对。", "gb2312", "朱镕基谈治理"
    )
    files = {
        "plain.txt": ("基层治理工作方案\n" + ZH + "\n").encode("utf-8"),
        # 1
        "c01_empty.txt": b"",
        "c01_blank.txt": " \n\t \r\n\u3000\n\u00a0".encode(),
        # 2
        "c02_scan.txt": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
        "c02_photo.html": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + rnd.randbytes(64),
        "c02_archive.txt": b"PK\x03\x04" + rnd.randbytes(64),
        "c02_noise.txt": bytes(rnd.randrange(256) for _ in range(4000)),
        "c02_script_only.html": b"<html><head><script>var a = 1;</script></head><body></body></html>",
        # 3
        "c03_gb2312.html": gb_html.encode("gb18030"),
        "c03_gb18030.txt": ("基层治理工作经验\n" + ZH + "\n").encode("gb18030"),
        # 4
        "c04_says_big5.html": _html(ZH, "big5").encode("utf-8"),
        "c04_says_utf8.html": _html(ZH, "utf-8").encode("gb18030"),
        # 5
        "c05_hkscs.txt": ZH_HK.encode("big5hkscs"),
        # 6
        "c06_bom_crlf.txt": codecs.BOM_UTF8 + (ZH + "\r\n第二段：" + ZH + "\r\n").encode(),
        "c06_utf16le.txt": codecs.BOM_UTF16_LE + ZH.encode("utf-16-le"),
        "c06_utf16be.txt": codecs.BOM_UTF16_BE + ZH.encode("utf-16-be"),
        "c06_midbom.txt": (ZH + "\ufeff" + ZH).encode(),
        # 7
        "c07_mixed.txt": (ZH + "\n").encode() + ("第二段：" + ZH + "\n").encode("gb18030"),
        "c07_corrupt.txt": ZH.encode()[:9] + b"\xff\xfe\xff" + ZH.encode(),
        "c07_mixed_gbk_first.txt": ("第一段：" + ZH + "\n").encode("gb18030")
        + (ZH + "\n").encode(),
        # 8
        "c08_cut_utf8.txt": ZH.encode() + "稳".encode()[:2],
        "c08_cut_gb18030.txt": ZH.encode("gb18030") + "稳".encode("gb18030")[:1],
        # 9
        "c09_damaged.txt": (
            "治理" + "????????" * 20 + "\n" + "锟斤拷" * 10 + "\ufffd" * 9
        ).encode(),
        "c09_scratched.txt": (ZH + "????" + ZH + "\ufffd" + ZH).encode(),
        # 14
        "c14_chrome.txt": (
            "公文素材库 首页\n时间:2019-05-22 11:24:58 网站:公文素材库\n相关阅读\n最近更新\n"
            "http://m.bsmz.net/gongwen/1.html\n"
        ).encode(),
        # 16
        "c16_a.txt": ("乡镇基层治理工作方案\n2015年3月1日\n" + LONG + "\n").encode(),
        "c16_a_copy.txt": ("乡镇基层治理工作方案\n2015年3月1日\n" + LONG + "\n").encode(),
        "c16_reprint.txt": ("乡镇基层治理工作方案\n2016年7月9日\n" + LONG + "\n").encode(),
    }
    return files


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile") / "raw"
    d.mkdir()
    for name, data in _hostile_files().items():
        (d / name).write_bytes(data)
    (d / ".hidden").write_bytes(b"skipped: hidden files are not corpus input, but listed")
    build = build_corpus(d)
    return d, build


@pytest.fixture(scope="module")
def pages(hostile):
    return hostile[1].pages.set_index("source_file")


@pytest.fixture(scope="module")
def docs(hostile):
    return hostile[1].documents.set_index("doc_id")


def _rejected(pages, name, kind, *words):
    row = pages.loc[name]
    assert row["status"] == "rejected", (name, row["reason"])
    assert row["reject_kind"] == kind, (name, row["reject_kind"], row["reason"])
    assert row["reason"].startswith(f"{name}: "), row["reason"]
    assert row["text"] == "" and row["n_articles"] == 0
    for w in words:
        assert w in row["reason"], (w, row["reason"])
    return row


def _read_ok(pages, name, encoding):
    row = pages.loc[name]
    assert row["status"] == "ok", (name, row["reason"])
    assert row["encoding"] == encoding, (name, row["encoding"])
    return row


# ------------------------------------------------------------------ the whole run's accounting


def test_hostile_build_accounts_for_every_input(hostile):
    d, build = hostile
    r = build.report
    entries = sorted(p.name for p in d.iterdir())
    assert [p["file"] for p in r["pages"]] == entries
    names = [n for n in entries if not n.startswith(".")]
    files = r["files"]
    assert files["total"] == len(names) == files["read"] + files["rejected"]
    # the hidden file is not read, but it is listed as skipped, with its reason
    assert r["entries"]["total"] == len(entries) == files["total"] + r["entries"]["skipped"]
    assert r["skipped_entries"] == [
        {
            "entry": ".hidden",
            "kind": "hidden",
            "reason": ".hidden: hidden file (name starts with '.')",
        }
    ]
    assert sum(r["rejected_by_reason"].values()) == files["rejected"]
    assert r["rejected_by_reason"] == {
        "binary": 4,
        "empty": 1,
        "mixed_encoding": 2,
        "no_text": 1,
        "undecodable": 1,
        "whitespace": 1,
    }
    assert set(r["rejected_by_reason"]) <= set(REJECT_KINDS)
    assert {x["file"] for x in r["rejected_files"]} == {
        p["file"] for p in r["pages"] if p["status"] == "rejected"
    }
    a = r["articles"]
    assert a["found"] == len(build.documents) == a["kept"] + a["flagged"] + a["quarantined"]
    assert sum(r["articles_per_file"].values()) == a["found"]
    assert a["dropped_boilerplate"] == sum(p["n_dropped"] for p in r["pages"]) >= 1
    # the written report says the same, in JSON and in Markdown
    md = tk.corpus.report.render_report_md(r)
    assert a["identity"] in md and "rejected (" in md
    for kind, n in r["rejected_by_reason"].items():
        assert f"{kind}: {n}" in md


# ------------------------------------------------------------------------------- 1-8 ingest


def test_01_empty_and_whitespace_only_files_rejected(pages, hostile):
    _rejected(pages, "c01_empty.txt", "empty", "empty file (0 bytes)")
    _rejected(pages, "c01_blank.txt", "whitespace", "whitespace-only")
    by = hostile[1].report["rejected_by_reason"]
    assert by["empty"] == 1 and by["whitespace"] == 1


def test_02_binary_files_rejected(pages):
    _rejected(pages, "c02_scan.txt", "binary", "PDF")
    _rejected(pages, "c02_photo.html", "binary", "JPEG")
    _rejected(pages, "c02_archive.txt", "binary", "ZIP")
    _rejected(pages, "c02_noise.txt", "binary", "NUL byte at offset")
    _rejected(pages, "c02_script_only.html", "no_text", "HTML page without any text")


def test_03_gb2312_label_read_as_gb18030(pages, docs):
    for ch in "镕䶮":
        with pytest.raises(UnicodeEncodeError):
            ch.encode("gb2312")
    assert _read_ok(pages, "c03_gb18030.txt", "gb18030")["text"] == "基层治理工作经验\n" + ZH + "\n"
    row = _read_ok(pages, "c03_gb2312.html", "gb18030")
    assert "declared charset" not in row["repairs"]  # GB2312 is read as its superset
    assert row["page_title"] == "朱镕基谈治理"
    text = docs.loc["c03_gb2312#01", "text"]
    assert "朱镕基同志指出：基层治理关键在人，䶮字也要读对。" in text
    assert "<p>" not in text and "var x" not in text


def test_04_meta_charset_is_a_hint_and_disagreement_recorded(pages, docs):
    for name, enc, said in (
        ("c04_says_big5.html", "utf-8", "big5"),
        ("c04_says_utf8.html", "gb18030", "utf-8"),
    ):
        row = _read_ok(pages, name, enc)
        assert (
            f"declared charset '{said}' disagrees with the bytes; decoded as {enc}"
            in (row["repairs"])
        )
        assert docs.loc[name.split(".")[0] + "#01", "text"] == ZH
    # a short text valid in both GB18030 and Big5: the declaration breaks the tie
    assert decode_bytes(b'<meta charset="gb2312"><p>' + "治理".encode("gb18030")).encoding == (
        "gb18030"
    )


def test_05_big5_hkscs_page(pages, docs):
    with pytest.raises(UnicodeEncodeError):
        ZH_HK.encode("big5")  # HKSCS characters: plain Big5 cannot hold this page
    row = _read_ok(pages, "c05_hkscs.txt", "big5hkscs")
    assert row["text"] == ZH_HK
    text = docs.loc["c05_hkscs#01", "text"]
    assert text.startswith("基层治理体制机制，维护社会和谐稳定")
    assert docs.loc["c05_hkscs#01", "text_raw"] == ZH_HK  # the original is kept


def test_06_byte_order_marks(pages):
    row = _read_ok(pages, "c06_bom_crlf.txt", "utf-8")
    assert row["text"] == ZH + "\n第二段：" + ZH + "\n"
    assert "utf-8 byte-order mark removed" in row["repairs"]
    for name, enc in (("c06_utf16le.txt", "utf-16-le"), ("c06_utf16be.txt", "utf-16-be")):
        row = _read_ok(pages, name, enc)
        assert row["text"] == ZH and f"{enc} byte-order mark removed" in row["repairs"]
    row = _read_ok(pages, "c06_midbom.txt", "utf-8")
    assert row["text"] == ZH + ZH
    assert "removed 1 byte-order mark(s) (U+FEFF) inside the text" in row["repairs"]


def test_07_mixed_encodings_rejected_naming_the_line(pages):
    # read as a whole in any one encoding, one of the two parts would become mojibake
    _rejected(pages, "c07_mixed.txt", "mixed_encoding", "line 2 is not UTF-8", "line 1")
    _rejected(pages, "c07_mixed_gbk_first.txt", "mixed_encoding", "line 1 is not UTF-8", "line 2")
    # a corrupt byte in a one-line file is an undecodable byte, reported with its offset
    _rejected(pages, "c07_corrupt.txt", "undecodable", "bad byte at offset 9 (0xff)")


def test_08_truncated_character_repaired_and_recorded(pages, docs):
    row = _read_ok(pages, "c08_cut_utf8.txt", "utf-8")
    assert row["text"] == ZH
    assert f"dropped 2 incomplete trailing byte(s) at offset {len(ZH.encode())}" in row["repairs"]
    row = _read_ok(pages, "c08_cut_gb18030.txt", "gb18030")
    assert row["text"] == ZH and "dropped 1 incomplete trailing byte(s)" in row["repairs"]
    assert docs.loc["c08_cut_utf8#01", "text"] == ZH


def test_08_truncation_repair_off_rejects():
    data = ZH.encode() + "稳".encode()[:2]
    res = decode_bytes(data, "cut.txt", IngestConfig(repair_truncated=False))
    assert not res.ok and res.kind == "truncated"
    assert "cut.txt" in res.reason and f"offset {len(ZH.encode())}" in res.reason
    assert "repair_truncated" in res.reason


_CJK = st.sampled_from(list("治理基层社会稳定维护服务法治网格村民调解矛盾纠纷信访群众"))


@settings(max_examples=60, deadline=None)
@given(st.lists(_CJK, min_size=6, max_size=40).map("".join), st.integers(1, 2))
def test_property_truncated_utf8_is_repaired_not_misread(text, cut):
    """UTF-8 text cut inside its last character (>= 16 non-ASCII bytes) is never mojibake."""
    res = decode_bytes(text.encode()[:-cut], "t.txt")
    assert res.ok and res.encoding == "utf-8"
    assert res.text == text[:-1]
    assert f"dropped {3 - cut} incomplete trailing byte(s)" in res.repairs[0]


# ------------------------------------------------------------------------------- 9-15 cleaning


def test_09_mojibake_measured_and_quarantined(hostile, docs):
    d = docs.loc["c09_damaged#01"]
    assert d["status"] == "quarantined" and d["damage_ratio"] > 0.5
    assert "damage ratio" in d["flag_reason"]
    assert "?" not in d["text"] and "锟斤拷" not in d["text"] and "\ufffd" not in d["text"]
    s = docs.loc["c09_scratched#01"]
    assert s["status"] != "quarantined" and 0 < s["damage_ratio"] < 0.1
    assert s["text"] == ZH + ZH + ZH
    assert json.loads(s["clean_log"])["mojibake"] == 5
    r = hostile[1].report
    assert [q["doc_id"] for q in r["quarantined"]] == ["c09_damaged#01"]
    assert r["cleaning"]["per_document"]["c09_scratched#01"]["mojibake"] == 5


def test_09_damage_ratio_and_threshold():
    good = "加强基层治理体系建设，推进乡镇社会治理现代化，维护社会稳定。" * 3
    raws = [
        good,
        "????????" + good,
        "????????????\n锟斤拷锟斤拷\ufffd\ufffd\ufffd\n治理????????????",
    ]
    table = pd.DataFrame({"doc_id": ["x#01", "x#02", "x#03"], "text_raw": raws})
    out = clean_documents(table)
    assert out["status"].tolist() == ["kept", "kept", "quarantined"]
    assert out["damage_ratio"].tolist() == [damage_ratio(r) for r in raws]
    assert out.loc[0, "damage_ratio"] == 0.0 and out.loc[2, "damage_ratio"] > 0.5
    strict = clean_documents(table, CleanConfig(quarantine_ratio=0.01))
    assert strict["status"].tolist() == ["kept", "quarantined", "quarantined"]
    assert damage_ratio("") == 0.0


MASKS = "xx镇党委书记到XX县调研，**市201*年和20xx年的会议上，某某局局长作了讲话，20__年再议。"


@pytest.fixture(scope="module")
def text_traps(tmp_path_factory):
    """Cases 10-13 as raw pages, built into the corpus."""
    d = tmp_path_factory.mktemp("traps") / "raw"
    d.mkdir()
    body = "基层治理要依靠群众，完善社区服务和矛盾纠纷调解机制，维护社会稳定。"
    pages = {
        "c10_masks.txt": MASKS + "\n" + body,
        "c11_width.txt": (
            "\u3000\u3000基层\u200b治理要在２０１８年底前完成，网格\u00a0员\u2060队伍达到１２０人。\n"
            "社区\ufeff服务\u200d中心开展ＡＢＣ培训，" + body
        ),
        "c12_kangxi.txt": "\u2f00票否决制度，\u2f08民群众满意。豈能不治？" + body,
        "c13_qianan.txt": "吉林省乾安縣和陝西乾縣，以及乾安县的基層治理。乾隆年間的舊事。" + body,
    }
    for name, text in pages.items():
        (d / name).write_text(text, encoding="utf-8")
    return build_corpus(d).documents.set_index("doc_id")


def test_10_placeholder_masks_rewritten(text_traps):
    row = text_traps.loc["c10_masks#01"]
    assert row["text"].startswith(
        "某镇党委书记到某县调研，某市某年和某年的会议上，某局局长作了讲话，某年再议。"
    )
    assert row["text_raw"].startswith(MASKS)
    assert json.loads(row["clean_log"])["placeholder"] > 0
    assert pd.isna(row["year"])  # masked years are not years


@pytest.mark.parametrize(
    ("mask", "form", "after"),
    [
        ("xx镇", "某镇", "镇长讲话"),
        ("XX县", "某县", "县长讲话"),
        ("**市", "某市", "市长讲话"),
        ("20xx年", "某年", "年底总结"),
        ("某某局", "某局", "局长讲话"),
        ("xx所", "某所", "所长讲话"),
        ("XX队", "某队", "队长讲话"),
    ],
)
def test_10_placeholder_is_one_token(mask, form, after):
    cleaned, _ = clean_text(f"{mask}{after}，研究综治工作。")
    assert cleaned == f"{form}{after}，研究综治工作。"
    assert form in tk.tokenize(cleaned), tk.tokenize(cleaned)


def test_11_width_and_invisible_characters(text_traps):
    row = text_traps.loc["c11_width#01"]
    text = row["text"]
    assert text.startswith("基层治理要在2018年底前完成，网格员队伍达到120人。")
    assert "社区服务中心开展ABC培训" in text
    assert not re.search(r"[\u200b-\u200d\u2060\ufeff\u00a0\u3000０-９Ａ-Ｚ]", text)
    assert row["year"] == 2018  # the full-width year is read after normalisation
    toks = tk.tokenize(text)
    assert "基层治理" in toks and "社区服务" in toks  # zero-width characters no longer split
    log = json.loads(row["clean_log"])
    assert log["invisible"] == 3 and log["width"] >= 10  # U+FEFF already went at ingest


def test_12_kangxi_radicals_and_compatibility_ideographs(text_traps):
    text = text_traps.loc["c12_kangxi#01", "text"]
    assert text.startswith("一票否决制度，人民群众满意。岂能不治？")
    assert not re.search(r"[\u2f00-\u2fdf\uf900-\ufaff]", text)
    assert "一票否决" in tk.tokenize(text)


def test_13_traditional_simplified_traps(text_traps):
    row = text_traps.loc["c13_qianan#01"]
    assert row["text"].startswith("吉林省乾安县和陕西乾县，以及乾安县的基层治理。乾隆年间的旧事。")
    assert "干安" not in row["text"] and "干县" not in row["text"]
    assert row["text_raw"].startswith("吉林省乾安縣和陝西乾縣")  # the original text is kept


def test_14_boilerplate_only_page_reported(pages, hostile):
    row = pages.loc["c14_chrome.txt"]
    assert row["status"] == "ok" and row["n_articles"] == 0 and row["n_dropped"] == 1
    assert "boilerplate only" in row["split_note"]
    r = hostile[1].report
    assert r["articles_per_file"]["c14_chrome.txt"] == 0
    p = next(p for p in r["pages"] if p["file"] == "c14_chrome.txt")
    assert "boilerplate only" in p["note"] and p["n_dropped"] == 1


def test_15_five_megabyte_single_line(tmp_path):
    unit = "xx镇加强基层治理,推进201*年工作:http://a.example/x 好范文版权所有 基層治理體制（注）"
    text = unit * (5_000_000 // len(unit.encode("utf-8")))
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "huge.txt").write_text(text, encoding="utf-8")
    assert (raw / "huge.txt").stat().st_size > 4_900_000 and "\n" not in text
    build = build_corpus(raw)
    assert build.report["articles"]["found"] == 1
    out = build.documents.loc[0, "text"]
    assert out.startswith("某镇加强基层治理，推进某年工作：")
    assert "http" not in out and "好范文" not in out and "基层治理体制" in out
    log = build.report["cleaning"]["chars_by_rule"]
    assert log["url"] > 0 and log["watermark"] > 0 and log["opencc"] > 0


# --------------------------------------------------------------------------- 16-17 dedup


def test_16_copies_and_reprints_grouped_never_dropped(docs, hostile):
    ids = ["c16_a#01", "c16_a_copy#01", "c16_reprint#01"]
    g = docs.loc[ids]
    assert g["dup_group"].nunique() == 1 and g["dup_group"].notna().all()
    assert g["is_duplicate"].sum() == 2  # one canonical member, two flagged, none dropped
    canon = g.loc[~g["is_duplicate"]].index[0]
    assert canon == "c16_a#01"  # the longest text, ties broken by the smallest doc_id
    assert docs.loc["c16_a_copy#01", "similarity"] == 1.0
    assert 0.8 <= docs.loc["c16_reprint#01", "similarity"] < 1.0
    for i in ("c16_a_copy#01", "c16_reprint#01"):
        assert docs.loc[i, "status"] == "flagged"
        assert f"duplicate of {canon}" in docs.loc[i, "flag_reason"]
    groups = hostile[1].report["duplicates"]["groups"]
    assert {"dup_group": canon, "members": ids, "canonical": canon} in groups


def test_17_short_documents_exact_hash_only():
    cfg = DedupConfig(shingle_size=5, threshold=0.1)
    table = pd.DataFrame(
        {
            "doc_id": ["s1", "s2", "s3", "s4", "s5", "long"],
            "text": ["治理", "治理。", "治理基", "治理基层", "", "治理基层工作要依靠群众"],
        }
    )
    out = find_duplicates(table, cfg).set_index("doc_id")
    # identical after normalisation: grouped by the exact hash, similarity 1.0
    assert out.loc["s1", "dup_group"] == out.loc["s2", "dup_group"] == "s1"
    assert out.loc["s2", "similarity"] == 1.0
    # shorter than the shingle size and not identical: never grouped, whatever the threshold
    for i in ("s3", "s4", "s5", "long"):
        assert pd.isna(out.loc[i, "dup_group"]), i
    # two empty texts are not "identical documents"
    empty = find_duplicates(pd.DataFrame({"doc_id": ["e1", "e2"], "text": ["", " 。"]}), cfg)
    assert empty["dup_group"].isna().all()


_TEXTS = st.lists(
    st.text(alphabet="治理基层村民社区调解服务法治网格。", min_size=0, max_size=60),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(_TEXTS, st.randoms(use_true_random=False))
def test_property_grouping_ignores_input_order(items, rnd):
    table = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(items))], "text": items})
    out = find_duplicates(table).set_index("doc_id")
    order = list(range(len(table)))
    rnd.shuffle(order)
    shuffled = find_duplicates(table.iloc[order]).set_index("doc_id").loc[out.index]
    for col in ("dup_group", "dup_of", "is_duplicate"):
        assert out[col].equals(shuffled[col]), col
    pd.testing.assert_series_equal(out["similarity"], shuffled["similarity"])


@settings(max_examples=40, deadline=None)
@given(_TEXTS)
def test_property_every_document_is_its_own_duplicate(items):
    n = len(items)
    table = pd.DataFrame(
        {"doc_id": [f"a{i}" for i in range(n)] + [f"b{i}" for i in range(n)], "text": items * 2}
    )
    out = find_duplicates(table).set_index("doc_id")
    for i, text in enumerate(items):
        a, b = out.loc[f"a{i}"], out.loc[f"b{i}"]
        if normalise(text):  # grouped with its copy, by exact hash or confirmed MinHash
            assert isinstance(a["dup_group"], str) and a["dup_group"] == b["dup_group"]
            if a["dup_group"] in (f"a{i}", f"b{i}"):  # same length: the smaller id is canonical
                assert a["dup_group"] == f"a{i}" and b["dup_of"] == f"a{i}" and b["is_duplicate"]
                assert a["similarity"] == b["similarity"] == 1.0
        else:  # nothing left to compare (only spaces / punctuation)
            assert pd.isna(a["dup_group"]) and pd.isna(b["dup_group"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(list("治理基層ＡＢ１２ \u3000,.!?。，《》")), max_size=40).map("".join)
)
def test_property_dedup_normalisation_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


_CLEAN_ALPHABET = st.sampled_from(
    list(
        "治理基層體制機制乡镇社会稳定维护。，、；：？！“”（）《》xX*_~年镇市县局某 \n\t,.:;()?!\"'-—"
    )
    + ["\u3000", "\u00a0", "\u200b", "\ufeff", "????", "锟斤拷", "\ufffd", "１", "Ａ", "\u2f00"]
    + ["好范文版权所有", "原创:", "查看更多文章", "http://x.cn/a", "— 2 —", "一、", "乾安县"]
    + ["乾縣", "某某", "\uf900", "\r\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CLEAN_ALPHABET, max_size=80).map("".join))
def test_property_cleaning_is_idempotent(text):
    once, _ = clean_text(text)
    assert clean_text(once)[0] == once


# ------------------------------------------------------------- property: every run accounts

_FAULTS = {
    "ok": lambda t: t.encode(),
    "gb": lambda t: t.encode("gb18030"),
    "bom": lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode(),
    "u16": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "cut": lambda t: t.encode() + "稳".encode()[:1],
    "mixed": lambda t: t.encode() + b"\n" + t.encode("gb18030"),
    "empty": lambda t: b"",
    "blank": lambda t: b" \r\n\t\n",
    "pdf": lambda t: b"%PDF-1.5\n" + t.encode(),
    "nul": lambda t: t.encode() + b"\x00",
    "chrome": lambda t: "公文素材库 首页\n相关阅读\n最近更新\n".encode(),
    "damaged": lambda t: (t[:4] + "????" * 30).encode(),
    "markers": lambda t: f"合集\n第一篇:甲\n{t}\n第二篇:乙\n{t}\n第三篇:丙\n短。\n".encode(),
}
_UNREADABLE = {"mixed", "empty", "blank", "pdf", "nul"}
_SENTENCES = st.lists(
    st.sampled_from(
        [
            "加强基层治理体系建设，推进乡镇社会治理现代化。",
            "完善网格化服务管理，及时调解矛盾纠纷。",
            "公路养护工程按期完工，路面平整。",
            "基層治理體制機制，維護社會和諧穩定。",
            "xx镇201*年综治工作要点。",
        ]
    ),
    min_size=1,
    max_size=4,
).map("\n".join)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(sorted(_FAULTS)), _SENTENCES), min_size=1, max_size=6))
def test_property_report_accounts_for_every_input(files):
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        for i, (fault, text) in enumerate(files):
            (raw / f"f{i:02d}_{fault}.txt").write_bytes(_FAULTS[fault](text))
        build = build_corpus(raw)
    r = build.report
    f = r["files"]
    assert f["total"] == len(files) == f["read"] + f["rejected"]
    assert sum(r["rejected_by_reason"].values()) == f["rejected"]
    for x in r["rejected_files"]:
        assert x["reason"].startswith(x["file"] + ": ")
    a = r["articles"]
    assert a["found"] == len(build.documents) == a["kept"] + a["flagged"] + a["quarantined"]
    assert sum(r["articles_per_file"].values()) == a["found"]
    per_file = build.documents.groupby("source_file").size().to_dict()
    for p in r["pages"]:
        assert p["n_articles"] == per_file.get(p["file"], 0)
        fault = p["file"].split("_", 1)[1].removesuffix(".txt")
        assert (p["status"] == "rejected") == (fault in _UNREADABLE), (p["file"], p["reason"])


# ----------------------------------------------------------------- 18-19 other stages (public API)


def test_18_user_dictionary_faults(tmp_path):
    utf8 = tmp_path / "userdict.txt"
    utf8.write_bytes(
        codecs.BOM_UTF8
        + "测试议事甲会 20 n\r\n测试议事乙会\r\n测试 议事丙会 5 n\r\n\r\n# 注释\r\n".encode()
    )
    gbk = tmp_path / "userdict_gbk.txt"
    gbk.write_bytes("测试网格丁队 10 n\r\n".encode("gbk"))
    seg = tk.Segmenter(userdict=[utf8, gbk])
    text = "会上测试议事甲会、测试议事乙会和测试议事丙会都同测试网格丁队交流。"
    cut = seg.cut(text)
    for word in ("测试议事甲会", "测试议事乙会", "测试议事丙会", "测试网格丁队"):
        assert word in cut, (word, cut)
    assert "".join(cut) == text
    bad = tmp_path / "bad.txt"
    bad.write_bytes("基层治理 5 n\nNew York 3 ns\n".encode())
    with pytest.raises(tk.UserDictError, match=r"bad\.txt, line 2"):
        tk.Segmenter(userdict=bad)


@pytest.fixture(scope="module")
def tiny_units(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny") / "raw"
    d.mkdir()
    for i, text in enumerate(LONG.split("\n")[:3]):
        (d / f"p{i}.txt").write_text(text * 2, encoding="utf-8")
    docs = build_corpus(d).documents
    return tk.segment_corpus(docs, unit="sentence", cache=False)


def test_19_settings_that_leave_nothing_to_fit(tiny_units):
    n_docs = tiny_units["doc_id"].nunique()
    assert n_docs == 3
    with pytest.raises(ValueError, match=r"min_df=4 exceeds the number of documents \(3\)"):
        tk.vectorize(tiny_units, min_df=4)
    with pytest.raises(ValueError, match="leaves an empty vocabulary.*check min_df"):
        tk.vectorize(tiny_units, min_df=3)  # no term is in all three documents
    dtm = tk.vectorize(tiny_units)
    with pytest.raises(ValueError, match=r"n_topics: expected an integer in \[1, 3\], got 5"):
        tk.LdaTopicModel(5, random_state=0).fit(dtm)
    with pytest.raises(ValueError, match="ks"):
        tk.select_k(dtm, [2, 5])
    # a malformed frame lexicon: test_lexicon.py::test_malformed_lexicon_names_file_and_line


# ------------------------------------------------------------------------ 20 reproducibility

_REPRO = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import textkit as tk
    from textkit.core import io as _io
    from textkit.plots import save_figure
    from textkit.plots.corpus import plot_cleaning

    raw, out = Path(sys.argv[1]), Path(sys.argv[2])
    build = tk.build_corpus(raw)
    tk.write_corpus(build, out / "corpus")
    units = tk.segment_corpus(build.documents, unit="sentence", cache=False)
    _io.write_json(out / "units.json", units.loc[:, ["doc_id", "unit_id", "tokens"]]
                   .to_dict("records"))
    dtm = tk.vectorize(units, min_df=2)
    lda = tk.LdaTopicModel(3, random_state=0, passes=2, iterations=20).fit(dtm)
    _io.write_csv(out / "topic_term.csv", lda.topic_term_)
    _io.write_csv(out / "doc_topic.csv", lda.doc_topic_)
    _io.write_csv(out / "frames.csv", tk.score_frames(build.documents))
    save_figure(plot_cleaning(build.documents), "corpus_cleaning", outdir=out / "fig")
    """
)


def test_20_reproducible_across_hash_seeds_and_blas_threads(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    src = sorted(RAW_DIR.iterdir())[3]  # one seed page (8 articles) keeps this quick
    (raw / src.name).write_bytes(src.read_bytes())
    (raw / "gb.txt").write_bytes(("基层治理工作方案\n" + LONG).encode("gb18030"))
    runs = {"hash0_blas1": ("0", "1"), "hash1_blas1": ("1", "1"), "hash1_blas2": ("1", "2")}
    procs = {}
    for name, (seed, threads) in runs.items():
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "OPENBLAS_NUM_THREADS": threads,
            "OMP_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
        }
        procs[name] = subprocess.Popen(
            [sys.executable, "-c", _REPRO, str(raw), str(tmp_path / name)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    for name, p in procs.items():
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, (name, err.decode()[-2000:])

    def files(name):
        root = tmp_path / name
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    ref = files("hash0_blas1")
    assert {"corpus/documents.csv", "units.json", "topic_term.csv", "frames.csv"} <= set(ref)
    assert {"fig/corpus_cleaning.pdf", "fig/corpus_cleaning.png"} <= set(ref)
    for other in ("hash1_blas1", "hash1_blas2"):
        got = files(other)
        assert got.keys() == ref.keys(), other
        for key in sorted(ref):
            assert got[key] == ref[key], (other, key)


# ----------------------------------------------------------------------------- atomic writes


def test_atomic_write_interrupted_writer_leaves_old_file(tmp_path):
    target = tmp_path / "documents.csv"
    _io.write_text(target, "doc_id,text\nold#01,旧\n")
    before = target.read_bytes()

    def half_then_fail(p: Path) -> None:
        with open(p, "wb") as fh:
            fh.write(b"doc_id,text\nnew#01,")
            raise OSError("disk full (simulated)")

    with pytest.raises(OSError, match="disk full"):
        _io.atomic_write(target, half_then_fail)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents.csv"]


class _Boom:
    def __str__(self) -> str:
        raise RuntimeError("value cannot be written")


def test_atomic_write_table_failing_mid_stream_leaves_nothing(tmp_path):
    rows = [f"行{i}" for i in range(60_000)] + [_Boom()]
    df = pd.DataFrame({"doc_id": range(len(rows)), "text": rows})
    partial = []

    def writer(p: Path) -> None:  # what _io.write_csv does, watching the temporary file
        try:
            df.to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
        finally:
            partial.append(p.stat().st_size)

    with pytest.raises(RuntimeError, match="cannot be written"):
        _io.atomic_write(tmp_path / "documents.csv", writer)
    assert partial[0] > 100_000  # pandas had written the first chunk when the row failed
    with pytest.raises(RuntimeError, match="cannot be written"):
        _io.write_csv(tmp_path / "documents.csv", df)
    assert list(tmp_path.iterdir()) == []


_KILLED_BUILD = textwrap.dedent(
    """
    import os, signal, sys
    import pandas as pd
    from textkit.run.cli import main

    original = pd.DataFrame.to_csv

    def to_csv_then_die(self, path, *args, **kwargs):
        original(self, path, *args, **kwargs)
        # the process dies half-way through writing the first CSV (documents.csv)
        with open(path, "r+b") as fh:
            fh.truncate(os.path.getsize(path) // 2)
        os.kill(os.getpid(), signal.SIGKILL)

    pd.DataFrame.to_csv = to_csv_then_die
    main(["-q", "corpus", "build", "--raw", sys.argv[1], "--out", sys.argv[2]])
    """
)


def test_killed_corpus_build_leaves_nothing_that_looks_valid(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text("基层治理工作方案\n" + LONG, encoding="utf-8")
    write_corpus(build_corpus(raw), out)  # a complete earlier build
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(load_corpus(out)) == 1
    (raw / "b.txt").write_text("社区服务工作方案\n" + ZH * 3, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_BUILD, str(raw), str(out)], capture_output=True
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    now = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    # the file being written when the process died is untouched; the debris is a hidden .tmp
    assert now["documents.csv"] == old["documents.csv"]
    assert now.keys() == old.keys()
    debris = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert debris and all(n.startswith(".documents.csv.") and n.endswith(".tmp") for n in debris)
    # documents.parquet was already replaced by the new build: it no longer matches the
    # report of the earlier build, so loading refuses the mixed directory
    assert now["documents.parquet"] != old["documents.parquet"]
    with pytest.raises(CorpusError, match="interrupted"):
        load_corpus(out)
    # a finished build makes the directory consistent again
    write_corpus(build_corpus(raw), out)
    assert sorted(load_corpus(out)["source_file"].unique()) == ["a.txt", "b.txt"]


def test_load_corpus_refuses_tables_without_a_finished_report(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text("基层治理工作方案\n" + LONG, encoding="utf-8")
    write_corpus(build_corpus(raw), out)
    (out / "corpus_report.json").unlink()
    with pytest.raises(CorpusError, match="did not finish"):
        load_corpus(out)


# ------------------------------------------------------------------------------------ pickle

#: The one place textkit unpickles: gensim's loader in topics.load_model, for a directory the
#: user passes explicitly, after checking the sha256 of every file against the stamp.
_ALLOWED_UNPICKLE = {("persist.py", "load_model", "LdaModel.load")}
_PICKLE_LOADERS = {
    ("pickle", "load"),
    ("pickle", "loads"),
    ("pickle", "Unpickler"),
    ("pd", "read_pickle"),
    ("pandas", "read_pickle"),
    ("joblib", "load"),
    ("dill", "load"),
    ("dill", "loads"),
    ("torch", "load"),
    ("shelve", "open"),
    ("marshal", "load"),
    ("marshal", "loads"),
}


def _calls(path: Path):
    """(enclosing function, base name, attribute, node) of every ``base.attr(...)`` call."""
    out = []

    def visit(node: ast.AST, func: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = node.name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            name = base.id if isinstance(base, ast.Name) else ""
            out.append((func, name, node.func.attr, node))
        for child in ast.iter_child_nodes(node):
            visit(child, func)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return out


def test_no_pickle_loading_in_the_library():
    found = set()
    for path in sorted((ROOT / "textkit").rglob("*.py")):
        for func, base, attr, node in _calls(path):
            if (base, attr) in _PICKLE_LOADERS:
                found.add((path.name, func, f"{base}.{attr}"))
            if (base, attr) in {("np", "load"), ("numpy", "load")}:
                kw = {k.arg: k.value for k in node.keywords}
                ok = isinstance(kw.get("allow_pickle"), ast.Constant) and (
                    kw["allow_pickle"].value is False
                )
                assert ok, f"{path.name}:{node.lineno}: np.load without allow_pickle=False"
            if attr == "load" and re.search(r"(Model|Vectors|Dictionary|Vec|Index)$", base):
                # gensim's SaveLoad.load unpickles
                found.add((path.name, func, f"{base}.{attr}"))
    assert found <= _ALLOWED_UNPICKLE, found - _ALLOWED_UNPICKLE


class _Planted:
    """Unpickling this object would create a marker file (what a hostile pickle could do)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "unpickled"))


def test_model_loader_refuses_planted_pickle(tmp_path):
    from textkit.topics.persist import load_model, save_model

    dtm = tk.vectorize(
        {"a": ["维稳", "综治", "维稳"], "b": ["服务", "法治"], "c": ["法治", "维稳"]}
    )
    model = tk.LdaTopicModel(2, random_state=0, passes=1, iterations=5).fit(dtm)
    good = tmp_path / "model"
    save_model(model, good)
    marker = tmp_path / "marker.txt"
    # the planted pickle replaces the saved model: the stamp no longer matches
    (good / "model.gensim").write_bytes(pickle.dumps(_Planted(str(marker))))
    with pytest.raises(ValueError, match="changed since it was saved"):
        load_model(good)
    # a directory that textkit did not write at all (no stamp) is refused too
    alien = tmp_path / "alien"
    alien.mkdir()
    (alien / "model.gensim").write_bytes(pickle.dumps(_Planted(str(marker))))
    with pytest.raises(ValueError, match="not a textkit topic model directory"):
        load_model(alien)
    assert not marker.exists()


def test_case_table_names_existing_tests():
    """The case table above references tests in other files: they must exist."""
    refs = re.findall(r"((?:\w+/)*test_\w+\.py)::(\w+)", __doc__)
    assert len(refs) >= 10
    here = Path(__file__).read_text(encoding="utf-8")
    for name in set(re.findall(r"\b(test_\d\d_\w+|test_property_\w+|test_atomic_\w+)", __doc__)):
        if name.endswith("_"):  # "test_atomic_write_*"
            continue
        assert f"def {name}(" in here, name
    for fname, test in refs:
        assert re.search(rf"^def {test}\b", (ROOT / "tests" / fname).read_text("utf-8"), re.M), (
            fname,
            test,
        )


def test_written_files_follow_the_umask_not_mkstemp(tmp_path):
    """Outputs are readable like any file the user creates (mkstemp alone would give 0600)."""
    from textkit.core.io import write_text

    path = write_text(tmp_path / "out.txt", "维稳\n")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
