"""Documents in another language are kept and flagged ``language``, never dropped as
boilerplate (textkit.corpus.language and the corpus builds)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from textkit.corpus.build import CorpusConfig, build_corpus, write_corpus
from textkit.corpus.clean import CleanConfig
from textkit.corpus.language import cjk_share, count_cjk, is_other_language, text_language
from textkit.corpus.read import read_texts
from textkit.corpus.report import render_report_md
from textkit.corpus.select import analysed_documents
from textkit.corpus.split import split_pages
from textkit.corpus.stream import build_corpus_to

RAW_DIR = Path(__file__).resolve().parents[2] / "corpus" / "raw"

ZH = (
    "社区治理是基层治理的重要内容。我们坚持以人民为中心，推进网格化管理和矛盾纠纷排查调处"
    "工作，不断提升群众的获得感、幸福感和安全感。"
)
ZH_2 = (
    "村民委员会依法开展村民自治，完善村务公开和民主监督制度，引导村民有序参与乡村治理，"
    "推动形成共建共治共享的基层社会治理格局。"
)
EN = (
    "Community governance in China has shifted from stability maintenance toward service "
    "provision. This article reviews grid management, dispute mediation and the rule of "
    "law at the grassroots level, drawing on interviews in three provinces."
)
EN_2 = (
    "Village committees organise elections every five years. We find that open village "
    "affairs and democratic supervision matter more than formal rules, and that township "
    "governments still shape the agenda of the committees they oversee."
)
# English with a Chinese term: far fewer Chinese characters than letters
EN_WITH_TERMS = "The policy of 维稳 (stability maintenance) " + EN
# a Chinese article with an English abstract stays Chinese
ZH_WITH_ABSTRACT = ZH * 3 + "\nAbstract: " + EN_2


def test_cleaning_keeps_the_lines_of_a_text_in_another_language():
    from textkit.corpus.clean import clean_text

    wrapped = "\n".join([EN[:90], EN[90:], "", EN_2])
    cleaned, log = clean_text(wrapped)
    assert cleaned == "\n".join([EN[:90], EN[90:], EN_2]) and "rejoin" not in log
    assert clean_text(cleaned)[0] == cleaned  # still idempotent
    # a Chinese line broken mid-sentence is rejoined as before
    assert clean_text(ZH + ZH_2[:10] + "\n" + ZH_2[10:])[0] == ZH + ZH_2


def test_the_rule():
    assert count_cjk("维稳 grid 㐀") == 3
    share, letters = cjk_share("网格化管理 grid")
    assert (share, letters) == (pytest.approx(5 / 9), 9)
    assert cjk_share("2021, 3.5%!") == (0.0, 0)
    assert text_language(EN) == "other" and is_other_language(EN_WITH_TERMS)
    assert text_language(ZH) == "zh" and text_language(ZH_WITH_ABSTRACT) == "zh"
    assert not is_other_language("Copyright 2016 example.com")  # too short to judge
    assert not is_other_language("")
    strict = CleanConfig(min_cjk_share=0.9, language_min_letters=10)
    assert is_other_language(ZH_WITH_ABSTRACT, strict)
    assert is_other_language("Copyright 2016 example.com", strict)
    with pytest.raises(ValueError, match=r"CleanConfig.min_cjk_share: expected a number"):
        CleanConfig(min_cjk_share=1.5)
    with pytest.raises(ValueError, match=r"CleanConfig.language_min_letters"):
        CleanConfig(language_min_letters=0)


def _statuses(build) -> dict[str, tuple[str, str]]:
    docs = build.documents
    return {
        d: (s, r)
        for d, s, r in zip(docs["doc_id"], docs["status"], docs["flag_reason"], strict=True)
    }


def test_table_rows_in_another_language_are_kept_and_flagged(tmp_path):
    path = tmp_path / "mixed.csv"
    pd.DataFrame(
        {
            "id": ["z1", "e1", "z2", "e2", "e3", "z3"],
            "text": [ZH * 2, EN, ZH_2 * 2, EN_2, EN_WITH_TERMS + " Contrast.", ZH_WITH_ABSTRACT],
            "outlet": ["人民日报", "China Daily", "新华社", "SCMP", "China Daily", "期刊"],
        }
    ).to_csv(path, index=False)
    build = build_corpus(read_texts(path, id="id"))
    assert _statuses(build) == {
        "e1": ("flagged", "language"),
        "e2": ("flagged", "language"),
        "e3": ("flagged", "language"),
        "z1": ("kept", ""),
        "z2": ("kept", ""),
        "z3": ("kept", ""),
    }
    docs = build.documents.set_index("doc_id")
    assert docs.loc["e1", "text"].startswith("Community governance")  # the text is kept
    assert docs.loc["e2", "outlet"] == "SCMP"  # and so are the document variables
    assert not any(c.startswith("_") for c in build.documents.columns)
    texts = build.report["texts"]
    assert (
        texts["inputs"]
        == texts["kept"] + texts["flagged"] + texts["quarantined"] + texts["rejected"]
    )
    assert (texts["kept"], texts["flagged"]) == (3, 3)
    assert texts["identity"] == "6 rows = 3 kept + 3 flagged + 0 quarantined + 0 rejected"
    # flagged for language and not as off-topic, even where off-topic articles are flagged
    flagged = build_corpus(read_texts(path, id="id"), CorpusConfig(flag_off_topic=True))
    assert {d: r for d, (s, r) in _statuses(flagged).items() if s == "flagged"} == {
        "e1": "language",
        "e2": "language",
        "e3": "language",
    }
    # the "unique" analysis leaves them out; "all" keeps every readable document
    assert set(analysed_documents(build.documents, "unique")["doc_id"]) == {"z1", "z2", "z3"}
    assert len(analysed_documents(build.documents, "all")) == 6
    # the report calls table rows rows, and counts the language flags
    md = render_report_md(build.report)
    assert "Input table: `" in md and "## Rows" in md and "6 rows: 6 read, 0 rejected." in md
    assert "| row | status | encoding | documents |" in md and "## Documents" in md
    assert "files" not in md.replace("(see boilerplate.csv)", "")
    assert ", 3 as another language)" in md
    assert "Inputs: 6 rows = 3 kept + 3 flagged + 0 quarantined + 0 rejected." in md


def test_a_duplicate_in_another_language_keeps_both_reasons(tmp_path):
    path = tmp_path / "dups.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "text": [EN, EN, ZH * 2]}).to_csv(path, index=False)
    build = build_corpus(read_texts(path, id="id"))
    assert _statuses(build) == {
        "a": ("flagged", "language"),
        "b": ("flagged", "duplicate of a; language"),
        "c": ("kept", ""),
    }


def _folder(root: Path) -> Path:
    (root / "zh").mkdir(parents=True)
    (root / "en").mkdir()
    (root / "zh" / "a.txt").write_text(f"社区治理\n\n{ZH}\n{ZH_2}\n", encoding="utf-8")
    (root / "en" / "b.txt").write_text(f"Grassroots governance\n\n{EN}\n\n{EN_2}\n", "utf-8")
    (root / "en" / "c.txt").write_text("Copyright 2016 example.com\n", encoding="utf-8")
    return root


def test_a_file_in_another_language_is_one_flagged_document(tmp_path):
    build = build_corpus(read_texts(_folder(tmp_path / "texts")))
    assert _statuses(build) == {"en/b#01": ("flagged", "language"), "zh/a#01": ("kept", "")}
    docs = build.documents.set_index("doc_id")
    # its lines are not rejoined by the (Chinese) broken-line rule: paragraphs stay apart
    assert docs.loc["en/b#01", "text"] == f"Grassroots governance\n{EN}\n{EN_2}"
    pages = build.pages.set_index("page_id")
    assert pages.loc["en/b", "n_articles"] == 1 and pages.loc["en/b", "n_dropped"] == 0
    assert pages.loc["en/b", "split_note"].startswith("another language: 1 article(s) kept")
    # a file of a few English words is still site chrome, not a document
    assert pages.loc["en/c", "n_articles"] == 0 and pages.loc["en/c", "n_dropped"] == 1
    assert pages.loc["en/c", "split_note"].startswith("boilerplate only")
    rep = build.report
    assert rep["texts"]["identity"] == "3 files = 3 read + 0 rejected"
    arts = rep["articles"]
    assert arts["found"] == arts["kept"] + arts["flagged"] + arts["quarantined"] == 2
    assert arts["dropped_boilerplate"] == 1
    md = render_report_md(rep)
    assert "Input folder: `" in md and "3 files: 3 read, 0 rejected." in md
    assert "| file | status | encoding | articles |" in md


def test_on_a_mixed_page_english_blocks_stay_boilerplate():
    marked = f"第一篇：社区治理\n{ZH}\n第二篇：Abstract\n{EN}\n第三篇：村民自治\n{ZH_2}\n"
    english = f"{EN}\n\n{EN_2}\n"
    pages = pd.DataFrame(
        {
            "page_id": ["p1", "p2"],
            "source_file": ["p1.txt", "p2.txt"],
            "text": [marked, english],
            "status": "ok",
        }
    )
    docs, log = split_pages(pages, return_log=True)
    assert list(docs["doc_id"]) == ["p1#01", "p1#03", "p2#01"]
    log = log.set_index("page_id")
    assert log.loc["p1", "n_dropped"] == 1
    assert log.loc["p1", "note"] == "1 article(s) without text dropped"
    assert log.loc["p2", "n_articles"] == 1 and log.loc["p2", "n_dropped"] == 0


def _raw_with_english(root: Path) -> Path:
    shutil.copytree(RAW_DIR, root)
    (root / "900_english.txt").write_text(
        f"Grassroots governance\n\n{EN}\n\n{EN_2}\n", encoding="utf-8"
    )
    return root


def test_raw_pages_in_another_language_streamed_and_in_memory(tmp_path, seed_build):
    raw = _raw_with_english(tmp_path / "raw")
    build = build_corpus(raw)
    docs = build.documents
    # the seed articles are untouched: same ids, same statuses and reasons
    seed = seed_build.documents
    same = docs[docs["page_id"] != "900_english"].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        same[["doc_id", "status", "flag_reason", "text"]],
        seed[["doc_id", "status", "flag_reason", "text"]],
    )
    row = docs[docs["page_id"] == "900_english"].iloc[0]
    # raw pages flag off-topic articles, but a text in another language is flagged for that
    assert (row["doc_id"], row["status"], row["flag_reason"]) == (
        "900_english#01",
        "flagged",
        "language",
    )
    arts = build.report["articles"]
    assert arts["found"] == len(seed) + 1 == arts["kept"] + arts["flagged"] + arts["quarantined"]
    assert arts["flagged_off_topic"] == seed_build.report["articles"]["flagged_off_topic"]
    assert ", 1 as another language)" in render_report_md(build.report)
    mem = write_corpus(build, tmp_path / "mem")
    streamed = build_corpus_to(raw, tmp_path / "stream", batch_pages=2)
    for p, q in zip(mem, streamed, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    report = json.loads((tmp_path / "stream" / "corpus_report.json").read_text("utf-8"))
    assert {"doc_id": "900_english#01", "reason": "language"} in report["flagged"]


def test_the_seed_corpus_has_no_document_in_another_language(seed_build):
    docs = seed_build.documents
    assert len(docs) == 36
    assert not docs["flag_reason"].str.contains("language").any()
    assert not any(is_other_language(t) for t in docs["text"])
    md = render_report_md(seed_build.report)
    assert "Raw directory: `" in md and "## Files" in md and "another language" not in md


def test_character_counts_equal_their_definitions_on_generated_text():
    """The counts read whole strings at once; they equal the per-character definitions on
    text mixing Chinese (unassigned code points at the block ends included), extension A,
    Latin, digits and numerals that are not letters, spaces and control characters."""
    import random

    from textkit.corpus.clean import _damage, load_rules
    from textkit.corpus.decode import _CONTROL, _NON_ASCII
    from textkit.corpus.language import cjk_share, count_cjk

    def is_cjk(c):
        return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"

    pools = ["网格化管理维稳", "\u9ffd\u9ffe\u9fff\u4dbf\u3400", "abcXYZ", "0123²½Ⅻ五", " \t\n\u3000\xa0",
             "\x00\x07\x0b\x0c\x1f\x7f\x85\x9f", "，。！？—…"]  # fmt: skip
    rng = random.Random(7)
    rules = load_rules(None)
    for _ in range(300):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 80)))
        assert count_cjk(text) == sum(1 for c in text if is_cjk(c))
        letters = sum(1 for c in text if c.isalpha())
        cjk = sum(1 for c in text if c.isalpha() and is_cjk(c))
        assert cjk_share(text) == ((cjk / letters if letters else 0.0), letters)
        ctrl = sum(1 for c in text if (ord(c) < 32 and c not in "\n\t\f") or 0x7F <= ord(c) < 0xA0)
        assert len(_CONTROL.findall(text)) == ctrl
        data = text.encode("utf-8")
        assert len(data) - len(data.translate(None, _NON_ASCII)) == sum(b >= 0x80 for b in data)
        total = sum(1 for c in text if not c.isspace())
        if total:
            bad = sum(len(m.group(0)) for pat in rules.mojibake for m in pat.finditer(text))
            assert _damage(text, rules) == round(min(1.0, bad / total), 6)


def test_display_widths_and_char_tables_equal_their_definitions():
    """Widths of wrapped lines and table look-ups equal the per-character properties, on
    generated lines (wide, fullwidth, ambiguous, narrow, combining, lone surrogates)."""
    import random
    import unicodedata

    from textkit.corpus.chars import CharTable
    from textkit.corpus.clean import _display_widths

    pools = ["网格化管理", "ＡＢＣ１２３", "±×÷§", "abc 123", "\u0301\u20dd", "｡･ｱ", "\ud800x"]
    rng = random.Random(11)
    lines = ["".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 60)))
             for _ in range(400)]  # fmt: skip

    def width(s):
        return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in s)

    assert _display_widths(lines) == [width(s) for s in lines]
    spaces, letters = CharTable(str.isspace), CharTable(str.isalpha)
    for s in lines:
        assert spaces.count(s) == sum(map(str.isspace, s))
        assert letters.count(s) == sum(map(str.isalpha, s))
