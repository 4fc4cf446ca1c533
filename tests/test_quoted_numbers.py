"""The numbers the README and the notebooks' narrative quote agree with the committed outputs,
and the notebooks quote them as the seed corpus's.

A change to the lexicon, the segmenter or a model regenerates the tables and figures, but
not the prose around them: a quoted balance, modularity, count or agreement figure can go
stale without any test noticing. Each test here reads the quote from the text as written
(so an edited sentence is checked as edited) and compares it, at the precision it is
stated with, to the committed output it describes (``results/`` and ``figures/``, written
by ``make reproduce``) or, for the validation figures, to the computation that produced
them. (The repeated-split averages the README quotes take half a minute to recompute; they
are printed by ``benchmarks/validity.py`` and not checked here.)

The notebooks run on any corpus, so their text may read results only as the seed corpus's:
the rule of ``notebooks/00_overview.py`` ("How to read these notebooks") is that a markdown
paragraph quoting a result (a number of the outputs, a named seed article or topic, a count
of articles) says, in that paragraph, that it reads the seed corpus, and that no markdown cell
links a figure by a fixed name (the cell that draws a figure shows it, named after the
project's groups). Every notebook quote checked below is also checked to be marked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
NOTEBOOK_03 = (ROOT / "notebooks" / "03_topics.py").read_text("utf-8")
NOTEBOOK_04 = (ROOT / "notebooks" / "04_networks.py").read_text("utf-8")
NOTEBOOK_05 = (ROOT / "notebooks" / "05_framing.py").read_text("utf-8")
NUMBER = r"[−+-]?\d+(?:\.\d+)?"
NOTEBOOKS = {
    p.name: p.read_text("utf-8") for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
}
#: What a paragraph that reads the seed corpus says.
SEED_MARK = "seed corpus"
#: A result of a corpus quoted in prose: a number with two or more decimals (a statistic;
#: 0.01, the p-value and tuning tolerance the text explains, aside), a topic of the seed
#: model (T3), a seed page or article (003 第2篇, page `001`), or a count of articles,
#: documents or paragraphs.
RESULT_QUOTE = re.compile(
    r"(?<![\d.])(?!0\.01\b)\d\.\d{2,}|\bT\d\b|(?<![\d,])\b00\d\b"
    r"|\b\d[\d,]* (?:usable )?(?:articles|documents|paragraphs)\b"
)


def _prose(text: str) -> str:
    """Markdown comment lines of a notebook source joined into one line of prose (the
    ``# `` prefixes and line breaks removed), or any text with its line breaks as spaces."""
    lines = [re.sub(r"^#\s?", "", line) for line in text.splitlines()]
    return re.sub(r"\s+", " ", " ".join(lines))


def _markdown_paragraphs(source: str) -> list[str]:
    """The paragraphs of the markdown cells of a notebook source, each as one line of prose; a
    list is one paragraph with the line that introduces it."""
    cells = re.split(r"^# %%(.*)$", source, flags=re.M)
    out: list[str] = []
    for header, body in zip(cells[1::2], cells[2::2], strict=True):
        if "[markdown]" not in header:
            continue
        for block in re.split(r"\n#[ \t]*\n", body.strip()):
            prose = _prose(block).strip()
            if re.match(r"(?:[-*]|\d+\.) ", prose) and out:
                out[-1] += " " + prose
            elif prose:
                out.append(prose)
    return out


def _quote(text: str, pattern: str) -> tuple[str, ...]:
    """The groups of ``pattern``'s one match in the prose of ``text`` (fails when absent); in a
    notebook, the match must sit in a paragraph that says it reads the seed corpus."""
    found = re.findall(pattern, _prose(text))
    assert len(found) == 1, f"expected one quote matching {pattern!r}, found {found}"
    if text in NOTEBOOKS.values():
        (paragraph,) = [p for p in _markdown_paragraphs(text) if re.search(pattern, p)]
        assert SEED_MARK in paragraph.lower(), f"not said to be the seed corpus's: {paragraph}"
    return found[0] if isinstance(found[0], tuple) else (found[0],)


def test_notebook_prose_reads_results_only_as_the_seed_corpus():
    """Run on another corpus, a notebook's outputs are that corpus's while its text stays: a
    paragraph that quotes a result says it is the seed corpus's (its own results are printed
    by the cells)."""
    unmarked = [
        f"{name}: {RESULT_QUOTE.findall(p)} in {p[:100]!r}"
        for name, source in NOTEBOOKS.items()
        for p in _markdown_paragraphs(source)
        if RESULT_QUOTE.search(p) and SEED_MARK not in p.lower()
    ]
    assert not unmarked, "\n".join(unmarked)


def test_notebooks_link_no_figure_by_a_fixed_name():
    """A figure named after the seed project's groups (topics_prevalence_page) is not drawn
    for a project with other groups: the cell that saves a figure shows it
    (``nb.show_figure``), so a notebook links exactly the figures it drew."""
    linked = [
        f"{name}: {link}"
        for name, source in NOTEBOOKS.items()
        for p in _markdown_paragraphs(source)
        for link in re.findall(r"\]\([^)]*figures/[^)]*\)", p)
    ]
    assert not linked, "\n".join(linked)
    for name, source in NOTEBOOKS.items():
        code = re.sub(r"^#.*$", "", source, flags=re.M)
        assert "nb.save_figure(" not in code, f"{name}: a figure saved but not shown"


def _value(quoted: str) -> float:
    return float(quoted.replace("−", "-"))


def _agrees(quoted: str, actual: float) -> bool:
    """``actual`` rounds to ``quoted`` at the quote's number of decimals."""
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    return abs(_value(quoted) - round(actual, decimals)) < 10 ** (-decimals) / 2


def test_document_balances_quoted_in_readme_and_notebook_05():
    scores = pd.read_csv(ROOT / "results" / "frames" / "document_scores.csv").set_index("doc_id")
    for doc_id, label in (("003_4542067cb4fbbdc2#02", "003#02 sits at"),
                          ("001_aabf14e4f143a46b#01", "001#01 at")):  # fmt: skip
        bal, lo, hi = _quote(README, rf"{label} ({NUMBER}) \[({NUMBER}), ({NUMBER})\]")
        row = scores.loc[doc_id]
        for quoted, actual in ((bal, row["balance"]), (lo, row["balance_lo"]),
                               (hi, row["balance_hi"])):  # fmt: skip
            assert _agrees(quoted, actual), (doc_id, quoted, actual)
    reg, council = _quote(NOTEBOOK_05, rf"balance scale \(({NUMBER}) and ({NUMBER})\)")
    assert _agrees(reg, scores.loc["003_4542067cb4fbbdc2#02", "balance"])
    assert _agrees(council, scores.loc["001_aabf14e4f143a46b#01", "balance"])


def test_article_group_sizes_quoted_in_notebooks_03_and_04():
    labels = pd.read_csv(ROOT / "results" / "frames" / "document_scores.csv")["frame_label"]
    counts = labels.value_counts()
    for text, pattern in ((NOTEBOOK_03, r"With (\d+) and (\d+) articles, and topics"),
                          (NOTEBOOK_04, r"groups of (\d+) and (\d+) articles")):  # fmt: skip
        stability, service = _quote(text, pattern)
        assert (int(stability), int(service)) == (counts["stability"], counts["service_law"])


def test_network_modularity_and_paragraph_count_quoted_in_readme():
    params = json.loads((ROOT / "results" / "networks" / "network_corpus_params.json").read_text())
    (q,) = _quote(README, rf"Q = ({NUMBER})")
    assert _agrees(q, params["graph"]["modularity"])
    (paragraphs,) = _quote(README, r"the topic models see them as ([\d,]+) paragraphs")
    doc_topic = pd.read_csv(ROOT / "results" / "topics" / "topics_doc_topic.csv")
    assert int(paragraphs.replace(",", "")) == len(doc_topic)


def test_lss_agreement_quoted_in_readme():
    table = pd.read_csv(ROOT / "figures" / "frames_lss_vs_dictionary.csv").dropna()
    (rho,) = _quote(README, rf"agreement with the dictionary measure \(Spearman ρ = ({NUMBER})\)")
    assert _agrees(rho, stats.spearmanr(table["balance"], table["lss"]).statistic)


def test_k_choice_quoted_in_notebook_03():
    """c_v highest at the K the text names (with the means it quotes), the best mean rank at
    the K it names, the K it reports is the configured one, and the seeds' c_v values it
    quotes."""
    import tomllib

    grid = pd.read_csv(ROOT / "figures" / "topics_k_selection.csv")
    means = grid.groupby("k")[["c_v", "c_npmi", "u_mass", "perplexity", "exclusivity"]].mean()
    best_cv, best_mean, k_next, next_mean = _quote(
        NOTEBOOK_03,
        rf"is highest at \*\*K = (\d+)\*\* \(({NUMBER}), the mean of its two seeds\), "
        rf"just above K = (\d+) \(({NUMBER})\)",
    )
    assert int(best_cv) == means["c_v"].idxmax()
    assert _agrees(best_mean, means.loc[int(best_cv), "c_v"])
    assert _agrees(next_mean, means.loc[int(k_next), "c_v"])
    assert means["c_v"].drop(int(best_cv)).idxmax() == int(k_next)
    (best_npmi,) = _quote(NOTEBOOK_03, r"NPMI at K = (\d+)")
    assert int(best_npmi) == means["c_npmi"].idxmax()
    (best_umass,) = _quote(NOTEBOOK_03, r"UMass at K = (\d+)")
    assert int(best_umass) == means["u_mass"].idxmax()  # closest to 0
    (lowest_perplexity,) = _quote(NOTEBOOK_03, r"held-out perplexity is lowest at K = (\d+)")
    assert int(lowest_perplexity) == means["perplexity"].idxmin()
    ranks = means.rank(ascending=False)
    ranks["perplexity"] = means["perplexity"].rank(ascending=True)
    (best_rank,) = _quote(NOTEBOOK_03, r"K = (\d+) has the best mean rank")
    assert int(best_rank) == ranks.mean(axis=1).idxmin()
    (reported,) = _quote(NOTEBOOK_03, r"We report \*\*K = (\d+)\*\*")
    config = tomllib.loads((ROOT / "textkit.toml").read_text(encoding="utf-8"))
    assert int(reported) == config["topics"]["n_topics"]
    a1, a2, more_less, k_other, b1, b2 = _quote(
        NOTEBOOK_03,
        rf"Its\s+two seeds spread on c_v \(({NUMBER}) and ({NUMBER})\)\s+(more|less) than K = "
        rf"(\d+)'s\s+\(({NUMBER}) and ({NUMBER})\)",
    )
    chosen = grid[grid["k"] == int(reported)].sort_values("seed")["c_v"].to_numpy()
    other = grid[grid["k"] == int(k_other)].sort_values("seed")["c_v"].to_numpy()
    spreads = (np.ptp(chosen), np.ptp(other))
    assert (spreads[0] > spreads[1]) == (more_less == "more"), spreads
    assert all(_agrees(q, v) for q, v in zip((a1, a2), chosen, strict=True)), chosen
    assert all(_agrees(q, v) for q, v in zip((b1, b2), other, strict=True)), other


def test_seeded_topic_matches_quoted_in_notebook_03():
    """The seeded frame topics' matches and the free topics' closeness, as section 5 says."""
    table = pd.read_csv(ROOT / "figures" / "topics_seeded.csv").set_index("topic")
    topic, cos = _quote(NOTEBOOK_03, rf"village-council topic \((T\d+)\), at cosine ≈ ({NUMBER})")
    service = table.loc["service_law"]
    assert service["matched_topic"] == f"T{int(topic[1:]):02d}" and _agrees(
        cos, service["similarity"]
    )
    (best,) = _quote(NOTEBOOK_03, rf"stability topic's best match reaches cosine ({NUMBER})")
    assert _agrees(best, table.loc["stability", "similarity"])
    words = {"Three": 3, "Four": 4, "Five": 5, "Six": 6}
    n, lo, hi = _quote(
        NOTEBOOK_03,
        rf"(Three|Four|Five|Six) of the six free topics, in contrast, are close to topics of\s+"
        rf"the unseeded model \(cosine ({NUMBER})–({NUMBER})\)",
    )
    free = table.loc[~table["seeded"], "similarity"].sort_values(ascending=False)
    close = free.head(words[n])
    assert _agrees(lo, close.min()) and _agrees(hi, close.max())
    assert len(free) == 6 and free.iloc[words[n]] < 0.8 <= close.min()


def test_topic_stability_quoted_in_notebook_03():
    per_topic = (
        pd.read_csv(ROOT / "figures" / "topics_stability.csv").groupby("topic")["stability"].first()
    )
    (about,) = _quote(NOTEBOOK_03, rf"mean stability is about ({NUMBER})")
    assert _agrees(about, per_topic.mean())


def test_validation_figures_quoted_in_readme(seed_docs):
    """In-sample agreement from the committed per-item table; the nested cross-validated rule
    and the classifier's grouped cross-validation recomputed (as ``benchmarks/validity.py``)."""
    from textkit.frames.crossval import cross_validate_frames
    from textkit.frames.tune import tune_label_rule
    from textkit.frames.validate import agreement, load_coded_paragraphs

    items = pd.read_csv(ROOT / "results" / "frames" / "validation_items.csv")
    rep = agreement(list(items["measure"]), list(items["code"]))
    f1, kappa, rho = _quote(
        README, rf"macro-F1 ({NUMBER}), Cohen's κ ({NUMBER}), Spearman ρ ({NUMBER}) in sample"
    )
    assert _agrees(f1, rep.macro_f1) and _agrees(kappa, rep.kappa) and _agrees(rho, rep.spearman)

    codes = load_coded_paragraphs()
    nested = tune_label_rule(codes, seed_docs).overall.set_index("measure")
    row = nested.loc["chosen (cross-validated)"]
    f1, kappa, rho = _quote(README, rf"\*\*({NUMBER}) / ({NUMBER}) / ({NUMBER}) when the paragraph")
    assert _agrees(f1, row["macro_f1"]) and _agrees(kappa, row["kappa"])
    assert _agrees(rho, row["spearman"])

    (clf,) = _quote(README, rf"reaches macro-F1 ({NUMBER}) by the same grouped cross-validation")
    cv = cross_validate_frames(codes, seed_docs).overall.set_index("measure")
    assert _agrees(clf, cv.loc["classifier", "macro_f1"])
    assert not np.isnan(cv.loc["dictionary", "macro_f1"])


def test_validation_intervals_quoted_in_readme():
    """The article-bootstrap interval of the in-sample macro-F1, from the committed table
    notebook 05 writes (the spread over random samples of 130 is printed by
    ``benchmarks/validity.py`` and not checked here)."""
    iv = pd.read_csv(ROOT / "results" / "frames" / "validation_intervals.csv")
    row = iv.set_index("figure").loc["macro_f1"]
    lo, hi = _quote(README, rf"macro-F1 has a 95 % interval of ({NUMBER})-({NUMBER})")
    assert _agrees(lo, row["lo"]) and _agrees(hi, row["hi"])


def test_classifier_against_dictionary_quoted_in_readme():
    """The paired difference of the classifier and the dictionary, from the committed table
    notebook 05 writes, and that its interval holds 0 as notebook 05's summary says."""
    paired = pd.read_csv(ROOT / "results" / "frames" / "validation_classifier_vs_dictionary.csv")
    row = paired.set_index("figure").loc["macro_f1"]
    diff, lo, hi = _quote(
        README,
        rf"paired difference, ({NUMBER}), has a 95 %\s+interval of ({NUMBER}) to ({NUMBER})",
    )
    assert _agrees(diff, row["difference"]) and _agrees(lo, row["lo"]) and _agrees(hi, row["hi"])
    assert "has an interval that holds 0" in NOTEBOOK_05 and row["lo"] < 0 < row["hi"]


def test_intercoder_agreement_quoted_in_readme():
    """Krippendorff's alpha of the shipped coding's two passes and its article-bootstrap
    interval, recomputed as its data card says (``coder_agreement``, 1000 replicates, seed 0;
    the per-draw figures are checked against the card in ``tests/frames/test_coders.py``)."""
    from textkit.frames.coders import coder_agreement, split_coders
    from textkit.frames.validate import load_coded_paragraphs

    rep = coder_agreement(split_coders(load_coded_paragraphs()), n_boot=1000, random_state=0)
    alpha, lo, hi = _quote(
        README, rf"Krippendorff's α ({NUMBER}), 95 % interval ({NUMBER})-({NUMBER})"
    )
    row = rep.intervals.loc["alpha"]
    assert _agrees(alpha, rep.alpha) and _agrees(lo, row["lo"]) and _agrees(hi, row["hi"])
