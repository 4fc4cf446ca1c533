"""Tests of textkit.frames.coders: intercoder agreement, adjudication and the merged codes."""

from __future__ import annotations

import re
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from textkit.core.errors import CodingSheetError, InvalidParameterError
from textkit.frames.agree import CODES
from textkit.frames.coders import (
    coder_agreement,
    merge_codes,
    split_coders,
    write_adjudication_sheet,
)
from textkit.frames.validate import load_coded_paragraphs, read_codes

CARD = Path(__file__).resolve().parents[2] / "textkit" / "resources" / "coded_paragraphs_card.md"

S, M, L, N = "stability", "mixed", "service_law", "neither"
#: Ten paragraphs coded by hand: the two coders differ on the 4th (S / N) and 7th (N / L).
CODES_A = [S, S, S, S, N, N, N, L, L, M]
CODES_B = [S, S, S, N, N, N, L, L, L, M]
CODES_C = [S, S, N, N, N, N, L, L, L, S]

# the fixtures of ten paragraphs come from two articles: their intervals say little
pytestmark = pytest.mark.filterwarnings("ignore:bootstrap intervals from:UserWarning")


@pytest.fixture(scope="module")
def shipped():
    return load_coded_paragraphs()


def _sheet(shipped, codes):
    """The first ``len(codes)`` shipped paragraphs (their ids and texts) with ``codes``."""
    rows = shipped.loc[: len(codes) - 1, ["sample_id", "doc_id", "para_id", "text"]].copy()
    return rows.assign(code=codes, note=[f"reason {i}" for i in range(len(codes))])


def test_card_agreement_figures_are_what_the_code_computes(shipped):
    """Each draw of the data card: its sample_id range from the card's first paragraph, its
    'A of B (P %, kappa K)' from the card's account of the two passes."""
    card = " ".join(CARD.read_text("utf-8").split())
    what = card[: card.index("**Columns**")]
    ranges = [(int(a), int(b)) for a, b in re.findall(r"S(\d{3})-S(\d{3})", what)]
    stated = re.findall(
        r"draw (\d) (\d+) of (\d+) \((\d+) %, (?:Cohen's kappa )?(\d\.\d\d)\)", card
    )
    assert len(ranges) == 6 and [int(d) for d, *_ in stated] == [1, 2, 3, 4, 5, 6]
    number = shipped["sample_id"].str[1:].astype(int)
    for (first, last), (_, agree, n, pct, kappa) in zip(ranges, stated, strict=True):
        draw = shipped[number.between(first, last)]
        rep = coder_agreement(split_coders(draw), n_boot=10)
        summary = rep.summary()
        assert summary["n"] == int(n) == last - first + 1
        assert summary["n"] - summary["n_disagreements"] == int(agree)
        assert round(100 * rep.agreement) == int(pct)
        assert f"{rep.kappa:.2f}" == kappa
    whole = re.search(
        r"all six draws (\d+) of (\d+) \((\d+) %, Cohen's kappa (\d\.\d\d), Krippendorff's "
        r"alpha (\d\.\d\d), 95 % interval (\d\.\d\d)-(\d\.\d\d)",
        card,
    ).groups()
    rep = coder_agreement(split_coders(shipped), n_boot=1000, random_state=0)
    iv = rep.intervals.loc["alpha"]
    assert [int(x) for x in whole[:3]] == [
        len(rep.table) - len(rep.disagreements), len(rep.table), round(100 * rep.agreement)
    ]  # fmt: skip
    assert whole[3:] == tuple(f"{x:.2f}" for x in (rep.kappa, rep.alpha, iv["lo"], iv["hi"]))


def test_kappa_and_alpha_are_the_hand_computed_values(shipped):
    """Two coders, ten paragraphs, eight agreements. Marginals a: S4 N3 L2 M1, b: S3 N3 L3
    M1: chance agreement 28/100, kappa (0.8 - 0.28) / 0.72 = 13/18. Coincidences: 20 values
    (S7 N6 L5 M2), 4 off the diagonal: alpha = 1 - (4/20) / (286/380) = 105/143."""
    a, b = _sheet(shipped, CODES_A), _sheet(shipped, CODES_B)
    rep = coder_agreement({"a": a, "b": b}, n_boot=50)
    assert rep.agreement == pytest.approx(0.8)
    assert rep.kappa == pytest.approx(13 / 18)
    assert rep.kappa == pytest.approx(cohen_kappa_score(CODES_A, CODES_B))
    assert rep.alpha == pytest.approx(105 / 143)
    index = {c: i for i, c in enumerate(CODES)}
    data = [[index[c] for c in CODES_A], [index[c] for c in CODES_B]]
    assert rep.alpha == pytest.approx(krippendorff.alpha(data, level_of_measurement="nominal"))
    # specific agreement 2 n_both / (n_a + n_b): S 6/7, M 2/2, L 4/5, N 4/6
    specific = rep.per_code.set_index("code")["specific_agreement"]
    assert specific.to_dict() == pytest.approx({S: 6 / 7, M: 1.0, L: 0.8, N: 2 / 3})
    assert rep.per_code[["n_a", "n_b"]].values.tolist() == [[4, 3], [1, 1], [2, 3], [3, 3]]
    assert rep.confusion.loc[S, N] == 1 and rep.confusion.loc[N, L] == 1
    assert np.trace(rep.confusion.to_numpy()) == 8
    dis = rep.disagreements
    assert dis["sample_id"].tolist() == ["S004", "S007"]
    assert dis[["coder_a", "coder_b", "note_a"]].values.tolist() == [
        [S, N, "reason 3"], [N, L, "reason 6"]
    ]  # fmt: skip
    assert dis["text"].tolist() == shipped["text"].iloc[[3, 6]].tolist()


def test_three_coders(shipped):
    """All three agree on 6 of 10 (not the 3rd, 4th, 7th and 10th); kappa is the mean of the pairs' (Light's kappa);
    mixed is given only to the 10th paragraph, by two of three coders: of its 2 x 2 pairs of
    codings that involve mixed, 2 agree (specific agreement 0.5)."""
    tables = {
        n: _sheet(shipped, c) for n, c in zip("abc", (CODES_A, CODES_B, CODES_C), strict=True)
    }
    rep = coder_agreement(tables, n_boot=50)
    assert rep.coders == ("a", "b", "c") and len(rep.pairs) == 3
    assert rep.agreement == pytest.approx(0.6)
    pairs = [(CODES_A, CODES_B), (CODES_A, CODES_C), (CODES_B, CODES_C)]
    kappas = [cohen_kappa_score(x, y) for x, y in pairs]
    assert rep.pairs["kappa"].tolist() == pytest.approx(kappas)
    assert rep.kappa == pytest.approx(np.mean(kappas))
    index = {c: i for i, c in enumerate(CODES)}
    data = [[index[c] for c in codes] for codes in (CODES_A, CODES_B, CODES_C)]
    assert rep.alpha == pytest.approx(krippendorff.alpha(data, level_of_measurement="nominal"))
    assert rep.per_code.set_index("code").loc[M, "specific_agreement"] == pytest.approx(0.5)
    assert rep.disagreements["sample_id"].tolist() == ["S003", "S004", "S007", "S010"]


def test_bootstrap_resamples_whole_articles_and_is_reproducible(shipped):
    """Eleven one-paragraph articles on which the coders agree, one of ten paragraphs on
    which they all differ. A replicate without that article agrees fully: about a third of
    article replicates ((11/12)^12), almost never one of paragraphs ((11/21)^21)."""
    text = shipped["text"].iloc[:21].tolist()
    rows = pd.DataFrame(
        {
            "sample_id": [f"S{i:03d}" for i in range(1, 22)],
            "doc_id": [f"d{i:02d}" for i in range(11)] + ["d11"] * 10,
            "para_id": [0] * 11 + list(range(10)),
            "text": text,
        }
    )
    a = rows.assign(code=[S, L, N] * 7)
    b = rows.assign(code=[S, L, N] * 3 + [S, L] + [S, L, N] * 3 + [S])
    rep = coder_agreement({"a": a, "b": b}, n_boot=400, random_state=3)
    iv = rep.intervals
    assert rep.agreement == pytest.approx(11 / 21)
    assert iv.attrs["unit"] == "doc_id" and iv.attrs["n_units"] == 12
    assert iv.loc["agreement", "hi"] == 1.0
    assert iv.loc["agreement", "lo"] < rep.agreement
    again = coder_agreement({"a": a, "b": b}, n_boot=400, random_state=3).intervals
    pd.testing.assert_frame_equal(iv, again)
    other = coder_agreement({"a": a, "b": b}, n_boot=400, random_state=4).intervals
    assert not iv.equals(other)


def test_different_texts_name_the_coders_and_rows(shipped):
    a = _sheet(shipped, CODES_A)
    b = _sheet(shipped, CODES_B)
    b.loc[4, "text"] = shipped.loc[20, "text"]
    with pytest.raises(CodingSheetError) as err:
        coder_agreement({"first": a, "second": b})
    msg = str(err.value)
    assert "'first'" in msg and "'second'" in msg
    assert f"S005 ({a.loc[4, 'doc_id']}, {a.loc[4, 'para_id']})" in msg


def test_paragraphs_of_some_coders_are_left_out_with_a_warning(shipped):
    a, b = _sheet(shipped, CODES_A), _sheet(shipped, CODES_B).drop(index=[3])
    with pytest.warns(UserWarning, match="1 paragraph.*S004"):
        rep = coder_agreement({"a": a, "b": b}, n_boot=20)
    assert len(rep.table) == 9 and rep.partial["sample_id"].tolist() == ["S004"]
    assert rep.partial["coded_by"].tolist() == ["a"]
    assert rep.agreement == pytest.approx(8 / 9)
    with pytest.raises(ValueError, match="1 paragraph"), pytest.warns(UserWarning):
        coder_agreement({"a": a.iloc[:2], "b": b.iloc[1:]})
    with pytest.raises(InvalidParameterError, match=r"1 coder\(s\) \(a\); agreement needs"):
        coder_agreement({"a": a})


def test_adjudication_round_trip(shipped, tmp_path):
    a, b = _sheet(shipped, CODES_A), _sheet(shipped, CODES_B)
    rep = coder_agreement({"a": a, "b": b}, n_boot=20)
    path = write_adjudication_sheet(rep, tmp_path / "adjudicate.csv")
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert sheet.columns.tolist() == [
        "sample_id", "doc_id", "para_id", "text",
        "coder_a", "note_a", "coder_b", "note_b", "code", "note",
    ]  # fmt: skip
    assert sheet["sample_id"].tolist() == ["S004", "S007"] and (sheet["code"] == "").all()
    # the adjudicator decides S004 as neither and leaves S007 for later
    sheet.loc[0, ["code", "note"]] = ["neither", "no local state acting"]
    sheet.to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.warns(UserWarning, match="not coded yet"):
        half = read_codes(path)
    with pytest.raises(CodingSheetError) as err:
        merge_codes({"a": a, "b": b}, half)
    row = shipped.loc[6]
    assert f"S007 ({row['doc_id']}, {row['para_id']})" in str(err.value)
    assert "S004" not in str(err.value)
    sheet.loc[1, "code"] = "service_law"
    sheet.to_csv(path, index=False, encoding="utf-8-sig")
    final = merge_codes({"a": a, "b": b}, read_codes(path))
    expected = CODES_A.copy()
    expected[3], expected[6] = N, L
    assert final.columns.tolist() == [
        "sample_id", "doc_id", "para_id", "text", "code", "note", "coder_a", "coder_b"
    ]  # fmt: skip
    assert final["code"].tolist() == expected
    assert final["note"].tolist()[:4] == [
        "reason 0",
        "reason 1",
        "reason 2",
        "no local state acting",
    ]
    assert final["coder_b"].tolist() == CODES_B
    assert final["text"].tolist() == shipped["text"].iloc[:10].tolist()
    assert {n: t["code"].tolist() for n, t in split_coders(final).items()} == {
        "a": CODES_A, "b": CODES_B
    }  # fmt: skip


def test_adjudicating_an_agreed_paragraph_is_an_error(shipped):
    a, b = _sheet(shipped, CODES_A), _sheet(shipped, CODES_B)
    foreign = shipped.loc[[20], ["sample_id", "doc_id", "para_id", "text"]].assign(code=S)
    adjudicated = pd.concat([a.iloc[[3, 6, 0]].assign(code=[N, L, M]), foreign])
    with pytest.raises(CodingSheetError, match="2 paragraph") as err:
        merge_codes({"a": a, "b": b}, adjudicated)
    assert "S001" in str(err.value) and "S021" in str(err.value)
    assert "S004" not in str(err.value) and "S007" not in str(err.value)
    with pytest.raises(CodingSheetError, match="no adjudicated code.*S004.*S007"):
        merge_codes({"a": a, "b": b})


def test_merging_the_shipped_passes_gives_the_shipped_codes(shipped):
    """The shipped final codes are the adjudicated ones where its two passes differ."""
    coders = split_coders(shipped)
    assert list(coders) == ["a", "b"] and all(len(t) == len(shipped) for t in coders.values())
    final = merge_codes(coders, shipped[shipped["coder_a"] != shipped["coder_b"]])
    pd.testing.assert_series_equal(final["code"], shipped["code"])
    pd.testing.assert_frame_equal(
        final[["sample_id", "doc_id", "para_id", "coder_a", "coder_b"]],
        shipped[["sample_id", "doc_id", "para_id", "coder_a", "coder_b"]],
    )


def test_adjudication_sheet_as_a_workbook(shipped, tmp_path):
    """The adjudicator works in Excel too: the disagreements as a workbook whose code column
    has the drop-down of the codes, the coders' codes beside it, read back by read_codes."""
    import openpyxl

    a, b = _sheet(shipped, CODES_A), _sheet(shipped, CODES_B)
    rep = coder_agreement({"a": a, "b": b}, n_boot=20)
    path = write_adjudication_sheet(rep, tmp_path / "adjudicate.xlsx")
    assert path.read_bytes() == write_adjudication_sheet(rep, tmp_path / "again.xlsx").read_bytes()
    book = openpyxl.load_workbook(path)
    ws = book["coding"]
    header = [c.value for c in ws[1]]
    assert header == [
        "sample_id", "doc_id", "para_id", "text",
        "coder_a", "note_a", "coder_b", "note_b", "code", "note",
    ]  # fmt: skip
    (rule,) = ws.data_validations.dataValidation
    assert str(rule.sqref).startswith("I2:I")  # the code column, not a coder's
    ws["I2"], ws["I3"] = "neither", "service_law"
    book.save(path)
    final = merge_codes({"a": a, "b": b}, read_codes(path))
    expected = CODES_A.copy()
    expected[3], expected[6] = N, L
    assert final["code"].tolist() == expected
