"""The figure path: CJK font rendering, embedded fonts, byte-identical reruns, manifest."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pypdf
import pytest

from textkit._io import sha256_bytes
from textkit.plots import (
    FRAME_COLORS,
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

FIGURES = Path(__file__).resolve().parents[1] / "figures"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
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
