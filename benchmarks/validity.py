"""Validity of the three frame measures against the shipped hand-coded paragraphs.

Run: ``.venv/bin/python benchmarks/validity.py [--n-splits 5] [--groups doc_id|page]
[--repeats 5] [--sample-size 130]``

On the 754 coded paragraphs of the seed corpus (``textkit/resources/coded_paragraphs.csv``,
two independent coders plus adjudication; see its data card) it prints first how far the
two coders agree (``coder_agreement`` on ``coder_a`` and ``coder_b``: percent agreement,
Cohen's kappa, Krippendorff's alpha and each code's specific agreement, with 95 % intervals
that resample whole articles), then, side by side:

* the **dictionary** measure (``score_frames(level="paragraph")``, default ``FrameConfig``)
  in sample, i.e. on all coded paragraphs (what ``validate_measure`` and the data card
  report), and on the test paragraphs of each grouped fold (it has no training, so the
  pooled folds equal the in-sample figure; the fold spread shows the sampling error);
* the dictionary with its **labelling rule chosen** on the codes (``tune_label_rule``): in
  sample (optimistic) and by nested grouped cross-validation (the rule chosen without the
  held-out articles; the honest figure for text the rule was not chosen on);
* the supervised **classifier** (``FrameClassifier``: class-balanced logistic regression on
  unigrams + bigrams and the nine dictionary features), the same on the dictionary features
  only (**dictionary features only**) and without them (**text only**), by grouped
  cross-validation (``cross_validate_frames``: all paragraphs of one article in the same
  fold, ``StratifiedGroupKFold`` without shuffling);
* **LSS** (``LatentSemanticScaling.from_config`` with the ``[lss]`` table of
  ``textkit.toml``, fitted on the sentences of the analysed articles; seeds from that table,
  no use of the codes). LSS gives a scale, not a label: only Spearman's rho between the
  paragraph score and the ordered codes (stability < mixed < service_law, ``neither`` left
  out) is reported, pooled and per fold.

Metrics are those of ``textkit.frames.validate.agreement``: macro-F1 over the four codes,
Cohen's kappa, Spearman's rho on the ordered labels (items where either side is
``neither`` excluded), recall per code. Pooled = one agreement over every paragraph's
out-of-fold prediction; mean +- sd over the folds.

**Repeated splits** (``--repeats R``, default 5): the nested rule choice and the three
classifiers again on R splits with the articles shuffled into folds (seeds 0 … R-1), pooled
macro-F1 per split, then mean, sd and range over the splits. One split's figures depend on
which articles share a fold by as much as the differences between measures; the repeats
show which differences survive a reshuffle.

**Intervals**: 95 % bootstrap intervals of the in-sample figures, whole articles resampled
(``ValidationReport.intervals``), the paired intervals of the classifiers' difference from
the dictionary on the same folds (``compare_agreement``), and the spread of macro-F1 over simple random samples of
``--sample-size`` coded paragraphs (default 130): how far one validation sample of that size
lands from the figure on all coded paragraphs.

Caveat printed with the table: a fold tests about 45 paragraphs from 6-7 articles, so the
differences between measures smaller than the fold spread are not evidence.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]


def _lss_spearman(codes: pd.DataFrame, scores: np.ndarray) -> tuple[float, int]:
    from textkit.frames.validate import ORDER

    keep = codes["code"].isin(ORDER).to_numpy() & np.isfinite(scores)
    if keep.sum() < 3:
        return float("nan"), int(keep.sum())
    ranks = codes.loc[keep, "code"].map(ORDER).to_numpy()
    return float(stats.spearmanr(scores[keep], ranks).statistic), int(keep.sum())


def _row(name: str, pooled: dict, folds: pd.DataFrame | None) -> dict:
    row = {"measure": name}
    for k in ("macro_f1", "kappa", "spearman", "accuracy"):
        row[k] = pooled.get(k, np.nan)
    for c in ("stability", "mixed", "service_law", "neither"):
        row[f"recall_{c}"] = pooled.get(f"recall_{c}", np.nan)
    if folds is not None:
        for k in ("macro_f1", "kappa", "spearman"):
            vals = folds[k].to_numpy(float)
            if np.isnan(vals).all():
                continue
            row[f"{k}_folds"] = f"{np.nanmean(vals):.2f} ± {np.nanstd(vals, ddof=1):.2f}"
    return row


def _print_repeats(codes, docs, args, variants: dict) -> None:
    """Pooled macro-F1 of the nested rule choice and each classifier on shuffled splits."""
    import textkit as tk
    from textkit.frames.crossval import cross_validate_frames

    seeds = range(args.repeats)
    got: dict[str, list[float]] = {"dictionary, rule chosen by nested grouped CV": []}
    for seed in seeds:
        tuned = tk.tune_label_rule(codes, docs, n_splits=args.n_splits, random_state=seed)
        overall = tuned.overall.set_index("measure")
        got["dictionary, rule chosen by nested grouped CV"].append(
            overall.loc["chosen (cross-validated)", "macro_f1"]
        )
        for name, model in variants.items():
            cv = cross_validate_frames(
                codes, docs, n_splits=args.n_splits, groups=args.groups, model=model,
                random_state=seed,
            )  # fmt: skip
            got.setdefault(name, []).append(cv.overall.set_index("measure").loc["classifier",
                                                                                "macro_f1"])  # fmt: skip
    rows = [
        {"measure": name, "mean": np.mean(v), "sd": np.std(v, ddof=1) if len(v) > 1 else np.nan,
         "min": np.min(v), "max": np.max(v), **{f"seed {s}": x for s, x in zip(seeds, v, strict=True)}}
        for name, v in got.items()
    ]  # fmt: skip
    print(
        f"\nrepeated splits: pooled macro-F1 on {args.repeats} grouped {args.n_splits}-fold "
        f"splits with the articles shuffled (seeds 0-{args.repeats - 1})"
    )
    print(pd.DataFrame(rows).set_index("measure").round(3).to_string())
    if all(len(set(np.round(v, 12))) == 1 for v in got.values()):
        print(
            "the shuffled splits coincide: StratifiedGroupKFold shuffles only the articles whose "
            "mix of codes ties, and none does here"
        )


def _print_small_samples(report, size: int, draws: int = 1000) -> None:
    """Macro-F1 of the dictionary on simple random samples of ``size`` coded paragraphs: how
    far one validation sample of that size can land from the figure on all of them."""
    from textkit.frames.agree import agreement

    table = report.table.reset_index(drop=True)
    rng = np.random.default_rng(0)
    f1, no_mixed = [], 0
    for _ in range(draws):
        rows = table.iloc[np.sort(rng.choice(len(table), size=size, replace=False))]
        f1.append(agreement(rows["measure"], rows).macro_f1)
        no_mixed += int((rows["code"] != "mixed").all())
    f1 = np.array(f1)
    lo, med, hi = np.quantile(f1, [0.05, 0.5, 0.95])
    print(
        f"\ndictionary on {draws} simple random samples of {size} coded paragraphs: macro-F1 "
        f"median {med:.3f}, 90 % of samples {lo:.3f}-{hi:.3f}, {np.mean(f1 >= 0.75):.0%} of "
        f"them at or above 0.75 ({no_mixed} samples without a mixed paragraph)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-splits", type=int, default=5)
    ap.add_argument("--groups", default="doc_id", help="doc_id (article) or page")
    ap.add_argument("--repeats", type=int, default=5, help="shuffled grouped splits (0: none)")
    ap.add_argument(
        "--sample-size", type=int, default=130,
        help="paragraphs of the random validation samples drawn from the coded set (0: none)",
    )  # fmt: skip
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)

    import textkit as tk
    from textkit.frames.crossval import cross_validate_frames
    from textkit.frames.supervised import FrameClassifier
    from textkit.frames.validate import align_codes, load_coded_paragraphs, validate_measure

    t0 = time.perf_counter()
    build = tk.build_corpus(ROOT / "corpus" / "raw")
    docs = build.documents
    codes = load_coded_paragraphs()
    aligned = align_codes(codes, docs)
    counts = aligned["code"].value_counts()
    print(
        f"coded paragraphs: {len(codes)} from {aligned['doc_id'].nunique()} articles of "
        f"{aligned['doc_id'].str.split('#').str[0].nunique()} pages; "
        + ", ".join(f"{c} {counts.get(c, 0)}" for c in tk.frames.validate.CODES)
    )

    reliability = tk.coder_agreement(tk.split_coders(codes), n_boot=1000, random_state=0)
    print(
        f"\nintercoder agreement (coder_a, coder_b): {len(reliability.table)} paragraphs of "
        f"{reliability.intervals.attrs['n_units']} articles, {len(reliability.disagreements)} "
        "disagreements; 95 % intervals, articles resampled (1000 replicates)"
    )
    print(reliability.intervals.round(3).to_string())
    print(reliability.per_code.round(3).to_string(index=False))

    in_sample = validate_measure(codes, docs)
    cv = cross_validate_frames(codes, docs, n_splits=args.n_splits, groups=args.groups)
    variants = {
        "classifier": FrameClassifier(),
        "classifier, dictionary features only": FrameClassifier(text_features=False),
        "classifier text only": FrameClassifier(dictionary_features=False),
    }
    cv_dict = cross_validate_frames(
        codes, docs, n_splits=args.n_splits, groups=args.groups,
        model=variants["classifier, dictionary features only"],
    )  # fmt: skip
    cv_text = cross_validate_frames(
        codes, docs, n_splits=args.n_splits, groups=args.groups,
        model=variants["classifier text only"],
    )  # fmt: skip
    overall = cv.overall.set_index("measure")
    folds = cv.folds
    tuning = tk.tune_label_rule(codes, docs, n_splits=args.n_splits)
    tuned = tuning.overall.set_index("measure")
    tuned_folds = tuning.folds.rename(columns={"test_macro_f1": "macro_f1"}).assign(
        kappa=np.nan, spearman=np.nan
    )

    # LSS: fitted on the analysed articles' sentences, scores of the coded paragraphs
    project = tk.load_config(ROOT / "textkit.toml")
    analysis = tk.analysed_documents(docs)
    sents = tk.segment_corpus(analysis[["doc_id", "text"]], unit="sentence")["tokens"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seeds absent from the vocabulary (named in the log)
        lss = tk.LatentSemanticScaling.from_config(project).fit(sents.tolist())
    seg = tk.segmenter_from_config(None)
    para_scores = lss.transform([seg.tokenize(t) for t in aligned["text"]])
    rho_lss, n_lss = _lss_spearman(aligned, para_scores)
    fold_of = cv.predictions.set_index("sample_id")["fold"]
    lss_folds = []
    for k in sorted(set(fold_of)):
        mask = aligned["sample_id"].map(fold_of).to_numpy() == k
        rho, _ = _lss_spearman(aligned[mask].reset_index(drop=True), para_scores[mask])
        lss_folds.append({"fold": k, "spearman": rho})
    lss_folds = pd.DataFrame(lss_folds)

    dict_in = {
        **in_sample.summary(),
        **{f"recall_{r.label}": r.recall for r in in_sample.per_class.itertuples(index=False)},
    }
    rows = [
        _row(f"dictionary, in sample (all {len(aligned)})", dict_in, None),
        _row("dictionary, rule chosen in sample", tuned.loc["chosen (in-sample)"].to_dict(), None),
        _row(
            "dictionary, rule chosen by nested grouped CV",
            tuned.loc["chosen (cross-validated)"].to_dict(),
            tuned_folds,
        ),
        _row(
            "dictionary, grouped CV folds",
            overall.loc["dictionary"].to_dict(),
            folds[folds["measure"] == "dictionary"],
        ),
        _row(
            "classifier, grouped CV",
            overall.loc["classifier"].to_dict(),
            folds[folds["measure"] == "classifier"],
        ),
        _row(
            "classifier, dictionary features only, grouped CV",
            cv_dict.overall.set_index("measure").loc["classifier"].to_dict(),
            cv_dict.folds[cv_dict.folds["measure"] == "classifier"],
        ),
        _row(
            "classifier text only, grouped CV",
            cv_text.overall.set_index("measure").loc["classifier"].to_dict(),
            cv_text.folds[cv_text.folds["measure"] == "classifier"],
        ),
        {
            "measure": f"LSS (scale; Spearman only, n={n_lss})",
            "spearman": rho_lss,
            "spearman_folds": (
                f"{np.nanmean(lss_folds['spearman']):.2f} ± "
                f"{np.nanstd(lss_folds['spearman'], ddof=1):.2f}"
            ),
        },
    ]
    table = pd.DataFrame(rows).set_index("measure")
    print(
        f"\n{args.n_splits}-fold cross-validation grouped by {args.groups} "
        "(StratifiedGroupKFold, no shuffle); pooled out-of-fold figures, then fold mean ± sd\n"
    )
    print(table.round(3).to_string(na_rep="-"))
    iv = in_sample.intervals(n_boot=1000, random_state=0)
    print(
        "\ndictionary, in sample: 95 % bootstrap intervals, articles resampled "
        f"({iv.attrs['n_units']} articles, 1000 replicates)"
    )
    print(iv.round(3).to_string())
    print("\npaired differences, articles resampled (second minus first; 1000 replicates):")
    for name, first, second in (
        ("classifier - dictionary", cv.reports["dictionary"], cv.reports["classifier"]),
        ("dictionary features only - dictionary", cv_dict.reports["dictionary"],
         cv_dict.reports["classifier"]),
    ):  # fmt: skip
        paired = tk.compare_agreement(first, second, random_state=0)
        row = paired.loc["macro_f1"]
        print(
            f"  {name}: macro-F1 {row['difference']:+.3f} [{row['lo']:+.3f}, {row['hi']:+.3f}], "
            f"second better in {row['share_second_better']:.0%} of replicates; kappa "
            f"{paired.loc['kappa', 'difference']:+.3f} [{paired.loc['kappa', 'lo']:+.3f}, "
            f"{paired.loc['kappa', 'hi']:+.3f}]"
        )
    if args.sample_size > 0:
        _print_small_samples(in_sample, args.sample_size)
    print("\nper fold (test paragraphs):")
    per = folds.pivot(index="fold", columns="measure", values=["n_test", "macro_f1", "kappa"])
    print(per.round(3).to_string())
    print("\nclassifier probabilities:", cv.calibration[0])
    print("\nlabelling rule chosen on all coded paragraphs:", tuning.rule)
    print("rules chosen per outer fold:")
    print(tuning.folds.round(3).to_string(index=False))
    if args.repeats > 0:
        _print_repeats(codes, docs, args, variants)
    print(
        f"\ncaveat: {len(aligned)} paragraphs from {aligned['doc_id'].nunique()} articles; each "
        "fold tests a few dozen paragraphs from a handful of articles. Differences between "
        "measures smaller than the fold spread are not evidence that one measure is better."
    )
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
