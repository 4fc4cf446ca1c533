"""The public API re-exported from ``textkit/__init__.py``."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import textkit as tk


def test_every_public_name_resolves_and_is_documented():
    for name in tk.__all__:
        obj = getattr(tk, name)
        if name == "__version__":
            continue
        assert inspect.getdoc(obj), f"textkit.{name} has no docstring"
        if inspect.isfunction(obj) and len(inspect.signature(obj).parameters) > 1:
            assert "Parameters" in inspect.getdoc(obj) or "See" in inspect.getdoc(obj), name


def test_verbs_named_like_their_modules_stay_functions_after_submodule_import():
    code = (
        "import textkit as tk, textkit.dtm.vectorizer, textkit.corpus.annotate, importlib;"
        "importlib.import_module('textkit.dtm.vectorizer');"
        "print(callable(tk.vectorize) and not inspect_is_module(tk.vectorize))"
    ).replace("inspect_is_module", "__import__('inspect').ismodule")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    importlib.import_module("textkit.corpus.annotate")
    assert inspect.isfunction(tk.annotate) and inspect.isfunction(tk.vectorize)


def test_unknown_name_raises_attribute_error():
    try:
        tk.no_such_verb  # noqa: B018
    except AttributeError as exc:
        assert "no_such_verb" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("textkit.no_such_verb resolved")


def test_write_table_by_suffix(tmp_path):
    import pandas as pd
    import pytest

    df = pd.DataFrame({"term": ["维稳", "法治"], "n": [3, 2]})
    csv = tk.write_table(tmp_path / "t.csv", df)
    # a UTF-8 BOM first: Excel on Chinese Windows shows the Chinese of result tables
    assert csv.read_bytes() == "\ufeffterm,n\n维稳,3\n法治,2\n".encode()
    plain = tk.write_table(tmp_path / "plain.csv", df, bom=False)
    assert plain.read_text(encoding="utf-8") == "term,n\n维稳,3\n法治,2\n"
    pd.testing.assert_frame_equal(pd.read_parquet(tk.write_table(tmp_path / "t.parquet", df)), df)
    with pytest.raises(ValueError, match="t.xlsx"):
        tk.write_table(tmp_path / "t.xlsx", df)
