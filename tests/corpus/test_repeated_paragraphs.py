"""Template paragraphs left out of the analysis: ``[corpus] repeated_paragraphs = "drop"``.

The fixture is four work reports of one county site: three with their own body that end with
the site's closing template, a signature line (特此报告。, too short to ever count) and one
that is nothing but the closing template (a page whose body the scraper missed).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import textkit as tk
from textkit.core.config import load_config
from textkit.core.errors import ConfigError, InvalidParameterError
from textkit.corpus.select import analysed_documents, repeated_min_docs, repeated_rule
from textkit.frames.validate import align_codes
from textkit.run import start_notebook
from textkit.run.session import check_settings

ROOT = Path(__file__).resolve().parents[2]

TEMPLATE = "以上报告，请予审议。如有不妥之处，敬请各位代表和列席同志批评指正。"
SIGNATURE = "特此报告。"
SHARED_BY_TWO = "深入开展扫黑除恶专项斗争，依法严厉打击各类违法犯罪活动，群众安全感明显提升。"

BODIES = {
    "r1": [
        "2021年，镇党委政府坚持以人民为中心，推进村级便民服务中心建设，全年代办群众事项三千余件。",
        "全面推行网格化管理，排查化解矛盾纠纷一百二十起，社会大局保持和谐稳定。",
    ],
    "r2": [
        "过去一年，我们深化放管服改革，行政审批事项全部进驻政务服务中心，实现一窗受理。",
        SHARED_BY_TWO,
    ],
    "r3": [
        "我们坚持依法行政，推行法律顾问制度，重大行政决策全部经过合法性审查。",
        SHARED_BY_TWO,
        "加强村民自治，完善村规民约，推行四议两公开，村级事务公开率达到百分之百。",
    ],
}
AFTER = {"r1": ["附件：二〇二一年镇级重点民生项目完成情况一览表"]}


def _text(doc_id: str) -> str:
    if doc_id == "r4":
        return TEMPLATE
    return "\n".join([*BODIES[doc_id], TEMPLATE, SIGNATURE, *AFTER.get(doc_id, [])])


@pytest.fixture()
def reports() -> pd.DataFrame:
    ids = ["r1", "r2", "r3", "r4"]
    texts = [_text(d) for d in ids]
    return pd.DataFrame(
        {
            "doc_id": ids,
            "text": texts,
            "n_chars": [len(t) for t in texts],
            "status": "kept",
            "is_duplicate": False,
            "dup_group": None,
        }
    )


def test_drop_takes_the_template_out_and_counts_what_each_article_lost(reports):
    before = reports.copy()
    with pytest.warns(UserWarning, match=r"1 document\(s\) made only of .*\['r4'\]"):
        out = analysed_documents(reports, repeated_paragraphs="drop")
    pd.testing.assert_frame_equal(reports, before)  # the input is not modified

    # the all-template report is left out, not kept with an empty text
    assert out["doc_id"].tolist() == ["r1", "r2", "r3"]
    assert list(out.index) == [0, 1, 2]
    for doc_id, text in zip(out["doc_id"], out["text"], strict=True):
        paragraphs = tk.split_paragraphs(text)
        assert TEMPLATE not in paragraphs
        # short lines never count; a paragraph two articles share is under the threshold
        expected = [*BODIES[doc_id], SIGNATURE, *AFTER.get(doc_id, [])]
        assert paragraphs == expected
    assert out["repeated_paragraphs_dropped"].tolist() == [1, 1, 1]
    assert out["repeated_chars_dropped"].tolist() == [len(TEMPLATE)] * 3
    assert (out["n_chars"] == out["text"].str.len()).all()
    assert out.attrs["repeated_paragraphs"] == {
        "min_docs": 3,
        "paragraphs": 1,
        "dropped": 4,
        "chars": 4 * len(TEMPLATE),
        "documents": 4,
        "left_out": ["r4"],
    }


def test_keep_is_the_default_and_a_lower_threshold_drops_more(reports):
    kept = analysed_documents(reports)
    pd.testing.assert_frame_equal(kept, reports)
    assert "repeated_paragraphs_dropped" not in kept.columns
    with pytest.warns(UserWarning, match="r4"):
        out = analysed_documents(reports, repeated_paragraphs="drop", repeated_min_docs=2)
    r3 = out.set_index("doc_id").loc["r3"]
    assert SHARED_BY_TWO not in r3["text"]
    assert r3["repeated_paragraphs_dropped"] == 2
    with pytest.raises(InvalidParameterError, match="repeated_paragraphs: expected one of"):
        analysed_documents(reports, repeated_paragraphs="remove")
    with pytest.raises(InvalidParameterError, match="min_docs"):
        analysed_documents(reports, repeated_paragraphs="drop", repeated_min_docs=1)


def test_copies_of_one_article_hold_a_paragraph_once(reports):
    """r2 reprinted as r2b: the template is then held by r1, r2 (twice) and no one else."""
    copy = reports[reports["doc_id"] == "r2"].assign(doc_id="r2b", is_duplicate=True)
    docs = pd.concat([reports[reports["doc_id"].isin(["r1", "r2"])], copy], ignore_index=True)
    docs["dup_group"] = [None, "r2", "r2"]
    out = tk.drop_repeated_paragraphs(docs, min_docs=3)
    assert out["repeated_paragraphs_dropped"].tolist() == [0, 0, 0]
    assert out["text"].tolist() == docs["text"].tolist()
    out = tk.drop_repeated_paragraphs(docs, min_docs=2)
    assert out["repeated_paragraphs_dropped"].tolist() == [1, 1, 1]


def test_para_ids_count_the_paragraphs_that_stay_and_codes_are_found_by_text(reports):
    with pytest.warns(UserWarning, match="r4"):
        out = analysed_documents(reports, repeated_paragraphs="drop")
    units = tk.segment_corpus(out[out["doc_id"] == "r1"], unit="paragraph")
    # the paragraphs before the closing template keep their ids; those after it move up one
    assert units["para_id"].tolist() == [0, 1, 2, 3]
    assert units["text"].tolist()[:2] == BODIES["r1"]
    codes = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3"],
            "doc_id": ["r1", "r1", "r1"],
            "para_id": [0, 4, 2],  # ids in the texts as built
            "text": [BODIES["r1"][0], AFTER["r1"][0], TEMPLATE],
            "code": ["service_law", "neither", "neither"],
        }
    )
    with pytest.warns(UserWarning, match=r"1 coded paragraph\(s\) not found.*S3"):
        aligned = align_codes(codes, out)
    assert aligned["para_id"].tolist() == [0, 3, 2]
    assert aligned["matched"].tolist() == [True, True, False]
    assert aligned.attrs["alignment"]["by_id"] == 1  # S1: its id still holds its text
    assert aligned.attrs["alignment"]["by_text"] == 1  # S2: found one paragraph up


def test_the_settings_come_from_the_corpus_table_and_bad_values_are_named(tmp_path):
    path = tmp_path / "textkit.toml"
    path.write_text('[corpus]\nrepeated_paragraphs = "drop"\nrepeated_min_docs = 4\n', "utf-8")
    assert (repeated_rule(load_config(path)), repeated_min_docs(load_config(path))) == ("drop", 4)
    assert (repeated_rule(None), repeated_min_docs(None)) == ("keep", 3)
    path.write_text('[corpus]\nrepeated_paragraphs = "remove"\n', "utf-8")
    message = r"textkit.toml \[corpus\] repeated_paragraphs: expected one of 'keep', 'drop'"
    with pytest.raises(ConfigError, match=message):
        repeated_rule(load_config(path))
    with pytest.raises(ConfigError, match=r"\[corpus\] repeated_paragraphs: expected one of"):
        check_settings(load_config(path))  # textkit config, reproduce: before anything runs
    path.write_text("[corpus]\nrepeated_min_docs = 1\n", "utf-8")
    (tmp_path / "corpus" / "raw").mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"textkit.toml \[corpus\] repeated_min_docs: expected"):
        start_notebook("x", path)


def test_a_notebook_analyses_the_articles_without_the_template(tmp_path, reports, monkeypatch):
    """From a table of scraped reports through the corpus build to ``nb.analysed``."""
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    reports[["doc_id", "text"]].to_csv(tmp_path / "reports.csv", index=False)
    corpus = '[corpus]\ninput = "reports.csv"\nid = "doc_id"\n'
    (tmp_path / "keep.toml").write_text(corpus, encoding="utf-8")
    (tmp_path / "drop.toml").write_text(corpus + 'repeated_paragraphs = "drop"\n', "utf-8")

    nb = start_notebook("x", tmp_path / "keep.toml")
    build = nb.build_corpus()
    assert build.boilerplate["n_docs"].tolist() == [4, 2]  # boilerplate.csv names it
    assert nb.analysed(build.documents)["text"].str.contains(TEMPLATE).sum() == 4

    nb = start_notebook("x", tmp_path / "drop.toml")
    assert nb.summary()["repeated_paragraphs"] == "drop (held by 3 or more articles)"
    with pytest.warns(UserWarning, match="r4"):
        docs = nb.analysed(nb.build_corpus().documents)
    assert docs["doc_id"].tolist() == ["r1", "r2", "r3"]
    assert not docs["text"].str.contains(TEMPLATE).any()
    assert docs["repeated_paragraphs_dropped"].tolist() == [1, 1, 1]
    with pytest.warns(UserWarning, match="r4") as seen:
        check_settings(nb.config, build.documents)  # counts the articles analysed
    assert len([w for w in seen if "r4" in str(w.message)]) == 1  # selected once, warned once


def test_the_seed_corpus_is_analysed_as_before_by_default(seed_docs):
    nb = start_notebook("x", ROOT / "textkit.toml")
    assert (nb.repeated_paragraphs, nb.repeated_min_docs) == ("keep", 3)
    before = seed_docs[seed_docs["status"] == "kept"].reset_index(drop=True)
    pd.testing.assert_frame_equal(nb.analysed(seed_docs), before)
    assert "repeated_paragraphs" not in nb.summary()
    # no paragraph of the seed corpus is held by three articles; six are held by two
    drop = analysed_documents(seed_docs, repeated_paragraphs="drop")
    assert drop["text"].tolist() == before["text"].tolist()
    two = analysed_documents(seed_docs, repeated_paragraphs="drop", repeated_min_docs=2)
    assert two.attrs["repeated_paragraphs"]["paragraphs"] == 6
    assert two["repeated_paragraphs_dropped"].sum() == 12
