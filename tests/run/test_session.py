"""The notebook preamble and the config path reaching every notebook kernel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from textkit.core.config import CONFIG_ENV, corpus_hash, load_config
from textkit.core.errors import ConfigError
from textkit.plots import read_manifest
from textkit.run import start_notebook
from textkit.run.cli import main

RAW = Path(__file__).resolve().parents[2] / "corpus" / "raw"

_NOTEBOOK = """# %% tags=["parameters"]
from textkit.plots import new_figure, use_style
from textkit.run import start_notebook

nb = start_notebook("01_pages")

# %%
docs = nb.analysed(nb.build_corpus().documents)
with use_style():
    fig, ax = new_figure()
    ax.barh(docs["doc_id"], docs["n_chars"])
nb.save_figure(fig, "pages", data=docs[["doc_id", "n_chars"]]);
"""


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A project with two raw folders, its own textkit.toml and another config beside it."""
    for folder, page in (
        ("corpus/raw", "003_4542067cb4fbbdc2.txt"),
        ("other/raw", "002_3b4db8ce04b1998a.txt"),
    ):
        (tmp_path / folder).mkdir(parents=True)
        shutil.copy(RAW / page, tmp_path / folder / page)
    (tmp_path / "textkit.toml").write_text(
        '[corpus]\nraw_dir = "corpus/raw"\n[figures]\nformats = ["png"]\n', encoding="utf-8"
    )
    (tmp_path / "alt.toml").write_text(
        '[corpus]\nraw_dir = "other/raw"\nanalyse = "all"\n[figures]\nformats = ["svg", "png"]\n',
        encoding="utf-8",
    )
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_pages.py").write_text(_NOTEBOOK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    return tmp_path


def test_config_given_to_reproduce_reaches_the_notebooks(project):
    assert main(["-q", "--config", str(project / "alt.toml"), "reproduce"]) == 0
    row = read_manifest(project / "figures").set_index("figure").loc["pages"]
    alt = load_config(project / "alt.toml")
    assert row["config_hash"] == alt.hash != load_config(project / "textkit.toml").hash
    assert row["corpus_hash"] == corpus_hash(project / "other" / "raw")
    assert row["corpus_hash"] != corpus_hash(project / "corpus" / "raw")
    assert row["files"] == "pages.svg;pages.png"  # alt's [figures] formats
    data = pd.read_csv(project / "figures" / "pages.csv")
    assert data["doc_id"].str.startswith("002_").all()  # the figure shows alt's corpus

    # the project's own file again: its corpus, its hash, its formats
    assert main(["-q", "reproduce"]) == 0
    row = read_manifest(project / "figures").set_index("figure").loc["pages"]
    assert row["config_hash"] == load_config(project / "textkit.toml").hash
    assert row["files"] == "pages.png"
    assert pd.read_csv(project / "figures" / "pages.csv")["doc_id"].str.startswith("003_").all()


def test_load_config_reads_the_file_named_in_the_environment(project, monkeypatch):
    assert load_config().path == project / "textkit.toml"
    monkeypatch.setenv(CONFIG_ENV, str(project / "alt.toml"))
    assert load_config().path == project / "alt.toml"
    monkeypatch.setenv(CONFIG_ENV, str(project / "missing.toml"))
    with pytest.raises(ConfigError, match="missing.toml"):
        load_config()


def test_start_notebook(project):
    nb = start_notebook("01_pages", project / "alt.toml")
    assert nb.raw_dir == project / "other" / "raw"
    assert nb.formats == ("svg", "png") and nb.analyse == "all"
    assert nb.provenance == {
        "corpus_hash": corpus_hash(project / "other" / "raw"),
        "config_hash": load_config(project / "alt.toml").hash,
    }
    docs = nb.build_corpus().documents
    assert len(nb.analysed(docs)) == int((docs["status"] != "quarantined").sum())
    assert start_notebook("01_pages").formats == ("png",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[figures]\nformats = ["pdf", "jpeg"]\n',
            r"\[figures\] formats: unknown format\(s\) \['jpeg'\]",
        ),
        ('[figures]\nformats = "png"\n', r"\[figures\] formats: expected a non-empty list"),
        ('[corpus]\nanalyse = "everything"\n', r"\[corpus\] analyse: expected one of"),
    ],
)
def test_bad_notebook_settings_are_named(project, table, message):
    path = project / "bad.toml"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        start_notebook("01_pages", path)


def _table_project(root: Path, analysis: str = "") -> Path:
    from textkit.corpus.example import write_example_table

    write_example_table(root / "policies.csv", n_docs=16, random_state=1)
    path = root / "table.toml"
    path.write_text(
        '[corpus]\ninput = "policies.csv"\nid = "doc_id"\n'
        'meta = ["province", "county", "level", "year"]\n' + analysis,
        encoding="utf-8",
    )
    return path


def test_groups_trend_and_examples_default_to_the_corpus(project):
    nb = start_notebook("x", _table_project(project))
    docs = nb.analysed(nb.build_corpus().documents)
    # the researcher's variables with 2-12 values; year (many values) is the trend
    assert nb.groups(docs) == {"province": "province", "county": "county", "level": "level"}
    assert nb.trend(docs) == "year"
    assert nb.examples(docs["doc_id"]) == docs["doc_id"].astype(str).tolist()[:2]
    labels = nb.group_labels(docs)
    assert list(labels.columns) == ["doc_id", "province", "county", "level"]
    assert labels["province"].tolist() == docs["province"].astype(str).tolist()


def test_groups_trend_and_examples_from_the_config(project):
    path = _table_project(
        project,
        '[analysis]\ngroups = { region = "province" }\ntrend = ""\nexamples = ["P0003"]\n',
    )
    nb = start_notebook("x", path)
    docs = nb.analysed(nb.build_corpus().documents)
    assert nb.groups(docs) == {"region": "province"}
    assert nb.trend(docs) is None
    assert nb.examples(docs["doc_id"], default=["P0001"]) == ["P0003"]
    assert list(nb.group_labels(docs).columns) == ["doc_id", "region"]


@pytest.mark.parametrize(
    ("analysis", "message"),
    [
        ('[analysis]\ngroups = ["outlet"]\n', r"\[analysis\] groups: no column 'outlet'"),
        ("[analysis]\ngroups = 3\n", r"\[analysis\] groups: expected a list of columns"),
        (
            '[analysis]\ntrend = "province"\n',
            r"\[analysis\] trend: column 'province' holds neither numbers",
        ),
        ('[analysis]\nexamples = ["nope"]\n', r"\[analysis\] examples: 'nope' not among"),
    ],
)
def test_bad_analysis_settings_are_named(project, analysis, message):
    nb = start_notebook("x", _table_project(project, analysis))
    docs = nb.analysed(nb.build_corpus().documents)
    with pytest.raises(ConfigError, match=message):
        nb.groups(docs)
        nb.trend(docs)
        nb.examples(docs["doc_id"])


def test_a_date_column_named_in_corpus_dates_is_a_trend(project):
    rows = ["2019年3月5日", "2019/06/07", "2020-3-5 10:22", "2021年", "", "不详"]
    texts = [
        "推进基层社会治理，化解矛盾纠纷。",
        "提升公共法律服务水平。",
        "维护社会稳定，开展平安建设。",
        "完善网格化管理，服务群众。",
        "坚持依法行政，建设法治政府。",
        "推广枫桥经验，建设平安乡村。",
    ]
    table = pd.DataFrame({"正文": texts, "发布时间": rows})
    table.to_csv(project / "news.csv", index=False)
    path = project / "news.toml"
    corpus = '[corpus]\ninput = "news.csv"\ntext = "正文"\nmeta = ["发布时间"]\n'
    path.write_text(corpus + 'dates = ["发布时间"]\n[analysis]\ntrend = "发布时间"\n', "utf-8")
    nb = start_notebook("x", path)
    docs = nb.analysed(nb.build_corpus().documents)
    assert nb.trend(docs) == "发布时间"
    assert docs["发布时间"].dt.year.astype("Int64").tolist() == [
        2019,
        2019,
        2020,
        2021,
        pd.NA,
        pd.NA,
    ]
    path.write_text(corpus + '[analysis]\ntrend = "发布时间"\n', "utf-8")  # read as text
    nb = start_notebook("x", path)
    with pytest.raises(ConfigError, match=r"when \[corpus\] dates names it"):
        nb.trend(nb.analysed(nb.build_corpus().documents))


def test_the_date_raw_pages_state_is_a_trend(project):
    """[analysis] trend = "published": the date each raw page states, traced by year."""
    bodies = [
        "推进基层社会治理，化解矛盾纠纷，完善网格化服务管理，提升群众安全感。",
        "提升公共法律服务水平，坚持依法行政，建设法治政府，维护群众合法权益。",
        "维护社会稳定，开展平安建设，健全治安防控体系，推广枫桥经验。",
    ]
    (project / "dated").mkdir()
    for year, body in zip((2017, 2018, 2019), bodies, strict=True):
        page = f"临江新闻网\n发布时间：{year}-03-05 10:22 浏览次数：12\n" + "\n".join([body] * 3)
        (project / "dated" / f"p{year}.txt").write_text(page, encoding="utf-8")
    path = project / "dated.toml"
    path.write_text('[corpus]\nraw_dir = "dated"\n[analysis]\ntrend = "published"\n', "utf-8")
    nb = start_notebook("x", path)
    docs = nb.analysed(nb.build_corpus().documents)
    assert nb.trend(docs) == "published"
    assert docs["published"].dt.year.tolist() == [2017, 2018, 2019]
    assert set(docs["published_from"]) == {"date line"}
    # where it came from is not a document variable to compare groups by
    assert "published_from" not in nb.groups(docs).values()


def test_a_project_runs_another_folders_notebooks_and_keeps_its_outputs(project, tmp_path_factory):
    """[project] notebooks: the notebooks of one folder, the outputs in the project."""
    other = tmp_path_factory.mktemp("mine")
    (other / "raw").mkdir()
    shutil.copy(RAW / "002_3b4db8ce04b1998a.txt", other / "raw")
    (other / "textkit.toml").write_text(
        f'[project]\nnotebooks = "{(project / "notebooks").as_posix()}"\n'
        '[corpus]\nraw_dir = "raw"\n[figures]\nformats = ["png"]\n',
        encoding="utf-8",
    )
    assert main(["-q", "--config", str(other / "textkit.toml"), "reproduce"]) == 0
    assert (other / "notebooks" / "01_pages.ipynb").is_file()
    assert (other / "figures" / "pages.png").is_file()
    assert not (project / "notebooks" / "01_pages.ipynb").exists()  # the sources' folder
    assert not (project / "figures").exists()


def test_a_figure_the_notebook_no_longer_saves_is_dropped(project):
    assert main(["-q", "reproduce"]) == 0
    assert (project / "figures" / "pages.png").is_file()
    source = project / "notebooks" / "01_pages.py"
    source.write_text(_NOTEBOOK.replace('"pages"', '"pages_by_length"'), encoding="utf-8")
    assert main(["-q", "reproduce"]) == 0
    figures = sorted(p.name for p in (project / "figures").iterdir() if p.name[0] != ".")
    assert figures == [
        "manifest.csv",
        "manifest.json",
        "pages_by_length.csv",
        "pages_by_length.png",
    ]
    assert read_manifest(project / "figures")["figure"].tolist() == ["pages_by_length"]


def test_the_notebooks_segment_with_the_projects_segment_table(project):
    """nb.segmenter is the [segment] table's segmenter: a researcher's user dictionary keeps
    their word whole in every notebook that segments (03, 04, 05 pass it), not only in 02."""
    text = "推进乌镇互联网之光治理平台建设。"
    assert "乌镇互联网之光治理平台" not in start_notebook("01_pages").segmenter.cut(text)
    (project / "mine.txt").write_text("乌镇互联网之光治理平台 5 n\n", encoding="utf-8")
    (project / "own.toml").write_text(
        '[corpus]\nraw_dir = "corpus/raw"\n[segment]\nuserdict = ["mine.txt"]\n',
        encoding="utf-8",
    )
    nb = start_notebook("01_pages", project / "own.toml")
    assert "乌镇互联网之光治理平台" in nb.segmenter.cut(text)
    assert nb.segmenter is nb.segmenter  # built once per session
    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    for name in ("03_topics.py", "04_networks.py", "05_framing.py"):
        source = (notebooks / name).read_text(encoding="utf-8")
        calls = source.count("tk.segment_corpus(")
        assert (
            calls
            and source.count("segmenter=nb.segmenter") + source.count("segmenter=SEG") >= calls
        ), name


_WARNS = """# %% tags=["parameters"]
import logging
import warnings

from textkit.plots import new_figure, use_style
from textkit.run import start_notebook

nb = start_notebook("02_warns")

# %%
warnings.warn("4 seed word(s) not in the model vocabulary, dropped", UserWarning)
print("seeds used")
logging.getLogger("gensim.demo").warning("a logged warning")
logging.getLogger("textkit.demo").warning("textkit's own log, silent in a notebook")
print("done")

# %%
with use_style():
    fig, ax = new_figure()
    ax.plot([1, 2], [3, 4])
nb.show_figure(fig, "by_province", "Frame intensity by province")
"""


def _stream_text(cell) -> tuple[list[str], str]:
    names = [o["name"] for o in cell["outputs"] if o["output_type"] == "stream"]
    return names, "".join(o["text"] for o in cell["outputs"] if o["output_type"] == "stream")


def test_warnings_and_log_records_reach_the_notebook_in_order_on_one_stream(project):
    """On standard error a warning is a second stream whose place among the cell's printed
    lines depends on timing, so two runs of an untouched project wrote different notebooks
    and ``textkit verify`` failed; after ``start_notebook`` it is printed in order."""
    import nbformat

    (project / "notebooks" / "02_warns.py").write_text(_WARNS, encoding="utf-8")
    assert main(["-q", "notebooks", "--only", "02"]) == 0
    cells = nbformat.read(project / "notebooks" / "02_warns.ipynb", as_version=4).cells
    names, text = _stream_text(cells[1])
    assert set(names) == {"stdout"}, names
    said = [
        "<cell>:1: UserWarning: 4 seed word(s) not in the model vocabulary, dropped",
        "seeds used",
        "WARNING gensim.demo: a logged warning",
        "done",
    ]
    assert [text.index(s) for s in said] == sorted(text.index(s) for s in said), text
    assert "textkit's own log" not in text
    (shown,) = [o for o in cells[2]["outputs"] if o["output_type"] == "execute_result"]
    link = "![Frame intensity by province](../figures/by_province.png)"
    assert shown["data"]["text/markdown"] == link == shown["data"]["text/plain"]
    assert (project / "figures" / "by_province.png").is_file()


def test_show_figure_links_the_file_it_saved(project):
    from textkit.plots import new_figure

    nb = start_notebook("01_pages")  # formats = ["png"]
    fig, ax = new_figure()
    ax.plot([1, 2], [3, 4])
    shown = nb.show_figure(fig, "topics_prevalence_province", "Topic [prevalence] by province")
    assert shown.markdown == (
        "![Topic (prevalence) by province](../figures/topics_prevalence_province.png)"
    )
    assert shown._repr_markdown_() == repr(shown) == shown.markdown
    (project / "pdf.toml").write_text('[figures]\nformats = ["pdf"]\n', encoding="utf-8")
    pdf_only = start_notebook("01_pages", project / "pdf.toml").show_figure(fig, "only", "Only")
    assert pdf_only.markdown == "[Only](../figures/only.pdf)"
    assert (project / "figures" / "only.pdf").is_file()
