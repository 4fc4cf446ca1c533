# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 · Overview: from scraped pages to frames in one pass
#
# This notebook runs the whole textkit story briefly on the corpus `[corpus]` names: the
# shipped seed corpus (five pages scraped from Chinese template sites, holding 36 articles on
# grassroots governance: work plans, experience reports, regulations, speeches, papers) or a
# researcher's own table or folder (`input`). Each later notebook takes one step in depth:
#
# | notebook | question |
# |---|---|
# | `01_corpus` | What did the raw pages hold, what did cleaning remove, which articles are duplicates? |
# | `02_segmentation` | Does segmentation keep governance concepts (社会治安综合治理, 枫桥经验 …) whole? |
# | `03_topics` | Which topics, why this K, how stable, and how do they differ by group? |
# | `04_networks` | Which governance keywords travel together, and how does that differ by frame? |
# | `05_framing` | Stability maintenance or service and rule of law — measured, with uncertainty, validated? |
#
# Every setting comes from `textkit.toml` (the project's, or the file given to
# `textkit --config FILE reproduce`), read once by `start_notebook`; every figure is written by
# `textkit.save_figure`, which records the corpus hash and config hash in
# `figures/manifest.csv`, so a figure in a paper can be traced to exactly what produced it.
#
# **How to read these notebooks.** The text says how each step works; what the corpus shows
# comes from the cells' output, computed on the corpus of this run. Where the text reads
# results — a number, a named article, topic or term, a difference between groups — it reads
# those of the seed corpus, and says so: such a paragraph begins "On the seed corpus". Each
# figure is shown by the cell that draws it, under the name it was saved as.

# %% tags=["parameters"]
import textkit as tk
from textkit.plots.corpus import plot_corpus_composition
from textkit.plots.frames import plot_frame_balance
from textkit.run import start_notebook

nb = start_notebook("00_overview")  # textkit.toml, provenance, figure formats, analysed articles
nb.summary()

# %% [markdown]
# ## 1 · The article table
#
# `build_corpus` decodes every page strictly, splits it into articles by the page's own
# markers (第一篇 / 篇1 / 第1篇 …), cleans site chrome, watermarks, spam lines and page footers,
# converts traditional to simplified characters, masks template placeholders (xx镇 → 某镇) and
# flags — never drops — duplicates and off-topic articles. The report accounts for every file
# and every article.

# %%
build = nb.build_corpus()
docs = build.documents
report = build.report
{k: report["articles"][k] for k in ("found", "kept", "flagged", "quarantined")}

# %%
GROUPS = nb.groups(docs)  # [analysis] groups: the document variables compared
docs[["doc_id", "title", "n_chars", "status", "is_duplicate", *dict.fromkeys(GROUPS.values())]].head(
    12
)

# %%
BY = next(iter(GROUPS))  # the first group
fig = plot_corpus_composition(docs, by=GROUPS[BY])
nb.show_figure(fig, "overview_corpus", f"Articles found per {BY}, by status")

# %% [markdown]
# ## 2 · Frames: stability maintenance versus service and rule of law
#
# `score_frames` counts lexicon terms (with negation, contrast and "from control to service"
# shift rules applied at clause level) and reports, per article, the balance
# `(service_law − stability) / (service_law + stability)` in [−1, 1] with a bootstrap
# confidence interval over the article's sentences. Like every analysis in these notebooks it
# uses the articles `[corpus] analyse` names — by default the kept ones: a reprinted article
# counts once and an off-topic one not at all.

# %%
analysed = nb.analysed(docs)  # [corpus] analyse: the kept articles
scores = tk.score_frames(
    analysed, config=tk.FrameConfig.from_project(nb.config), segmenter=tk.segmenter_from_config(nb.config)
)
scores["frame_label"].value_counts().sort_index()

# %%
scores.sort_values("balance")[
    ["doc_id", "title", "balance", "balance_lo", "balance_hi", "frame_label"]
].head(8)

# %%
fig = plot_frame_balance(scores, width="double")  # labels: shortened title (page, article number)
nb.show_figure(fig, "overview_frame_balance", "Frame balance per article, with its 95 % interval")

# %% [markdown]
# The notebooks that follow check every step of this: what cleaning changed (01), whether the
# segmentation keeps the concepts the frames are made of (02), what the topic model and the
# keyword networks see without the lexicon (03, 04), and how well the frame measure agrees
# with hand coding (05).
