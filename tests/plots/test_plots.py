"""The figure path: CJK font rendering, embedded fonts, byte-identical reruns, manifest; and
figures that agree with each other (one frame palette, human labels, one label per topic,
labels attached to their points, data drawn at the stated precision)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib
import matplotlib.colors as mcolors
import matplotlib.text as mtext
import numpy as np
import pandas as pd
import pypdf
import pytest

from textkit.core.io import sha256_bytes
from textkit.plots import (
    FRAME_COLORS,
    FRAME_LABELS,
    SIZES,
    cjk_font_family,
    new_figure,
    read_manifest,
    save_figure,
    use_style,
)


def _chinese_figure():
    with use_style():
        fig, ax = new_figure("single")
        ax.barh(["维稳", "服务型政府", "依法行政"], [3, -2, 1], color=FRAME_COLORS["stability"])
        ax.set_title("框架平衡 −1 到 1")
        ax.set_xlabel("平衡")
    return fig


def _pdf_fonts(path):
    reader = pypdf.PdfReader(str(path))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            subtype = font["/Subtype"]
            descriptor = None
            if "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object()
                subtype = desc["/Subtype"]
                descriptor = desc["/FontDescriptor"].get_object()
            elif "/FontDescriptor" in font:
                descriptor = font["/FontDescriptor"].get_object()
            embedded = descriptor is not None and any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts.append((str(font.get("/BaseFont")), str(subtype), embedded))
    return fonts


def test_chinese_text_renders_without_missing_glyphs(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would raise
        fig = _chinese_figure()
        save_figure(fig, "glyphs", outdir=tmp_path, formats=("png",))
    assert (tmp_path / "glyphs.png").stat().st_size > 1000


def test_pdf_embeds_truetype_cjk_font_and_no_type3(tmp_path):
    save_figure(_chinese_figure(), "fonts", outdir=tmp_path, formats=("pdf",))
    fonts = _pdf_fonts(tmp_path / "fonts.pdf")
    assert fonts, "the PDF has no fonts at all"
    assert all(embedded for _, _, embedded in fonts), fonts
    assert not any(sub == "/Type3" for _, sub, _ in fonts), fonts
    assert any("NotoSansCJK" in name for name, _, _ in fonts), fonts


def test_style_does_not_change_global_rcparams():
    before = dict(matplotlib.rcParams)
    _chinese_figure()
    after = dict(matplotlib.rcParams)
    changed = {k for k in before if before[k] != after[k]}
    assert not changed


def test_style_applies_font_family_after_theme():
    with use_style() as rc:
        assert rc["font.family"][0] == cjk_font_family()
        assert rc["pdf.fonttype"] == 42
        assert rc["axes.unicode_minus"] is False


def test_new_figure_uses_journal_widths():
    with use_style():
        fig, _ = new_figure("double", height=3)
    assert tuple(fig.get_size_inches()) == (SIZES["double"], 3.0)
    with pytest.raises(ValueError, match="width"):
        new_figure("triple")


def test_save_figure_writes_data_and_manifest(tmp_path):
    data = pd.DataFrame({"term": ["维稳", "法治"], "count": [3, 2]})
    files = save_figure(
        _chinese_figure(),
        "balance",
        data,
        outdir=tmp_path,
        notebook="05_framing.ipynb",
        provenance={"corpus_hash": "abc", "config_hash": "def"},
    )
    assert [p.name for p in files] == ["balance.pdf", "balance.png", "balance.csv"]
    assert pd.read_csv(tmp_path / "balance.csv")["term"].tolist() == ["维稳", "法治"]
    save_figure(_chinese_figure(), "another", outdir=tmp_path, formats=("png",))
    save_figure(_chinese_figure(), "balance", data, outdir=tmp_path, notebook="x.ipynb")
    manifest = read_manifest(tmp_path)
    assert manifest["figure"].tolist() == ["another", "balance"]  # sorted, one entry per figure
    row = manifest.set_index("figure").loc["balance"]
    assert row["notebook"] == "x.ipynb" and row["data_file"] == "balance.csv"
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8").startswith("[")


@pytest.mark.parametrize("bad", ["", "a b", "../x", "图"[:0] + "a/b"])
def test_save_figure_rejects_unsafe_names(tmp_path, bad):
    with pytest.raises(ValueError, match="figure name"):
        save_figure(_chinese_figure(), bad, outdir=tmp_path)


_SCRIPT = textwrap.dedent(
    """
    import sys
    import pandas as pd
    from textkit.plots import use_style, new_figure, save_figure
    with use_style():
        fig, ax = new_figure("double")
        ax.plot([0, 1, 2], [2, 0, 1], label="维稳")
        ax.set_title("社会治安综合治理")
        ax.legend()
    save_figure(fig, "rerun", pd.DataFrame({"x": [0, 1, 2]}), outdir=sys.argv[1],
                formats=("pdf", "png", "svg"))
    """
)


def test_reruns_are_byte_identical_across_processes_and_hash_seeds(tmp_path):
    digests = []
    for seed in ("0", "1"):
        out = tmp_path / seed
        subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(out)],
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        digests.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert digests[0].keys() == digests[1].keys()
    for name in digests[0]:
        assert digests[0][name] == digests[1][name], name


# --- the committed figures/ (made by `make reproduce`) ------------------------------------

FIGURES = Path(__file__).resolve().parents[2] / "figures"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
COMMITTED_PDFS = sorted(FIGURES.glob("*.pdf"))


def test_figures_directory_holds_the_exported_figures():
    assert len(COMMITTED_PDFS) >= 10, "run `make reproduce` to export the figures"


@pytest.mark.parametrize("pdf", COMMITTED_PDFS, ids=lambda p: p.name)
def test_every_committed_pdf_embeds_its_fonts_and_has_no_type3(pdf):
    fonts = _pdf_fonts(pdf)
    assert fonts, f"{pdf.name} has no fonts at all"
    assert all(embedded for _, _, embedded in fonts), (pdf.name, fonts)
    assert not any(sub == "/Type3" for _, sub, _ in fonts), (pdf.name, fonts)


def test_manifest_lists_every_figure_with_its_files_data_and_provenance():
    manifest = read_manifest(FIGURES)
    assert sorted(manifest["figure"]) == sorted(p.stem for p in COMMITTED_PDFS)
    for row in manifest.itertuples():
        for name in row.files.split(";"):
            assert (FIGURES / name).is_file(), f"{row.figure}: {name} listed but missing"
        assert (NOTEBOOKS / f"{row.notebook}.py").is_file(), f"{row.figure}: {row.notebook}"
        assert len(row.corpus_hash) == 64 and len(row.config_hash) == 64, row.figure
        if row.data_file:
            data = (FIGURES / row.data_file).read_bytes()
            assert sha256_bytes(data) == row.data_sha256, f"{row.data_file} changed after export"


# --- figures that agree with each other: one palette, human labels, one label per topic ----

#: Identifiers that must never reach a figure: raw frame keys at the start of a line, page
#: hashes, article-id suffixes, zero-padded topic ids.
_IDENTIFIERS = [
    re.compile(r"service_law"),
    re.compile(r"^(stability|service_law|mixed|neither)\b"),
    re.compile(r"\d{3}_[0-9a-f]{16}"),
    re.compile(r"#\d\d"),
    re.compile(r"\bT0\d\b"),
]


def _rgb_of(colour) -> tuple[float, float, float]:
    return tuple(round(float(v), 3) for v in mcolors.to_rgb(colour))


_FRAME_RGB = {_rgb_of(c): f for f, c in FRAME_COLORS.items()}


@pytest.fixture(scope="module")
def gallery(seed_docs, cache_dir_env, tmp_path_factory):
    """Every public plot function, called the way the notebooks call it, on the seed corpus.

    Returns ``(figures, context)``: figure name -> Figure, and the inputs the tests reuse.
    """
    import dataclasses

    import textkit as tk
    from textkit import topics as T
    from textkit.cooc import network_config
    from textkit.dtm.vectorizer import vocabulary_table
    from textkit.frames.keyness import frame_keyness
    from textkit.frames.lss import LatentSemanticScaling, correlate_with_dictionary
    from textkit.frames.score import FrameConfig
    from textkit.frames.validate import load_coded_paragraphs, validate_measure
    from textkit.plots import corpus as PC
    from textkit.plots import frames as PF
    from textkit.plots import network as PN
    from textkit.plots import topics as PT
    from textkit.plots import validation as PV
    from textkit.plots import vocab as PW

    figs: dict = {}
    with cache_dir_env(tmp_path_factory.mktemp("figcache")), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        docs = seed_docs
        analysed = docs[~docs["is_duplicate"] & (docs["status"] != "quarantined")]
        analysed = analysed.reset_index(drop=True).assign(source=lambda d: d["page_id"])
        # 00 / 01: the corpus
        figs["corpus_cleaning"] = PC.plot_cleaning(docs)
        figs["corpus_composition"] = PC.plot_corpus_composition(docs)
        # 02: vocabulary by genre and by page
        doc_units = tk.segment_corpus(analysed[["doc_id", "text"]], unit="document")
        vocab = vocabulary_table(doc_units, by="genre", docs=analysed)
        by_page = vocabulary_table(
            doc_units, by="page", docs=analysed.assign(page=analysed["page_id"])
        )
        figs["seg_top_terms"] = PW.plot_top_terms(vocab, n=20, highlight=["社会治安综合治理"])
        figs["seg_top_terms_by_page"] = PW.plot_top_terms(by_page, n=10, by_group=True)
        figs["seg_terms_by_genre"] = PW.plot_group_rates(vocab, n=10)
        figs["seg_terms_by_page"] = PW.plot_group_rates(by_page, n=10)
        # 05: frames
        scores = tk.score_frames(analysed, config=FrameConfig(n_boot=100))
        figs["frames_balance"] = PF.plot_frame_balance(scores, width="double")
        for by in ("genre", "source", "era"):
            figs[f"frames_intensity_{by}"] = PF.plot_frame_intensity(scores, by=by)
            figs[f"frames_groups_{by}"] = PF.plot_frame_groups(
                tk.frame_groups(scores, by, n_boot=100, min_docs=3)
            )
        year_table = tk.frame_groups(scores, "year", n_boot=100, min_docs=1)
        figs["frames_trend_year"] = PF.plot_frame_trend(year_table)
        key = frame_keyness(doc_units, scores, "stability", "service_law", min_count=5)
        lex = tk.load_lexicon().table()
        highlight = dict(zip(lex["term"], lex["frame"], strict=True))
        groups = ("stability documents", "service/law documents")
        figs["frames_keyness"] = PF.plot_keyness(key, n=15, labels=groups)
        figs["frames_term_scatter"] = PF.plot_term_scatter(
            key, n_labels=20, labels=groups, highlight=highlight
        )
        sentences = tk.segment_corpus(analysed[["doc_id", "text"]], unit="sentence")
        lss = LatentSemanticScaling(vector_size=32, window=5, min_count=2, epochs=5, random_state=0)
        lss.fit(sentences["tokens"])
        lss_scores = lss.transform(doc_units["tokens"])
        rho = correlate_with_dictionary(lss_scores, scores)["rho"]
        figs["frames_lss_polarity"] = PF.plot_lss_polarity(
            lss.term_polarity_, n=15, seeds=lss.seeds_, min_freq=5
        )
        figs["frames_lss_vs_dictionary"] = PF.plot_lss_vs_dictionary(lss_scores, scores, rho=rho)
        figs["frames_lss_seed_sensitivity"] = PF.plot_seed_sensitivity(
            lss.leave_one_seed_out(doc_units["tokens"])
        )
        para = tk.score_frames(
            analysed[["doc_id", "text"]], level="paragraph", config=FrameConfig(n_boot=0)
        )
        report = validate_measure(load_coded_paragraphs(), analysed, scores=para)
        figs["frames_validation_confusion"] = PV.plot_confusion(report.confusion)
        # 03: topics
        relevant = analysed[analysed["is_relevant"].astype(bool)].reset_index(drop=True)
        data = T.topic_matrix(tk.segment_corpus(relevant, unit="paragraph"), min_df=2, max_df=0.5)
        fast = {"passes": 3, "iterations": 40}
        lda = T.LdaTopicModel(6, random_state=3, **fast).fit(data.dtm)
        summary = T.topic_summary(lda, n=10)
        labels = PT.topic_labels(summary, terms="top_frex")
        grid = T.select_k(data.dtm, [4, 6], seeds=[0], measures=("u_mass",), **fast)
        figs["topics_k_selection"] = PT.plot_k_selection(grid)
        figs["topics_top_terms"] = PT.plot_top_terms(
            T.top_terms(lda, n=10, by="frex"), ncols=3, topic_labels=labels
        )
        stab = T.topic_stability(data.dtm, 6, seeds=[3, 4, 5], reference=lda, **fast)
        figs["topics_stability"] = PT.plot_stability(stab, topic_labels=labels)
        seeded = T.SeededLdaTopicModel(4, random_state=0, **fast).fit(data.dtm)
        seeded_labels = PT.topic_labels(T.topic_summary(seeded, n=10), prefix="S")
        figs["topics_seeded"] = PT.plot_seeded_comparison(
            T.compare_models(seeded, lda), topic_labels=seeded_labels, matched_labels=labels
        )
        meta = relevant.set_index("doc_id")
        frame_of = scores.set_index("doc_id")["frame_label"]
        groupings = {
            "page": meta["page_id"],
            "genre": meta["genre"].fillna("unknown"),
            "era": meta["era"].fillna("unknown"),
            "frame": frame_of,
        }
        for name, g in groupings.items():
            prev = T.topic_prevalence(lda, g, n_boot=50, clusters=data.unit_doc)
            figs[f"topics_prevalence_{name}"] = PT.plot_prevalence(
                prev, topic_labels=labels, title=f"By {name}"
            )
        by_year = T.topic_prevalence(lda, meta["year"], n_boot=50, clusters=data.unit_doc)
        figs["topics_prevalence_year"] = PT.plot_prevalence_trend(
            by_year, topic_labels=labels, xlabel="Year"
        )
        sprev = T.topic_prevalence(seeded, frame_of, n_boot=50, clusters=data.unit_doc)
        figs["topics_seeded_by_frame"] = PT.plot_prevalence(
            sprev[sprev["topic"].isin(list(seeded.seeds_used_))], topic_labels=seeded_labels
        )
        # 04: networks
        cooc, net = network_config()
        units = tk.segment_corpus(analysed, unit="sentence")
        G = tk.build_network(tk.cooccurrence(units, cooc), **net.build_kwargs())
        figs["network_corpus"] = PN.plot_network(G, random_state=net.random_state)
        label = units["doc_id"].map(frame_of)
        frames = ("stability", "service_law")
        node_groups = {t: highlight[t] for t in G.nodes if highlight.get(t) in frames}
        figs["network_corpus_frames"] = PN.plot_network(G, node_groups=node_groups)
        G_ego = tk.build_network(
            tk.cooccurrence(units, dataclasses.replace(cooc, n_nodes=200)), net.weight, top_n=None
        )
        egos = {
            t: tk.ego_network(G_ego, t, max_neighbours=8) for t in ("维稳", "法治") if t in G_ego
        }
        figs["network_ego"] = PN.plot_ego_networks(egos, node_groups=highlight)
        cmp = tk.compare_networks(
            units[label == frames[0]],
            units[label == frames[1]],
            config=cooc,
            weight=net.weight,
            labels=frames,
            top_n=30,
        )
        figs["network_difference"] = PN.plot_difference(cmp, node_groups=node_groups)
    context = {
        "year_table": year_table,
        "labels": labels,
        "seeded_labels": seeded_labels,
        "scores": scores,
        "key": key,
        "highlight": highlight,
    }
    yield figs, context
    for fig in figs.values():
        fig.clear()


def _texts(fig) -> list[str]:
    """Every line of text a reader sees: ticks, legends, titles, annotations, labels."""
    out = []
    for t in fig.findobj(mtext.Text):
        if t.get_visible() and t.get_text():
            out.extend(t.get_text().split("\n"))
    return out


def _shown_colours(fig) -> set[tuple[float, float, float]]:
    """RGB of what the data artists of every axes draw (patches, collections, lines)."""
    from matplotlib.lines import Line2D

    found = []
    for ax in fig.axes:
        for a in list(ax.patches) + list(ax.collections):
            if hasattr(a, "get_facecolors"):
                found += list(a.get_facecolors()) + list(a.get_edgecolors())
            else:
                found += [a.get_facecolor(), a.get_edgecolor()]
        for line in ax.lines:
            assert isinstance(line, Line2D)
            if line.get_linestyle() not in ("None", "", " "):
                found.append(mcolors.to_rgba(line.get_color(), line.get_alpha()))
            if line.get_marker() not in ("None", "", " ", None):
                found.append(mcolors.to_rgba(line.get_markerfacecolor()))
                found.append(mcolors.to_rgba(line.get_markeredgecolor()))
    return {_rgb_of(c[:3]) for c in found if len(c) == 4 and c[3] > 0}


def _chromatic(rgb) -> bool:
    return max(rgb) - min(rgb) > 0.03


def test_frame_color_is_the_one_palette_lookup():
    from textkit.plots import frame_color, frame_palette

    for name, colour in FRAME_COLORS.items():
        assert frame_color(name) == colour
    assert frame_palette(list(FRAME_COLORS)) == list(FRAME_COLORS.values())
    for bad in ("stabilty", "Stability maintenance", "T01", "", None, ["stability"]):
        with pytest.raises(ValueError, match="unknown frame"):
            frame_color(bad)
    with pytest.raises(ValueError, match="unknown frame 'other'"):
        frame_palette(["stability", "other"])


def test_no_identifier_reaches_any_figure(gallery):
    figs, _ = gallery
    assert len(figs) >= 25  # every public plot function, some with several inputs
    bad = []
    for name, fig in figs.items():
        for line in _texts(fig):
            if any(rx.search(line) for rx in _IDENTIFIERS):
                bad.append((name, line))
    assert not bad, bad


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("frames_balance", {"stability", "service_law", "mixed"}),
        ("frames_intensity_genre", {"stability", "service_law"}),
        ("frames_groups_era", {"stability", "service_law"}),
        ("frames_trend_year", {"stability", "service_law"}),
        ("frames_keyness", {"stability", "service_law"}),
        ("frames_term_scatter", {"stability", "service_law"}),
        ("frames_lss_polarity", {"stability", "service_law"}),
        ("frames_lss_vs_dictionary", {"stability", "service_law"}),
        ("frames_lss_seed_sensitivity", {"stability", "service_law"}),
        ("topics_prevalence_frame", {"stability", "service_law", "mixed"}),
        ("topics_seeded_by_frame", {"stability", "service_law", "mixed"}),
        ("topics_seeded", {"stability", "service_law"}),
        ("network_corpus_frames", {"stability", "service_law"}),
        ("network_difference", {"stability", "service_law"}),
    ],
)
def test_figures_that_colour_by_frame_use_the_frame_palette(gallery, name, expected):
    from textkit.plots._network_common import light as _light

    figs, _ = gallery
    fig = figs[name]
    shown = {c for c in _shown_colours(fig) if _chromatic(c)}
    # node fills of the difference graph are lightened frame colours
    light = {_rgb_of(_light(c)): f for f, c in FRAME_COLORS.items()}
    other = shown - set(_FRAME_RGB) - set(light)
    assert not other, f"{name}: colours outside the frame palette {sorted(other)}"
    assert {_FRAME_RGB[c] for c in shown if c in _FRAME_RGB} >= expected
    # legends name the frames by their display names with the frame's colour
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None:
            continue
        for handle, text in zip(leg.legend_handles, leg.get_texts(), strict=True):
            frame = next(
                (f for f, lab in FRAME_LABELS.items() if text.get_text().startswith(lab)), None
            )
            if frame is None or not hasattr(handle, "get_color"):
                continue
            assert _rgb_of(handle.get_color()) == _rgb_of(FRAME_COLORS[frame]), text.get_text()


def test_seeded_frame_topics_take_the_frame_colours(gallery):
    figs, _ = gallery
    ax = figs["topics_seeded"].axes[0]
    bars = [p for p in ax.patches if p.get_height() > 0]
    ticks = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
    # two bars per seeded topic (seeded, unseeded match), drawn top row first
    solid = bars[: len(ticks)]
    for tick, bar in zip(ticks, solid, strict=True):
        frame = "stability" if tick.startswith(FRAME_LABELS["stability"]) else "service_law"
        assert tick.startswith(FRAME_LABELS[frame])
        assert _rgb_of(bar.get_facecolor()) == _rgb_of(FRAME_COLORS[frame])


def test_one_label_per_topic_in_every_topic_figure(gallery):
    figs, ctx = gallery
    labels, seeded = ctx["labels"], ctx["seeded_labels"]
    known = set(labels.values()) | set(seeded.values())
    assert all(re.match(r"^T\d+ \S+·\S+·\S+$", v) for v in labels.values()), labels
    seen: dict[str, set[str]] = {}
    for name, fig in figs.items():
        if not name.startswith("topics_") or name == "topics_k_selection":
            continue
        found = 0
        for line in _texts(fig):
            line = line.removeprefix("vs ")
            m = re.match(r"^([TS]\d+) ", line)
            head = m.group(1) if m else next(
                (FRAME_LABELS[f] for f in ("stability", "service_law")
                 if line.startswith(FRAME_LABELS[f] + ":")), None
            )  # fmt: skip
            if head is None:
                continue
            found += 1
            seen.setdefault(head, set()).add(line)
            assert line in known, (name, line)
        assert found, f"{name} shows no topic label"
    assert {h for h in seen if h.startswith("T")} == {v.split()[0] for v in labels.values()}
    assert all(len(v) == 1 for v in seen.values()), {k: v for k, v in seen.items() if len(v) > 1}


def test_topic_label_format():
    from textkit.plots.labels import topic_label, topic_labels

    assert topic_label("T03", "维稳 排查 矛盾 纠纷") == "T3 维稳·排查·矛盾"
    assert topic_label("T12", ["法治"]) == "T12 法治"
    assert topic_label("T01", "土地 村两委", prefix="S") == "S1 土地·村两委"
    assert topic_label("stability", "维稳 治安") == "Stability maintenance: 维稳·治安"
    assert topic_label("T03") == "T3"
    tidy = pd.DataFrame(
        {"topic": ["T01"] * 3 + ["T02"] * 3, "rank": [2, 1, 3] * 2, "term": list("bacedf")}
    )
    assert topic_labels(tidy) == {"T01": "T1 a·b·c", "T02": "T2 d·e·f"}
    wide = pd.DataFrame({"topic": ["T01"], "top_frex": ["x y z w"], "top_prob": ["p q r"]})
    assert topic_labels(wide) == {"T01": "T1 x·y·z"}
    assert topic_labels(wide, terms="top_prob", n=2) == {"T01": "T1 p·q"}


_TITLES = [
    "乡镇党委书记 社会治安综合治理工作先进事迹",
    "农村新型基层治理机制建设调研报告（1）",
    "创新社会治理体制机制，维护社会和谐稳定",
    "为什么要创新社会治理体制？",
    "关于进一步加强社会治安综合治理基层基础建设的意见",
    "坚持和发展新时代枫桥经验 推进矛盾纠纷多元化解",
    "村民议事会议事规则",
    "社会治安综合治理条例",
]


@pytest.mark.parametrize("max_chars", [6, 8, 10, 12])
def test_shortened_labels_never_cut_a_word(max_chars):
    from textkit.plots.labels import shorten
    from textkit.segment.segmenter import get_segmenter

    seg = get_segmenter()
    for title in _TITLES:
        short = shorten(title, max_chars)
        if len(title) <= max_chars:
            assert short == title
            continue
        assert short.endswith("…")
        kept = short[:-1]
        words = seg.cut(title)
        prefixes = {"".join(words[:k]) for k in range(1, len(words) + 1)}
        # the kept part is whole words (trailing punctuation or spaces may be dropped)
        assert any(p.rstrip(" ，。、：？（") == kept for p in prefixes), (title, short)
        assert len(short) <= max_chars or len(words[0]) >= max_chars - 1, (title, short)
    assert shorten("乡镇党委书记 社会治安综合治理工作先进事迹", 12) == "乡镇党委书记…"
    assert shorten("社会治安综合治理条例", 6) == "社会治安综合治理…"


def test_article_and_page_labels_are_human():
    from textkit.plots.labels import article_label, display_label, page_label

    assert page_label("000_bf6d7cf6cc31cd7b") == "Page 1"
    assert page_label("004_1031bda60efd16f2", site="公文素材库") == "公文素材库"
    assert display_label("003_4542067cb4fbbdc2#02") == "Page 4, no. 2"
    assert display_label("service_law") == FRAME_LABELS["service_law"]
    assert display_label("2012-2017") == "2012-2017"
    assert (
        article_label("创新社会治理体制机制，维护社会和谐稳定", "001_aabf14e4f143a46b#03")
        == "创新社会治理体制机制… (Page 2, no. 3)"
    )


def test_frame_balance_labels_articles_with_the_one_helper(gallery):
    from textkit.plots.labels import article_labels

    figs, ctx = gallery
    scores = ctx["scores"].dropna(subset=["balance"])
    ticks = {t.get_text() for t in figs["frames_balance"].axes[0].get_yticklabels()}
    assert ticks == set(article_labels(scores))


def test_term_scatter_labels_sit_at_their_points_and_a_legend_explains_colours(gallery):
    figs, ctx = gallery
    fig = figs["frames_term_scatter"]
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        f"{FRAME_LABELS['stability']} lexicon term",
        f"{FRAME_LABELS['service_law']} lexicon term",
        "other word",
        "equal use",
    ]
    fig.draw_without_rendering()
    data = fig.textkit_data.set_index("term")
    texts = {t.get_gid()[6:]: t for t in ax.texts if (t.get_gid() or "").startswith("label:")}
    leaders = {
        ln.get_gid()[7:]: ln for ln in ax.lines if (ln.get_gid() or "").startswith("leader:")
    }
    assert set(texts) == set(data.index[data["labelled"]]) and len(texts) == 20
    pt = 72.0 / fig.dpi  # points per pixel
    for term, text in texts.items():
        row = data.loc[term]
        x = row["per_1k_b"] if row["per_1k_b"] > 0 else None
        y = row["per_1k_a"] if row["per_1k_a"] > 0 else None
        floor = ax.get_xlim()[0] * 1.5  # zeros are drawn at the floor
        px, py = ax.transData.transform((x or floor, y or floor))
        box = text.get_window_extent()
        dx = max(box.x0 - px, 0.0, px - box.x1)
        dy = max(box.y0 - py, 0.0, py - box.y1)
        gap = float(np.hypot(dx, dy)) * pt
        if term in leaders:  # a leader line runs from the point to the label
            (x0, y0), (x1, y1) = ax.transData.transform(leaders[term].get_xydata())
            assert np.hypot(x0 - px, y0 - py) * pt < 0.5, term
            assert box.x0 - 1 <= x1 <= box.x1 + 1 and box.y0 - 1 <= y1 <= box.y1 + 1, term
            assert gap < 30, (term, gap)
        else:
            assert gap < 4, (term, gap)  # points: the label touches its point


def _perturbed(table: pd.DataFrame, rel: float = 3e-13) -> pd.DataFrame:
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = out[col] * (1 + rel)
    return out


def _png(fig) -> bytes:
    import io

    buf = io.BytesIO()
    with use_style():
        fig.savefig(buf, format="png", dpi=60, metadata={"Software": None})
    return buf.getvalue()


def test_noise_beyond_six_digits_moves_no_pixel(gallery):
    from textkit.plots import frames as PF

    _, ctx = gallery
    key, scores = ctx["key"], ctx["scores"]
    pairs = [
        (PF.plot_keyness, key, {}),
        (PF.plot_frame_balance, scores, {}),
        (PF.plot_frame_intensity, scores, {"by": "genre"}),
        (PF.plot_frame_trend, ctx["year_table"], {}),
        (PF.plot_term_scatter, key, {"highlight": ctx["highlight"]}),
    ]
    for fn, table, kw in pairs:
        a, b = fn(table, **kw), fn(_perturbed(table), **kw)
        # the data drawn is the same to the last bit, and so is every pixel
        pd.testing.assert_frame_equal(a.textkit_data, b.textkit_data, check_exact=True)
        assert _png(a) == _png(b), fn.__name__


def test_bars_sort_on_rounded_values_with_the_term_as_tie_break():
    from textkit.plots.frames import plot_keyness
    from textkit.plots.vocab import plot_top_terms

    # equal at six significant digits, different in the 12th: the term breaks the tie
    table = pd.DataFrame({"term": ["甲", "乙", "丙"], "g2": [5.0, 5.0 + 1e-11, -1.0]})
    data = plot_keyness(table, n=5).textkit_data
    assert data["term"].tolist() == ["丙", "乙", "甲"]  # unrounded, 甲 would come before 乙
    vt = pd.DataFrame({"term": ["b", "a", "c"], "tf": [2.0 + 1e-11, 2.0, 1.0]})
    assert plot_top_terms(vt, n=3).textkit_data["term"].tolist() == ["a", "b", "c"]
