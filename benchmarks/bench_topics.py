"""Benchmark: gensim LDA (textkit's LdaTopicModel) vs scikit-learn LatentDirichletAllocation.

Both fit the same paragraph-level document-term matrix of the seed corpus with the same K,
the same number of passes over the corpus (gensim ``passes`` = scikit-learn ``max_iter``,
batch updates: gensim ``chunksize`` >= number of documents, scikit-learn
``learning_method="batch"``) and the same cap on per-document E-step iterations (gensim
``iterations`` = scikit-learn ``max_doc_update_iter``). tomotopy (Gibbs sampling) is timed too
when it is importable. Each fit is repeated and the median wall time is reported, with the
ratio to gensim measured in the same run.

Run: ``python benchmarks/bench_topics.py [--k 10] [--passes 10] [--repeat 3] [--unit paragraph]``
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
from timing import median_time

from textkit import topics as T
from textkit.dtm.vectorizer import vectorize
from textkit.segment import segment_corpus

ROOT = Path(__file__).resolve().parents[1]


def _documents():
    from textkit.corpus.build import build_corpus

    raw = ROOT / "corpus" / "raw"
    try:
        docs = build_corpus(raw).documents
    except ImportError:  # while the dedup / annotate stages are missing: ingest, split, clean
        import dataclasses

        from textkit.corpus.build import CorpusConfig
        from textkit.corpus.clean import clean_documents
        from textkit.corpus.ingest import read_pages
        from textkit.corpus.split import split_pages

        cfg = CorpusConfig()
        pages = read_pages(raw, cfg.ingest)
        docs = clean_documents(
            split_pages(pages, dataclasses.replace(cfg.split, clean=cfg.clean)), cfg.clean
        )
    if "is_duplicate" in docs.columns:
        docs = docs[~docs["is_duplicate"].fillna(False).astype(bool)]
    return docs.reset_index(drop=True)


def main() -> None:
    warnings.simplefilter("ignore", UserWarning)  # empty paragraphs: reported by textkit
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--passes", type=int, default=10)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--unit", choices=("paragraph", "document"), default="paragraph")
    args = ap.parse_args()

    docs = _documents()
    units = T.add_unit_key(segment_corpus(docs, unit=args.unit))
    dtm = vectorize(units, min_df=2, max_df=0.5, group_by="unit_key")
    n_docs, n_terms = dtm.shape
    print(
        f"matrix: {n_docs} {args.unit}s x {n_terms} terms, {int(dtm.matrix.sum())} tokens; "
        f"K={args.k}, passes={args.passes}, iterations={args.iterations}, "
        f"median of {args.repeat}"
    )

    def gensim_fit():
        return T.LdaTopicModel(
            args.k,
            random_state=0,
            passes=args.passes,
            iterations=args.iterations,
            chunksize=max(2000, n_docs),
            gamma_threshold=1e-3,
        ).fit(dtm)

    def sklearn_fit():
        from sklearn.decomposition import LatentDirichletAllocation

        return LatentDirichletAllocation(
            n_components=args.k,
            learning_method="batch",
            max_iter=args.passes,
            max_doc_update_iter=args.iterations,
            mean_change_tol=1e-3,
            random_state=0,
            n_jobs=1,
        ).fit(dtm.matrix.astype(np.float64))

    rows = []
    t_gensim, _ = median_time(gensim_fit, args.repeat)
    rows.append(("gensim LdaModel (textkit)", t_gensim))
    t_sk, _ = median_time(sklearn_fit, args.repeat)
    rows.append(("scikit-learn LatentDirichletAllocation", t_sk))
    try:
        import tomotopy as tp
    except ImportError:
        tp = None
    if tp is not None:
        words = []
        csr = dtm.matrix.tocsr()
        for i in range(n_docs):
            s, e = csr.indptr[i], csr.indptr[i + 1]
            pairs = zip(csr.indices[s:e], csr.data[s:e], strict=True)
            words.append([dtm.vocabulary[j] for j, c in pairs for _ in range(int(c))])

        def tomotopy_fit():
            mdl = tp.LDAModel(k=args.k, seed=0)
            for w in words:
                if w:
                    mdl.add_doc(w)
            mdl.train(args.passes * args.iterations, workers=1)
            return mdl

        t_tp, _ = median_time(tomotopy_fit, args.repeat)
        rows.append(("tomotopy LDAModel (Gibbs, 1 worker)", t_tp))
    else:
        print("tomotopy: not installed, skipped")
    for name, t in rows:
        print(f"{name:42s} {t:8.3f} s   ratio to gensim {t / t_gensim:6.2f}")


if __name__ == "__main__":
    main()
