"""The textkit command: every subcommand has --help; config errors are named, exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from textkit.core.config import CONFIG_ENV
from textkit.run.cli import main


@pytest.mark.parametrize(
    "argv",
    [[], ["corpus"], ["corpus", "build"], ["notebooks"], ["figures"], ["reproduce"], ["config"]],
)
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    assert "usage: textkit" in capsys.readouterr().out


def test_version(capsys):
    import textkit

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"textkit {textkit.__version__}\n"


def test_config_command_shows_hashes(capsys):
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "corpus hash" in out and "config hash" in out


def test_bad_config_exits_2_with_named_setting(tmp_path):
    bad = tmp_path / "textkit.toml"
    bad.write_text("[topicz]\nk = 3\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "textkit.run.cli", "--config", str(bad), "config"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "[topicz]" in proc.stderr and str(bad) in proc.stderr


def test_missing_raw_directory_is_a_named_error_not_a_traceback(tmp_path, capsys):
    missing = tmp_path / "no_such_pages"
    assert main(["-q", "corpus", "build", "--raw", str(missing), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "Traceback" not in err


def test_corpus_build_writes_the_table_and_report(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.txt").write_text(
        "第1篇:村民议事会工作方案\n" + "推进村民自治，完善议事协商。" * 20, "utf-8"
    )
    (raw / "empty.txt").write_bytes(b"")
    assert main(["-q", "corpus", "build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    report = (tmp_path / "out" / "corpus_report.md").read_text(encoding="utf-8")
    assert "2 files: 1 read, 1 rejected (empty: 1)" in report


def test_corpus_accounting_error_is_one_named_line(tmp_path, capsys, monkeypatch):
    import textkit.corpus.report as accounting
    from textkit.core.errors import CorpusError

    def broken(*args, **kwargs):
        raise CorpusError("articles found (3) != kept + flagged + quarantined (2)")

    # stands in for a bug in the accounting (of the in-memory and of the streamed build)
    monkeypatch.setattr(accounting, "corpus_report", broken)
    monkeypatch.setattr(accounting, "streamed_report", broken)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.txt").write_text("第1篇:村民议事会工作方案\n" + "推进村民自治。" * 40, "utf-8")
    for extra in ([], ["--stream"]):
        argv = ["-q", "corpus", "build", "--raw", str(raw), "--out", str(tmp_path / "out")]
        assert main([*argv, *extra]) == 1
        err = capsys.readouterr().err
        assert "textkit: corpus error: articles found (3)" in err and "Traceback" not in err


# --------------------------------------------------------------------------- settings checked
# up front: `textkit config`, and `reproduce` / `notebooks` before any corpus stage or notebook

SEED_PAGE = Path(__file__).resolve().parents[2] / "corpus" / "raw" / "003_4542067cb4fbbdc2.txt"

#: A notebook that reads no stage table: only the up-front checks can refuse a bad one.
_PAGES = """# %%
from textkit.run import start_notebook

nb = start_notebook("01_pages")
docs = nb.analysed(nb.build_corpus().documents)
len(docs)
"""


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """One raw page, one notebook; ``textkit.toml`` written by each test (:func:`_config`)."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SEED_PAGE, tmp_path / "raw" / SEED_PAGE.name)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_pages.py").write_text(_PAGES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    return tmp_path


def _config(project: Path, tables: str) -> Path:
    path = project / "textkit.toml"
    corpus = "" if tables.startswith("[corpus]") else '[corpus]\nraw_dir = "raw"\n'
    path.write_text(corpus + tables, encoding="utf-8")
    return path


#: (tables, what the one line says after "<file> ")
BAD_VALUES = [
    ('[topics]\nn_topics = "six"\n', "[topics]: n_topics: expected an integer >= 1, got 'six'"),
    ("[topics]\nstability_seeds = [1, 2]\n", "[topics]: stability_seeds: the first seed (1)"),
    ('[vectorize]\nmin_df = "2"\n', "[vectorize]: min_df: expected a number of documents"),
    ('[cooc]\nunit = "sentance"\n', "[cooc]: unit: expected one of 'sentence'"),
    ('[frames]\nlexicon = "my_frames.yaml"\n', "[frames]: lexicon: lexicon file not found"),
    ("[lss]\nk = 0\n", "[lss]: k: expected an integer >= 1, got 0"),
    ('[segment]\nstopwords = "stop.txt"\n', "[segment]: stopwords: file not found"),
    ('[validation]\ncodes = "coded.csv"\n', "[validation] codes: file not found"),
    ("[analysis]\ngroups = 3\n", "[analysis] groups: expected a list of columns"),
    ("[analysis]\ntrend = 1\n", "[analysis] trend: expected a string, got 1"),
    ('[analysis]\nexamples = "001#01"\n', "[analysis] examples: expected a list of document"),
    ('[figures]\nformats = ["jpg"]\n', "[figures] formats: unknown format(s) ['jpg']"),
    ("[project]\nrandom_state = -1\n", "[project] random_state: expected an integer >= 0, got -1"),
    ('[project]\nnotebooks = "nbs"\n', "[project] notebooks: no such folder"),
    (
        '[corpus]\nraw_dir = "raw"\nanalyse = "everything"\n',
        "[corpus] analyse: expected one of 'kept', 'unique', 'all', got 'everything'",
    ),
    (
        '[corpus]\ninput = "raw"\ndocvars_from = "{province/{name}"\n',
        "[corpus] docvars_from: malformed pattern '{province/{name}'",
    ),
    ('[corpus]\ninput = "raw"\ntext = "body"\n', "[corpus] text: applies to tables, not to a"),
    ('[validation]\ncodes = "coded.xls"\n', "[validation] codes: 'coded.xls' is an Excel 97-2003"),
]


def _ids(cases: list[tuple[str, str]]) -> list[str]:
    """A case's id: the setting's line."""
    return [tables.strip().splitlines()[-1] for tables, _ in cases]


@pytest.mark.parametrize(("tables", "said"), BAD_VALUES, ids=_ids(BAD_VALUES))
def test_config_checks_every_table_and_names_file_table_and_key(project, capsys, tables, said):
    path = _config(project, tables)
    assert main(["--config", str(path), "config"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [captured.err.rstrip("\n")]  # one line
    assert captured.err.startswith(f"textkit: configuration error: {path} {said}")


def test_a_coded_workbook_named_in_the_config_is_checked_and_read(project, capsys):
    """``[validation] codes`` naming an .xlsx workbook: the config check passes, the run's
    inputs hash it, and notebook 05's call reads it relative to the config."""
    import pandas as pd

    from textkit.core.config import load_config
    from textkit.frames.validate import load_coded_paragraphs, write_coding_sheet
    from textkit.run.pipeline import setting_files

    text = SEED_PAGE.read_text(encoding="utf-8").splitlines()
    paras = [line.strip() for line in text if len(line.strip()) >= 20][:4]
    sample = pd.DataFrame(
        {
            "sample_id": ["S001", "S002", "S003", "S004"],
            "doc_id": [SEED_PAGE.stem] * 4,
            "para_id": [0, 1, 2, 3],
            "text": paras,
            "code": ["stability", "mixed", "neither", "service_law"],
        }
    )
    (project / "codes").mkdir()
    write_coding_sheet(sample, project / "codes" / "coding.xlsx")
    path = _config(project, '[validation]\ncodes = "codes/coding.xlsx"\n')
    assert main(["--config", str(path), "config"]) == 0
    assert "codes/coding.xlsx" in capsys.readouterr().out
    config = load_config(path)
    assert list(setting_files(config)) == ["[validation] codes codes/coding.xlsx"]
    codes_setting = config.setting("validation", "codes")
    codes = load_coded_paragraphs(codes_setting and config.resolve(codes_setting))
    assert codes["text"].tolist() == paras and codes["code"].tolist() == sample["code"].tolist()


def test_config_lists_every_bad_value_at_once(project, capsys):
    path = _config(project, '[topics]\nn_topics = 0\n[figures]\nformats = "png"\n')
    assert main(["--config", str(path), "config"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"textkit: configuration error: {path}: 2 problems:",
        "  [topics]: n_topics: expected an integer >= 1, got 0",
        '  [figures] formats: expected a non-empty list such as ["pdf", "png"]',
    ]


def _nothing_ran(project: Path) -> bool:
    return (
        not (project / "notebooks" / "01_pages.ipynb").exists()
        and not (project / "figures").exists()
    )


@pytest.mark.parametrize("command", ["reproduce", "notebooks", "figures"])
@pytest.mark.parametrize(
    ("tables", "said"),
    [BAD_VALUES[i] for i in (0, 4, 11, 12)],
    ids=_ids([BAD_VALUES[i] for i in (0, 4, 11, 12)]),
)
def test_a_run_refuses_a_bad_value_before_the_corpus_and_the_notebooks(
    project, capsys, command, tables, said
):
    path = _config(project, tables)
    assert main(["-q", "--config", str(path), command]) == 2
    err = capsys.readouterr().err
    assert err == f"textkit: configuration error: {path} {said}" + err.split(said, 1)[1]
    assert len(err.splitlines()) == 1
    assert not (project / "corpus" / "processed").exists()  # no corpus stage ran
    assert _nothing_ran(project)


#: Settings that name columns or articles of the article table, or count them.
DATA_VALUES = [
    ('[analysis]\ngroups = ["provinc"]\n', "[analysis] groups: no column 'provinc' in"),
    ('[analysis]\ntrend = "genre"\n', "[analysis] trend: column 'genre' holds neither numbers"),
    ('[analysis]\nexamples = ["nope"]\n', "[analysis] examples: 'nope' not among"),
    ("[vectorize]\nmin_df = 500\n", "[vectorize] min_df = 500: more than the 8 articles"),
]


@pytest.mark.parametrize("command", ["reproduce", "notebooks"])
@pytest.mark.parametrize(
    ("tables", "said"),
    DATA_VALUES,
    ids=_ids(DATA_VALUES),
)
def test_settings_naming_the_article_table_are_checked_before_the_notebooks(
    project, capsys, command, tables, said
):
    path = _config(project, tables)
    assert main(["-q", "--config", str(path), command]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"textkit: configuration error: {path} {said}")
    assert len(err.splitlines()) == 1
    assert _nothing_ran(project)


_FAILS = """# %%
from textkit.core.errors import CorpusError

raise CorpusError("articles found (3) != kept + flagged + quarantined (2)")
"""


def test_a_notebook_failing_with_a_textkit_error_is_one_line_without_colours(
    project, capsys, caplog
):
    """Was ~76 lines: the cell's source and IPython's coloured traceback, then the error."""
    import logging

    path = _config(project, "")
    (project / "notebooks" / "02_fails.py").write_text(_FAILS, encoding="utf-8")
    said = (
        "textkit: notebook failed: 02_fails.py: CorpusError: articles found (3) != kept + "
        "flagged + quarantined (2)\n"
    )
    assert main(["-q", "--config", str(path), "notebooks", "--only", "02"]) == 1
    assert capsys.readouterr().err == said
    assert main(["-q", "--config", str(path), "reproduce", "--only", "02"]) == 1
    assert capsys.readouterr().err == said
    # `notebooks` stages its outputs as `reproduce` does: both say so
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "02_fails.py failed: figures/, results/ and the executed notebooks are left as they were"
    ] * 2
    # the whole report (the cell, the traceback) is logged at DEBUG level: textkit -v
    textkit_log = logging.getLogger("textkit")
    caplog.clear()
    try:
        assert main(["-v", "--config", str(path), "notebooks", "--only", "02"]) == 1
    finally:
        textkit_log.setLevel(logging.NOTSET)
    assert capsys.readouterr().err == said
    (debug,) = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert debug.startswith("02_fails.py failed:\n") and "Traceback" in debug
    assert "raise CorpusError(" in debug and "\x1b[" not in debug


# --------------------------------------------------------------------------- `textkit notebooks`
# stages its outputs as `reproduce` does: a failing notebook leaves every output as it was

#: A notebook writing a figure and a results table; ``{title}`` is drawn in the figure.
_WRITES = """# %%
from textkit.core.io import write_csv
from textkit.plots import new_figure, use_style
from textkit.run import start_notebook

nb = start_notebook("{stem}")
docs = nb.analysed(nb.build_corpus().documents)
with use_style():
    fig, ax = new_figure()
    ax.barh(docs["doc_id"].str[-2:], docs["n_chars"])
    ax.set_title("{title}")
nb.save_figure(fig, "fig_{stem}");
write_csv(nb.output("results/{stem}/sizes.csv"), docs[["doc_id", "n_chars"]]);
"""


def test_a_failing_notebook_leaves_every_output_of_textkit_notebooks_as_it_was(
    project, capsys, output_tree
):
    """README, "What textkit promises": a failing notebook leaves figures/, results/ and the
    executed notebooks exactly as they were, with `textkit notebooks` as with `reproduce`."""
    path = _config(project, '[figures]\nformats = ["png"]\n')
    nbs = project / "notebooks"
    for stem, title in (("02_a", "文章长度"), ("03_b", "字数")):
        (nbs / f"{stem}.py").write_text(_WRITES.format(stem=stem, title=title), "utf-8")
    assert main(["-q", "--config", str(path), "notebooks"]) == 0
    # the notebooks written, in the order of their names
    assert capsys.readouterr().out.splitlines() == [
        str(nbs / f"{stem}.ipynb") for stem in ("01_pages", "02_a", "03_b")
    ]
    before = output_tree(project)
    assert {"figures/fig_02_a.png", "results/03_b/sizes.csv", "notebooks/03_b.ipynb"} <= set(before)
    # stamped as reproduce stamps them: nothing to run again
    assert main(["-q", "--config", str(path), "reproduce"]) == 0
    said = capsys.readouterr().out
    assert all(f"{stem:<24s}   reused (up to date)" in said for stem in ("02_a", "03_b"))
    # 02_a now draws another figure; 03_b fails after writing its figure and its table
    src = nbs / "02_a.py"
    src.write_text(src.read_text(encoding="utf-8").replace("文章长度", "篇幅"), "utf-8")
    bad = nbs / "03_b.py"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n# %%\nraise RuntimeError('boom')\n")
    assert main(["-q", "--config", str(path), "notebooks"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("textkit: notebook failed: ") and "03_b" in err
    assert output_tree(project) == before
    assert not list(project.glob(".figures.old-*"))


def test_notebooks_of_a_named_folder_are_executed_beside_their_sources(project, capsys):
    """[project] notebooks names a folder of the project: its executed notebooks stay there."""
    (project / "notebooks").rename(project / "nbs")
    path = _config(project, '[project]\nnotebooks = "nbs"\n')
    assert main(["-q", "--config", str(path), "notebooks"]) == 0
    written = project / "nbs" / "01_pages.ipynb"
    assert capsys.readouterr().out == f"{written}\n"
    assert written.is_file() and not (project / "notebooks").exists()


# --------------------------------------------------------------------------- which notebooks run:
# the project's own, else those of textkit's source checkout; none found is an error

REPO = Path(__file__).resolve().parents[2]


def _own_corpus(root: Path, tables: str = "") -> Path:
    """A project of one's own as README describes it: a corpus, no notebooks of its own."""
    (root / "raw").mkdir()
    shutil.copy(SEED_PAGE, root / "raw" / SEED_PAGE.name)
    path = root / "textkit.toml"
    path.write_text(f'[corpus]\nraw_dir = "raw"\n{tables}', encoding="utf-8")
    return path


def test_a_project_without_notebooks_runs_those_of_textkits_checkout(
    tmp_path, monkeypatch, capsys, caplog
):
    import logging

    from textkit.core.config import load_config
    from textkit.run.pipeline import notebooks_dir

    monkeypatch.delenv(CONFIG_ENV, raising=False)
    path = _own_corpus(tmp_path)
    assert notebooks_dir(load_config(path)) == REPO / "notebooks"
    # the folder is logged; a name filter selecting none of its notebooks says so (exit 2)
    caplog.set_level(logging.INFO, logger="textkit")
    for command in ("notebooks", "figures", "reproduce"):
        assert main(["--config", str(path), command, "--only", "9"]) == 2
        err = capsys.readouterr().err
        assert err == (
            f"textkit: invalid argument: only 9: no notebook in {REPO / 'notebooks'} starts "
            "with 9; the notebooks there: 00_overview, 01_corpus, 02_segmentation, "
            "03_topics, 04_networks, 05_framing\n"
        )
    assert f"holds no notebook scripts: running textkit's notebooks in {REPO / 'notebooks'}" in (
        caplog.text
    )
    assert not (tmp_path / "corpus" / "processed").exists()  # refused before the corpus
    # the project's own notebooks come first
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_pages.py").write_text(_PAGES, encoding="utf-8")
    assert notebooks_dir(load_config(path)) == tmp_path / "notebooks"


@pytest.mark.parametrize("command", ["notebooks", "figures"])
def test_a_name_filter_matching_no_notebook_is_an_error(project, capsys, command):
    path = _config(project, "")
    assert main(["-q", "--config", str(path), command, "--only", "01", "03"]) == 2
    assert capsys.readouterr().err == (
        f"textkit: invalid argument: only 03: no notebook in {project / 'notebooks'} starts "
        "with 03; the notebooks there: 01_pages\n"
    )
    assert _nothing_ran(project)


@pytest.mark.parametrize("command", ["notebooks", "figures"])
def test_no_notebook_found_is_a_named_error(tmp_path, monkeypatch, capsys, command):
    """Without a textkit.toml textkit's own notebooks are not run (their kernels would read
    the checkout's settings); a folder named by the setting must hold notebook scripts."""
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus" / "raw").mkdir(parents=True)
    shutil.copy(SEED_PAGE, tmp_path / "corpus" / "raw")
    assert main(["-q", command]) == 2
    assert capsys.readouterr().err == (
        "textkit: configuration error: textkit.toml [project] notebooks is unset and no "
        f"notebook scripts (NN_name.py) were found in {tmp_path / 'notebooks'} (and there is "
        "no textkit.toml to run textkit's own notebooks with); set [project] notebooks = "
        '"<path to textkit>/notebooks" (the notebooks/ folder of a textkit source checkout)\n'
    )
    (tmp_path / "empty").mkdir()
    path = _own_corpus(tmp_path / "empty", '[project]\nnotebooks = "."\n')
    assert main(["-q", "--config", str(path), command]) == 2
    assert capsys.readouterr().err == (
        f"textkit: configuration error: {path} [project] notebooks: no notebook scripts "
        f"(NN_name.py) in {tmp_path / 'empty'}\n"
    )


def test_reproduce_without_textkits_checkout_and_no_notebooks_fails(tmp_path):
    """textkit installed without its source checkout (its package alone on the path), a
    project without notebooks: reproduce exits 2 naming both folders and the setting, where
    it built the corpus alone and exited 0."""
    site = tmp_path / "site"
    shutil.copytree(
        REPO / "textkit", site / "textkit", ignore=shutil.ignore_patterns("__pycache__")
    )
    project = tmp_path / "mine"
    project.mkdir()
    path = _own_corpus(project)
    env = {k: v for k, v in os.environ.items() if k != CONFIG_ENV}
    env.update(PYTHONPATH=str(site), TEXTKIT_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "textkit.run.cli", "-q", "--config", str(path), "reproduce"],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        f"textkit: configuration error: {path} [project] notebooks is unset and no notebook "
        f"scripts (NN_name.py) were found in {project / 'notebooks'} nor in textkit's source "
        f"checkout ({site / 'notebooks'}); set [project] notebooks = "
        '"<path to textkit>/notebooks" (the notebooks/ folder of a textkit source checkout)\n'
    )
    assert not (project / "corpus").exists()  # refused before the corpus stage


# --------------------------------------------------------------------------- --stream builds
# the project's corpus: the one `[corpus]` names, as the build without --stream


def _nested_texts(folder: Path) -> None:
    """A folder of .txt files in subfolders (province/year/file), as a researcher saves them."""
    for province, year, county in (("浙江", "2019", "桐乡市"), ("河南", "2020", "林州市")):
        path = folder / province / year / f"{county}工作总结.txt"
        path.parent.mkdir(parents=True)
        path.write_text(
            f"{county}{year}年基层社会治理工作总结\n"
            + f"{county}推进村民自治，完善议事协商，健全矛盾纠纷多元化解机制。" * 5,
            encoding="utf-8",
        )


def test_stream_builds_a_configured_folder_of_texts(tmp_path):
    """Was: --stream refused a folder set as [corpus] input; it now writes the files of the
    build without --stream (tests/corpus/test_folder_stream.py: Word, PDF, HTML, metadata)."""
    _nested_texts(tmp_path / "corpus" / "raw")
    config = tmp_path / "textkit.toml"
    config.write_text(
        '[corpus]\ninput = "corpus/raw"\ndocvars_from = "{province}/{year}/{name}.txt"\n',
        encoding="utf-8",
    )
    assert main(["-q", "--config", str(config), "corpus", "build"]) == 0
    out = tmp_path / "corpus" / "processed"
    in_memory = {p.name: p.read_bytes() for p in out.iterdir()}
    shutil.rmtree(out)
    argv = ["-q", "--config", str(config), "corpus", "build", "--stream", "--batch-pages", "1"]
    assert main(argv) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == in_memory
    report = json.loads((out / "corpus_report.json").read_text("utf-8"))
    assert report["texts"]["identity"] == "2 files = 2 read + 0 rejected"


def test_stream_builds_a_configured_table_with_its_options(tmp_path):
    """Was: --stream ignored [corpus] input and read the raw pages folder."""
    from textkit.corpus.example import write_example_table

    write_example_table(tmp_path / "letters.csv", 30, 0)
    config = tmp_path / "textkit.toml"
    config.write_text(
        '[corpus]\ninput = "letters.csv"\nid = "doc_id"\nmeta = ["province", "year"]\n'
        'out_dir = "built"\n',
        encoding="utf-8",
    )
    assert main(["-q", "--config", str(config), "corpus", "build"]) == 0
    in_memory = {p.name: p.read_bytes() for p in (tmp_path / "built").iterdir()}
    shutil.rmtree(tmp_path / "built")
    argv = ["-q", "--config", str(config), "corpus", "build", "--stream", "--batch-rows", "7"]
    assert main(argv) == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "built").iterdir()} == in_memory


@pytest.mark.parametrize("stream", [[], ["--stream"]], ids=["in memory", "streamed"])
def test_raw_pages_of_word_files_are_one_line_pointing_to_input(tmp_path, capsys, stream):
    """Was: every .docx rejected as binary content, 0 articles written, exit 0."""
    import docx

    raw = tmp_path / "flat"
    raw.mkdir()
    document = docx.Document()
    document.add_paragraph("桐乡市推进法治政府建设的经验做法。" * 5)
    document.save(str(raw / "桐乡市经验做法.docx"))
    argv = ["-q", "corpus", "build", "--raw", str(raw), "--out", str(tmp_path / "out"), *stream]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("textkit: corpus error: flat: 0 articles found in 1 files (0 read")
    assert "holds 1 document file(s) (.docx): [corpus] input (or textkit corpus build" in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "out" / "documents.parquet").exists()


_EMPTY_CORPUS_NOTEBOOK = """# %%
from textkit.run import start_notebook

nb = start_notebook("01_pages")
"""


@pytest.mark.parametrize("command", ["reproduce", "notebooks"])
def test_an_empty_analysed_corpus_names_the_corpus_not_min_df(tmp_path, capsys, command):
    """Was: `[vectorize] min_df = 2: more than the 0 articles analysed`."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_pages.py").write_text(_EMPTY_CORPUS_NOTEBOOK, "utf-8")
    config = tmp_path / "textkit.toml"
    config.write_text('[corpus]\nraw_dir = "raw"\n[vectorize]\nmin_df = 2\n', encoding="utf-8")
    assert main(["-q", "--config", str(config), command]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "textkit: corpus error: no article to analyse: 0 articles analysed ([corpus] analyse = "
        f"'kept'); the article table of [corpus] raw_dir = {tmp_path / 'raw'} holds 0 articles"
    )
    assert f"see {tmp_path / 'corpus' / 'processed' / 'corpus_report.md'}" in err
    assert "min_df" not in err and len(err.splitlines()) == 1
    assert not (tmp_path / "notebooks" / "01_pages.ipynb").exists()


def test_too_few_articles_for_min_df_points_to_the_corpus_report(project, capsys):
    path = _config(project, "[vectorize]\nmin_df = 500\n")
    assert main(["-q", "--config", str(path), "notebooks"]) == 2
    err = capsys.readouterr().err
    assert "the article table of [corpus] raw_dir = " in err
    assert f"see {project / 'corpus' / 'processed' / 'corpus_report.md'}" in err
