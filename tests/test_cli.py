"""The textkit command: every subcommand has --help; config errors are named, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from textkit.cli import main


@pytest.mark.parametrize(
    "argv",
    [[], ["corpus"], ["corpus", "build"], ["notebooks"], ["figures"], ["reproduce"], ["config"]],
)
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    assert "usage: textkit" in capsys.readouterr().out


def test_config_command_shows_hashes(capsys):
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "corpus hash" in out and "config hash" in out


def test_bad_config_exits_2_with_named_setting(tmp_path):
    bad = tmp_path / "textkit.toml"
    bad.write_text("[topicz]\nk = 3\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "textkit.cli", "--config", str(bad), "config"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "[topicz]" in proc.stderr and str(bad) in proc.stderr
