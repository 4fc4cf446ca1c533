"""The data cards and the README's resource table state the counts and hashes of the shipped
resources as they are (the word lists' cards are checked in tests/segment/test_dictionary.py)."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from textkit.core.io import sha256_file
from textkit.core.lexicon import load_lexicon

ROOT = Path(__file__).resolve().parents[1]
RES = ROOT / "textkit" / "resources"
README = (ROOT / "README.md").read_text("utf-8")


def _card(name: str) -> str:
    return (RES / f"{name}_card.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("card", "files"),
    [
        ("frames", ["frames.yaml"]),
        ("cleaning_rules", ["cleaning_rules.yaml"]),
        ("annotate", ["genres.yaml", "eras.yaml"]),
        ("example_sentences", ["example_sentences.yaml"]),
    ],
)
def test_card_hashes_are_the_files(card, files):
    stated = re.findall(r"`([0-9a-f]{64})`", _card(card))
    assert stated == [sha256_file(RES / f) for f in files]


def test_frames_card_counts_the_lexicon():
    lex = load_lexicon()
    table = lex.table()
    kinds = collections.Counter(r.kind for r in lex.rules)
    line = re.search(r"\| entries \| (.*) \|", _card("frames")).group(1)
    assert line == (
        f"{len(table)} terms (stability {(table['frame'] == 'stability').sum()} in "
        f"{table.loc[table['frame'] == 'stability', 'category'].nunique()} categories, "
        f"service_law {(table['frame'] == 'service_law').sum()} in "
        f"{table.loc[table['frame'] == 'service_law', 'category'].nunique()} categories); "
        f"{len(lex.rules)} context rules ({kinds['shift']} shift, {kinds['negation']} negation, "
        f"{kinds['reference']} reference, {kinds['compound']} compound, {kinds['governs']} "
        f"governs, {kinds['topic']} topic)"
    )
    weights = re.search(r"\| weights \| (\d+) terms weight 1; (\d+) ambiguous terms weight 0\.5; "
                        r"(\d+) listed but not scored", _card("frames")).groups()  # fmt: skip
    assert [int(n) for n in weights] == [(table["weight"] == w).sum() for w in (1.0, 0.5, 0.0)]
    # the coded paragraphs' card names the lexicon its agreement figures were measured with
    prefix = re.search(r"lexicon sha256 `([0-9a-f]{8})…`", _card("coded_paragraphs")).group(1)
    assert sha256_file(RES / "frames.yaml").startswith(prefix)


def test_readme_resource_table_counts():
    from textkit.corpus.clean import load_rules

    def row(name: str) -> str:
        return re.search(rf"^\| `{re.escape(name)}`.*\| ([^|]+) \|$", README, re.M).group(1)

    lex = load_lexicon()
    assert row("frames.yaml") == f"{len(lex.terms())} terms, {len(lex.rules)} rules"
    assert row("cleaning_rules.yaml") == f"{len(load_rules().table())} patterns"
    coded = (RES / "coded_paragraphs.csv").read_text("utf-8-sig").splitlines()
    assert row("coded_paragraphs.csv") == str(len(coded) - 1)
