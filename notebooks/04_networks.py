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
# # 04 · Keyword co-occurrence networks
#
# Which governance keywords travel together, and does that differ between articles framed
# around stability maintenance (维稳) and articles framed around service and the rule of
# law? The co-occurrence "semantic network" is the most common figure in Chinese
# social-science papers on governance. It is usually made by hand with ROST CM6, a co-word
# matrix tool, SPSS and NetDraw, or in KH Coder's GUI, and cannot be reproduced from the
# paper. Here it is one recorded recipe, every setting in the `[cooc]` table of
# `textkit.toml`:
#
# 1. **count**: in how many sentences do two node terms appear together (a sparse binary
#    sentence × term matrix `X`, co-occurrence counts `X.T @ X`), plus the number of
#    *documents* behind each pair;
# 2. **weigh**: Jaccard (KH Coder's default), Dice, Ochiai, PMI / NPMI and Dunning's G²
#    with its p-value, all from the same 2 × 2 sentence table;
# 3. **prune**: the strongest edges, plus the maximum spanning tree so that no term floats
#    alone;
# 4. **structure**: Louvain communities with a fixed seed (and their modularity), and
#    centralities;
# 5. **export**: GEXF and GraphML for Gephi, node and edge tables, and the parameters.
#
# The same inputs give byte-identical files: nodes and edges are sorted, the seeds are
# fixed, and no date is written. The outputs are those of the corpus run; a paragraph that
# reads results begins "On the seed corpus" and reads the shipped example's (see
# `00_overview`).

# %% tags=["parameters"]
import dataclasses

import textkit as tk
from textkit.cooc import CoocConfig, NetworkConfig, ego_table, node_table
from textkit.plots.network import plot_difference, plot_ego_networks, plot_network
from textkit.run import start_notebook

nb = start_notebook("04_networks")  # textkit.toml, provenance, figure formats, analysed articles
COOC = CoocConfig.from_project(nb.config)  # the [cooc] table: counting ...
NET = NetworkConfig.from_project(nb.config)  # ... then pruning and analyses
OUT_DIR = nb.output(NET.out_dir)
GROUPS = ("stability", "service_law")
{"cooc": COOC.as_dict(), "network": NET.as_dict()}

# %% [markdown]
# ## 1 · Sentences of the analysed articles
#
# The network counts the articles `[corpus] analyse` names — the kept ones: a reprinted article
# does not count its co-occurrences twice, and an off-topic one does not add its own. Segmentation is textkit's governance-aware jieba
# (`02_segmentation`): multi-word concepts such as 社会治安综合治理 stay one token, and the
# stopword and officialese lists are applied; the `exclude` list of `[cooc]` removes a few
# function words that survive them. Paragraph, document and sliding-window units are
# built from these sentence rows when `unit` asks for them.

# %%
build = nb.build_corpus()
docs = build.documents
analysed = nb.analysed(docs)  # [corpus] analyse: the kept articles
units = tk.segment_corpus(analysed, unit="sentence", segmenter=nb.segmenter)  # [segment]
{
    "articles": len(analysed),
    "sentences": len(units),
    "tokens": int(units["tokens"].map(len).sum()),
}

# %% [markdown]
# ## 2 · Counts and association weights
#
# The node set is the most frequent terms. Each row below is a pair that co-occurs in at
# least `min_count` sentences. `docs` counts the articles behind the pair: a pair with
# many sentences but one article is that article's phrasing, not a pattern of the corpus.
# `expected` is the count expected under independence; G² is large for attraction *and*
# repulsion, so read it with `count > expected`.

# %%
res = tk.cooccurrence(units, COOC)
cols = ["source", "target", "count", "docs", "expected", "jaccard", "npmi", "g2", "p_value"]
res.edges.sort_values(["jaccard", "count"], ascending=False)[cols].head(10).round(4)

# %% [markdown]
# ## 3 · The corpus network
#
# The strongest edges by Jaccard plus the maximum spanning tree. Node area is proportional
# to frequency, colour is the Louvain community (seed fixed, communities numbered by size),
# edge width is proportional to Jaccard; spanning-tree edges are darker. Layout:
# ForceAtlas2 (Gephi's default) from a seeded spring layout, nodes in sorted order.

# %%
G = tk.build_network(res, **NET.build_kwargs())
{
    "nodes": G.number_of_nodes(),
    "edges": G.number_of_edges(),
    "communities": G.graph["n_communities"],
    "modularity": round(G.graph["modularity"], 3),
}

# %%
fig = plot_network(G, random_state=NET.random_state)
corpus_layout = fig.textkit_data  # positions and colours, reused by the Gephi export
nb.show_figure(fig, "network_corpus", "The corpus co-occurrence network")

# %% [markdown]
# Centralities, one row per term: `betweenness` marks the terms that bridge communities,
# `eigenvector` the terms at the centre of the dense core.

# %%
node_table(G).sort_values("betweenness", ascending=False)[
    ["term", "freq", "community", "degree", "weighted_degree", "betweenness", "eigenvector"]
].head(10).round(3)

# %% [markdown]
# ## 4 · Two groups of articles
#
# `score_frames` labels every article by the balance of stability-maintenance and
# service / rule-of-law vocabulary (`05_framing`). The comparison uses the articles whose
# label is clearly one or the other; mixed articles and those with neither frame are
# left out.

# %%
FRAMES = tk.FrameConfig.from_project(nb.config)  # [frames]: lexicon, bootstrap, thresholds (as 05)
scores = tk.score_frames(analysed, config=FRAMES, segmenter=nb.segmenter)
label = dict(zip(scores["doc_id"], scores["frame_label"], strict=True))
units_a = units[units["doc_id"].map(label) == GROUPS[0]]
units_b = units[units["doc_id"].map(label) == GROUPS[1]]
scores["frame_label"].value_counts().sort_index()

# %% [markdown]
# Which words are key to each group? The log-likelihood keyness of the stability articles
# against the service / rule-of-law articles gives the node colours of the next two
# figures (terms with p < 0.01; the rest are grey), so that a reader sees at once on which
# side of the divide each neighbour of 维稳 or 法治 lies.

# %% [markdown]
# A corpus without articles of one of the two labels cannot be compared this way: the
# comparison steps below are then skipped with a message, and the networks are drawn grey.

# %%
BOTH = set(GROUPS) <= set(label.values())  # both labels have articles: the comparison can run
key_groups = {}
key_labels = {GROUPS[0]: "key in stability articles", GROUPS[1]: "key in service / law articles"}
if BOTH:
    key = tk.keyness(
        units[units["doc_id"].map(label).isin(GROUPS)],
        group=(units[units["doc_id"].map(label).isin(GROUPS)]["doc_id"].map(label) == GROUPS[0]),
    )
    key_groups = {
        t: (GROUPS[0] if k == "target" else GROUPS[1])
        for t, k, p in zip(key["term"], key["key_for"], key["p_value"], strict=True)
        if p < 0.01
    }
    display(key[["term", "count_a", "count_b", "g2", "log_ratio", "key_for"]].head(8).round(2))
else:
    print(f"comparison skipped: no article labelled {' or '.join(set(GROUPS) - set(label.values()))}")

# %% [markdown]
# ## 5 · Ego networks of the frame terms
#
# The neighbourhood of the `ego_terms` (by default 稳定, 维稳, 法治 and 服务) in a larger network (the `ego_nodes` most
# frequent terms, every edge with at least `min_count` sentences), keeping each centre's
# `ego_neighbours` strongest neighbours. Size and width scales are shared by the panels.

# %%
res_ego = tk.cooccurrence(units, dataclasses.replace(COOC, n_nodes=NET.ego_nodes))
G_ego = tk.build_network(res_ego, NET.weight, top_n=None, random_state=NET.random_state)
terms = [t for t in NET.ego_terms if t in G_ego]
egos = {t: tk.ego_network(G_ego, t, max_neighbours=NET.ego_neighbours) for t in terms}
fig = plot_ego_networks(egos, node_groups=key_groups, group_labels=key_labels, random_state=NET.random_state)
nb.show_figure(fig, "network_ego", "Ego networks of the frame terms")

# %%
ego_table(G_ego, terms, max_neighbours=5)[
    ["term", "rank", "neighbour", "weight", "count", "docs"]
].round(3)

# %% [markdown]
# ## 6 · The comparison: what travels together in each group
#
# The same node set (chosen on both groups together) is counted in each group; the table
# lists the pairs whose Jaccard changes most. A pair is kept only when it co-occurs in at
# least `compare_min_docs` articles of the group where it is stronger: a single article's
# list of duties would otherwise fill the table (on the seed corpus, with groups of 17 and 8
# articles, it would). `g2` and
# `p_value` test whether the share of sentences holding the pair differs between the
# groups; sentences of one article are not independent, so read them as a screening
# score, not as a test.

# %%
if BOTH:
    cmp = tk.compare_networks(
        units_a,
        units_b,
        config=COOC,
        weight=NET.weight,
        labels=GROUPS,
        top_n=NET.compare_top_n,
        min_docs=NET.compare_min_docs,
    )
    display(cmp.changes[
        ["source", "target", "count_a", "count_b", "docs_a", "docs_b", "weight_a", "weight_b",
         "diff", "group", "p_value"]
    ].head(15).round(3))  # fmt: skip

# %% [markdown]
# In the difference graph an edge is red when the pair is more strongly associated in the
# stability articles and blue when it is more strongly associated in the service /
# rule-of-law articles; its width is the size of the change. Nodes are placed by their
# co-occurrence in either group, so terms that travel together sit together even when only
# one of their edges changed.

# %%
if BOTH:
    fig = plot_difference(cmp, node_groups=key_groups, group_labels=key_labels, random_state=NET.random_state)
    difference_layout = fig.textkit_data
    display(nb.show_figure(
        fig, "network_difference", "Difference network of stability and service / rule-of-law articles"
    ))  # fmt: skip

# %% [markdown]
# ### By document variable
#
# The same comparison for each variable of `[analysis] groups`: the articles of its largest
# group against all the others (`network_difference_<name>`; in the seed corpus the page with
# most articles, the most frequent genre and era). Edges are coloured by the group where the
# pair is stronger.

# %%
group_docs = nb.group_labels(analysed, missing=None)  # doc_id + one column per group variable
by_variable = {}
for name in nb.groups(analysed):
    largest = group_docs[name].value_counts().sort_index().idxmax()
    by_variable[name] = tk.compare_networks_by(
        units, group_docs, name, largest, config=COOC, weight=NET.weight,
        top_n=NET.compare_top_n, min_docs=NET.compare_min_docs,
    )  # fmt: skip
    fig = plot_difference(by_variable[name], random_state=NET.random_state)
    display(nb.show_figure(fig, f"network_difference_{name}", f"Difference network by {name}"))
{name: {"groups": c.labels, "pairs changed": len(c.changes)} for name, c in by_variable.items()}

# %% [markdown]
# ## 7 · Exports for Gephi
#
# Each network is written as GEXF and GraphML (open either in Gephi: the `community`
# attribute colours the nodes, `weight` sizes the edges), node and edge CSV tables, and a
# JSON record of the parameters with the SHA-256 of each file. The GEXF files of the two
# figures also carry the figure's positions, colours and sizes, so Gephi opens them as
# drawn here. Rerunning this notebook rewrites the same bytes.

# %%
exports = {
    "network_corpus": tk.export_network(G, OUT_DIR, "network_corpus", layout=corpus_layout),
}
if terms:  # some ego term is a node of the network
    ego_union = tk.ego_network(G_ego, terms, max_neighbours=NET.ego_neighbours)
    exports["network_ego"] = tk.export_network(ego_union, OUT_DIR, "network_ego")
if BOTH:
    exports["network_difference"] = tk.export_network(
        cmp.graph, OUT_DIR, "network_difference", layout=difference_layout
    )
{name: sorted(p.name for p in paths.values()) for name, paths in exports.items()}

# %% [markdown]
# What the networks show, and what they cannot. On the seed corpus (34 articles analysed) the
# strongest Jaccard edges include a work plan's list of duties (办公室 · 负责 · 职责 · 镇 · 实施),
# repeated in a few articles; 维稳's strongest neighbours (模式, 中国, 政治) come from one or
# two articles (`docs` in the ego table), while 法治 sits with 德治 and 自治 in three. Most
# between-group differences rest on a handful of articles (`docs_a`, `docs_b`), which is why
# the comparison asks for three. The recipe, not these particular edges, is what carries
# over to a larger corpus.
