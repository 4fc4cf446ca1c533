"""The textkit command: every subcommand has --help; config errors are named, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
