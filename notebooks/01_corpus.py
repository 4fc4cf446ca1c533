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
# # 01 · Corpus: from scraped pages to a clean, deduplicated article table
#
# Every later result (topics, networks, frame scores) is only as good as the article table
# it starts from. This notebook shows what the raw input looks like, what
# `textkit.build_corpus` did to it, and what came out — so that a reader can check, rather
# than trust, that every article was found, that site debris was removed and nothing else,
# and that duplicates are flagged rather than silently dropped.
#
# The corpus is the one `[corpus]` of `textkit.toml` names: the raw pages in `corpus/raw/`
# (the five scraped pages of the seed corpus, split into articles) or a researcher's own table
# or folder (`input`, one row or file per document). Inputs are never modified. The outputs
# are those of the corpus run; a paragraph that reads results begins "On the seed corpus" and
# reads the shipped example's (see `00_overview`).

# %% tags=["parameters"]
from textkit.plots.corpus import cleaning_table, plot_cleaning, plot_corpus_composition
from textkit.run import start_notebook

nb = start_notebook("01_corpus")  # textkit.toml, provenance, figure formats, analysed articles
PEEK_CHARS = 300  # characters of raw / cleaned text shown
SHOWN = 10  # rows of the long tables shown

# %%
build = nb.build_corpus()
docs = build.documents
pages = build.pages
report = build.report
report["files"] if "files" in report else report["texts"], report["articles"]["identity"]

# %% [markdown]
# ## 1 · What the raw input looks like
#
# On the seed corpus, the five pages were scraped from template sites (公文素材库, 笔构网,
# 公务员期刊网 …). Each file is decoded strictly (BOM, then UTF-8, GB18030, Big5) and the encoding recorded.
# Site, page title, URL and date are taken from the page where it states them; empty cells
# mean the page does not say. (A table's rows are its "pages": one document each.)

# %%
pages[["page_id", "encoding", "n_bytes", "site", "page_title", "page_date", "n_articles"]].head(
    SHOWN
)

# %% [markdown]
# The opening of the page (or file) of the last example article (`[analysis] examples`, else
# the second analysed article). On the seed corpus, page `001` shows the problems cleaning has
# to solve: an SEO spam line (a list of film-site names), site chrome (`瀏覽次數:`),
# traditional characters, a template placeholder (`**市`) and the article markers (`篇1`)
# that the splitter uses.

# %%
analysed = nb.analysed(docs)
EXAMPLES = nb.examples(analysed["doc_id"])  # [analysis] examples, else the first two analysed
shown = docs.set_index("doc_id").loc[EXAMPLES[-1]]
page_text = pages.set_index("page_id")["text"] if "text" in pages else docs.set_index("page_id")["text_raw"]
print(page_text.loc[shown["page_id"]][:PEEK_CHARS])

# %% [markdown]
# ## 2 · What cleaning removed
#
# Each cleaning rule counts, per article, the characters it removed (site chrome,
# watermarks, spam, PDF footers, `????` mojibake) or changed in place (traditional →
# simplified with OpenCC, full-/half-width punctuation, placeholder masks such as
# `xx镇 → 某镇`, lines broken mid-sentence re-joined). The totals per rule:

# %%
report["cleaning"]["chars_by_rule"]

# %%
GROUPS = nb.groups(docs)  # [analysis] groups: name -> column; the first one groups the figures
FIRST = next(iter(GROUPS))  # the seed corpus: its source pages
BY = GROUPS[FIRST]
fig = plot_cleaning(docs, by=BY)
nb.show_figure(fig, "corpus_cleaning", f"Characters removed or changed by each cleaning rule, per {FIRST}")

# %% [markdown]
# Per group of the first variable (on the seed corpus: per page) and rule (the table behind
# the figure, also written to `figures/corpus_cleaning.csv`):

# %%
cleaning_table(docs, BY).pivot_table(
    index="rule", columns=BY, values="chars_removed", aggfunc="sum", fill_value=0
).iloc[:, :SHOWN]

# %% [markdown]
# The example articles before and after cleaning: `text_raw` is kept beside `text`, so any
# removal can be audited.

# %%
for example in docs.set_index("doc_id").loc[EXAMPLES].itertuples():
    print(example.Index)
    print("RAW:    ", example.text_raw[:PEEK_CHARS].replace("\n", " ⏎ "))
    print("CLEANED:", example.text[:PEEK_CHARS].replace("\n", " ⏎ "))
    print()

# %% [markdown]
# ## 3 · Duplicates and shared boilerplate
#
# Exact duplicates are found by the hash of the normalised text, near duplicates by MinHash
# LSH on character n-grams, each candidate confirmed by the exact Jaccard similarity.
# Duplicates are flagged, never dropped: the canonical member of a group (`dup_of`) is
# chosen by a fixed rule, and the later notebooks analyse only the articles `[corpus] analyse`
# names (by default the kept ones), so that a reprinted article does not count twice.

# %%
report["duplicates"]["groups"]

# %%
docs.loc[
    docs["dup_group"].notna(),
    ["doc_id", "title", "n_chars", "dup_group", "dup_of", "similarity", "is_duplicate"],
]

# %% [markdown]
# Paragraphs repeated across *different* articles are shared boilerplate. They are reported,
# not removed. On the seed corpus: the guiding principles copied into two work plans of page
# `002`.

# %%
build.boilerplate.assign(paragraph=build.boilerplate["paragraph"].str.slice(0, 30))[
    ["paragraph", "n_docs", "n_chars", "doc_ids"]
].head(SHOWN)

# %% [markdown]
# ## 4 · The article table
#
# One row per article found (on the seed corpus, 36), duplicates included. `genre`, `year` and
# the governance-relevance flag are annotations of what the text states, left empty when the
# text does not say (where a table brings its own `year` or `genre`, its value is kept and the
# annotation is written as `year_detected`, `genre_detected`); `status` is `kept`, `flagged`
# (duplicate or off-topic, with the reason) or `quarantined` (too damaged to analyse). The
# document variables compared in every notebook (`[analysis] groups`) follow.

# %%
docs[["doc_id", "title", "n_chars", "status", "flag_reason", *dict.fromkeys(GROUPS.values())]].head(
    SHOWN
)

# %%
labels = nb.group_labels(docs)  # one label per document and group; missing -> "unknown"
{name: labels.assign(status=docs["status"].to_numpy()).groupby([name, "status"]).size()
 .unstack(fill_value=0) for name in GROUPS}  # fmt: skip

# %% [markdown]
# Corpus composition: articles per group of the first of `[analysis] groups`, split by
# status (seed pages are numbered from 1 in the order of their ids: page `000` is Page 1).
# On the seed corpus, the off-topic article of page `004` (Page 5, highway repair) and the
# duplicate of page `000` are flagged; nothing is lost.

# %%
fig = plot_corpus_composition(docs, by=BY)
nb.show_figure(fig, "corpus_composition", f"Articles found per {FIRST}, by status")

# %% [markdown]
# The same table is written by `textkit corpus build` to `corpus/processed/documents.parquet`
# and `documents.csv`, with `corpus_report.json` / `corpus_report.md` accounting for every
# file and article.
