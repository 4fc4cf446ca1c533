"""The generated example table: deterministic, messy like real tables, with a known effect."""

from __future__ import annotations

import pandas as pd

from textkit.corpus.example import PROVINCE_EFFECT, example_table, write_example_table


def test_same_seed_same_table_other_seed_other_table(tmp_path):
    a = write_example_table(tmp_path / "a.csv", n_docs=30, random_state=5)
    b = write_example_table(tmp_path / "b.csv", n_docs=30, random_state=5)
    c = write_example_table(tmp_path / "c.csv", n_docs=30, random_state=6)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_the_table_carries_the_mess_of_real_tables():
    table = example_table(40, random_state=2)
    assert len(table) == 45 and table["doc_id"].is_unique
    extra = table.iloc[40:]
    assert (extra["text"] == "").sum() == 1
    copies = extra[extra["text"] != ""]
    originals = table.iloc[:40]
    exact = copies["text"].isin(originals["text"])
    assert exact.sum() == 2  # two exact duplicates under new ids
    assert copies.loc[~exact, "text"].str.contains("維|穩|務|區|網|護|權|與|決|開|會|監").all()


def test_the_planted_province_effect_is_in_the_truth_column():
    table = example_table(400, random_state=0).iloc[:400]
    share = table.groupby("province")["stability_share"].mean()
    order = sorted(PROVINCE_EFFECT, key=lambda p: PROVINCE_EFFECT[p][0])
    assert share.loc[order].is_monotonic_increasing
    early = table.loc[table["year"] <= 2011, "stability_share"].mean()
    late = table.loc[table["year"] >= 2019, "stability_share"].mean()
    assert early > late + 0.1  # the framing shifts toward service over the years
    assert pd.api.types.is_integer_dtype(table["year"])


def test_the_data_card_describes_the_shipped_bank():
    import re
    from pathlib import Path

    import yaml

    from textkit.core.io import sha256_file

    res = Path(__file__).resolve().parents[2] / "textkit" / "resources"
    card = (res / "example_sentences_card.md").read_text("utf-8")
    sha = re.search(r"\| sha256 \| `([0-9a-f]{64})` \|", card).group(1)
    assert sha == sha256_file(res / "example_sentences.yaml")
    bank = yaml.safe_load((res / "example_sentences.yaml").read_text("utf-8"))
    themes, per = re.search(r"\| entries \| (\d+) themes × (\d+) sentences", card).groups()
    assert len(bank) == int(themes)
    assert {len(t["sentences"]) for t in bank.values()} == {int(per)}
