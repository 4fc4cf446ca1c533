"""The precision contract: stated precision, tolerant rewrites, `textkit verify`, invariance.

Every table textkit exports holds floats at 6 significant digits; a file that agrees with
what is on disk at that precision is kept; `textkit verify` regenerates and compares; topic
fits, networks and LSS give equal outputs at that precision whatever the BLAS thread count
and PYTHONHASHSEED.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from textkit.core import io as _io
from textkit.core.precision import (
    frames_agree,
    json_agree,
    numbers_agree,
    round_floats,
    round_frame,
    round_sig,
    texts_agree,
)
from textkit.plots import new_figure, read_manifest, save_figure, use_style
from textkit.run.verify import compare_outputs

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "corpus" / "raw"

# ----------------------------------------------------------------------------- the rules


def test_round_sig_keeps_six_significant_digits_and_prints_short():
    x = np.array([0.123456789, 123456.789, -9.87654321e-9, 0.0, np.nan, np.inf, 1.0])
    r = round_sig(x)
    assert r[0] == 0.123457 and repr(float(r[0])) == "0.123457"
    assert r[1] == 123457.0 and r[2] == -9.87654e-9
    assert r[3] == 0.0 and np.isnan(r[4]) and np.isinf(r[5]) and r[6] == 1.0
    assert x[0] == 0.123456789  # the input is not modified


def test_round_frame_rounds_float_columns_only_and_returns_a_copy():
    df = pd.DataFrame({"term": ["维稳", "法治"], "n": [3, 12345678], "p": [1 / 3, 2 / 3]})
    out = round_frame(df)
    assert out["p"].tolist() == [0.333333, 0.666667]
    assert out["n"].tolist() == [3, 12345678] and out["term"].tolist() == ["维稳", "法治"]
    assert df["p"].iloc[0] == 1 / 3


def test_numbers_agree_within_one_unit_of_the_last_stated_digit():
    assert numbers_agree(0.1234565, 0.1234565000001)  # noise
    assert numbers_agree(0.123456, 0.123457)  # a boundary value rounded the other way
    assert not numbers_agree(0.123456, 0.123458)
    assert numbers_agree(1e-17, -2e-17)  # cancellation noise around zero
    assert not numbers_agree(1.0, float("nan")) and numbers_agree(float("nan"), float("nan"))


def test_texts_agree_compares_integers_and_identifiers_exactly():
    assert texts_agree("a,0.123456,7\n", "a,0.123457,7\n") is None
    assert "line 1" in texts_agree("a,0.123456,7\n", "a,0.123456,8\n")
    assert texts_agree("003_4542067cb4fbbdc2#02,1\n", "003_4542067cb4fbbdc3#02,1\n") is not None
    assert texts_agree("增长3.5%\n", "增长3.6%\n") is not None
    assert texts_agree("x\n", "x\ny\n") is not None


def test_frames_and_json_agree_name_the_first_difference():
    a = pd.DataFrame({"term": ["a", "b"], "w": [0.5, 0.25]})
    b = a.assign(w=[0.5, 0.2500000000001])
    assert frames_agree(a, b) is None
    c = a.assign(w=[0.5, 0.26])
    assert frames_agree(a, c) == "row 1, column 'w': np.float64(0.25) against np.float64(0.26)"
    assert json_agree({"x": [1, 0.5]}, {"x": [1, 0.5000000000001]}) is None
    assert json_agree({"x": [1, 0.5]}, {"x": [2, 0.5]}) == "$.x[0]: 1 against 2"
    assert round_floats({"a": (0.1234567, "s", 3)}) == {"a": (0.123457, "s", 3)}


# ----------------------------------------------------------------------------- the writers


def test_write_csv_rounds_and_keeps_a_file_that_agrees(tmp_path):
    path = tmp_path / "t.csv"
    df = pd.DataFrame({"term": ["维稳"], "p": [0.1234565432]})
    _io.write_csv(path, df)
    assert path.read_text(encoding="utf-8") == "term,p\n维稳,0.123457\n"
    # another machine: the last digits differ, rounding lands on the other side
    path.write_text("term,p\n维稳,0.123456\n", encoding="utf-8")
    before = path.stat().st_mtime_ns
    _io.write_csv(path, df)
    assert path.read_text(encoding="utf-8") == "term,p\n维稳,0.123456\n"
    assert path.stat().st_mtime_ns == before
    _io.write_csv(path, df.assign(p=0.2))  # a real change is written
    assert path.read_text(encoding="utf-8") == "term,p\n维稳,0.2\n"
    _io.write_csv(path, df, digits=None)  # full precision when asked for
    assert "0.1234565432" in path.read_text(encoding="utf-8")


def test_write_parquet_and_json_keep_files_that_agree(tmp_path):
    pq = tmp_path / "t.parquet"
    df = pd.DataFrame({"k": [1, 2], "p": [0.5, 1 / 3]})
    _io.write_parquet(pq, df)
    first = pq.read_bytes()
    assert pd.read_parquet(pq)["p"].tolist() == [0.5, 0.333333]
    _io.write_parquet(pq, df.assign(p=[0.5, 1 / 3 + 1e-13]))
    assert pq.read_bytes() == first
    js = tmp_path / "t.json"
    _io.write_json(js, {"q": 0.1 + 0.2})
    assert js.read_text(encoding="utf-8") == '{\n  "q": 0.3\n}\n'
    _io.write_json(js, {"q": 0.30000049})
    assert js.read_text(encoding="utf-8") == '{\n  "q": 0.3\n}\n'
    _io.write_json(js, {"q": 0.31})
    assert '"q": 0.31' in js.read_text(encoding="utf-8")


def _bars(values, title="维稳与服务"):
    with use_style():
        fig, ax = new_figure()
        ax.bar(["维稳", "服务"], values)
        ax.set_title(title)
    fig.textkit_data = pd.DataFrame({"frame": ["维稳", "服务"], "value": values})
    return fig


def test_save_figure_keeps_a_figure_whose_raster_and_data_agree(tmp_path):
    save_figure(_bars([0.3, 0.7]), "bars", outdir=tmp_path, notebook="nb")
    files = {p.name: p.read_bytes() for p in tmp_path.glob("bars.*")}
    manifest = read_manifest(tmp_path)
    row = manifest.set_index("figure").loc["bars"]
    assert row["file_sha256"].startswith("bars.pdf=") and "bars.png=" in row["file_sha256"]
    assert "matplotlib=" in row["libraries"] and "numpy=" in row["libraries"]
    # noise far below the stated precision: nothing is rewritten
    save_figure(_bars([0.3 + 1e-13, 0.7 - 1e-13]), "bars", outdir=tmp_path, notebook="nb")
    assert {p.name: p.read_bytes() for p in tmp_path.glob("bars.*")} == files
    assert read_manifest(tmp_path).equals(manifest)
    # a visible change (the title) is drawn again, though the data are the same
    save_figure(_bars([0.3, 0.7], title="服务与维稳"), "bars", outdir=tmp_path, notebook="nb")
    assert (tmp_path / "bars.png").read_bytes() != files["bars.png"]
    assert (tmp_path / "bars.csv").read_bytes() == files["bars.csv"]


# ----------------------------------------------------------------------------- verify


def _outputs(base: Path) -> None:
    (base / "figures").mkdir(parents=True)
    (base / "results").mkdir()
    (base / "notebooks").mkdir()
    pd.DataFrame({"term": ["维稳", "法治"], "p": [0.123456, 0.5]}).to_csv(
        base / "figures" / "fig.csv", index=False
    )
    (base / "figures" / "fig.png").write_bytes(b"png-bytes-1")
    (base / "figures" / "nodata.pdf").write_bytes(b"pdf-bytes")
    (base / "results" / "params.json").write_text(
        '{"files": {"a": {"sha256": "aa"}}, "q": 0.25}', encoding="utf-8"
    )
    pd.DataFrame({"k": [1], "v": [0.5]}).to_parquet(base / "results" / "t.parquet")
    (base / "notebooks" / "01.ipynb").write_text('{"text": "0.333333"}', encoding="utf-8")


def test_compare_outputs_passes_agreeing_outputs_and_names_differences(tmp_path):
    ref, new = tmp_path / "project", tmp_path / "made"
    _outputs(ref)
    _outputs(new)
    (ref / "textkit.toml").write_text("", encoding="utf-8")
    # below the stated precision: pass
    pd.DataFrame({"term": ["维稳", "法治"], "p": [0.123457, 0.5]}).to_csv(
        new / "figures" / "fig.csv", index=False
    )
    (new / "figures" / "fig.png").write_bytes(b"png-bytes-2")  # drawn from agreeing data
    (new / "results" / "params.json").write_text(
        '{"files": {"a": {"sha256": "bb"}}, "q": 0.2500001}', encoding="utf-8"
    )
    (new / "notebooks" / "01.ipynb").write_text('{"text": "0.333334"}', encoding="utf-8")
    rows = {r.path: r for r in compare_outputs(ref, new)}
    assert all(r.ok for r in rows.values()), rows
    assert "agree" in rows["figures/fig.png"].detail
    # real differences are named: the cell, the missing and the new file
    pd.DataFrame({"k": [1], "v": [0.75]}).to_parquet(new / "results" / "t.parquet")
    pd.DataFrame({"term": ["维稳", "法治"], "p": [0.2, 0.5]}).to_csv(
        new / "figures" / "fig.csv", index=False
    )
    (new / "figures" / "nodata.pdf").unlink()
    (new / "results" / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    rows = {r.path: r for r in compare_outputs(ref, new)}
    assert rows["results/t.parquet"].status == "differs"
    assert "row 0, column 'v'" in rows["results/t.parquet"].detail
    assert rows["figures/fig.csv"].status == "differs"
    assert (
        rows["figures/fig.png"].status == "differs" and "fig.csv" in rows["figures/fig.png"].detail
    )
    assert rows["figures/nodata.pdf"].status == "missing"
    assert rows["results/extra.csv"].status == "new"


_NOTEBOOK = """# %% tags=["parameters"]
import pandas as pd
import textkit as tk
from textkit.plots import new_figure, use_style

cfg = tk.load_config()
prov = tk.provenance(cfg).as_dict()

# %%
docs = tk.build_corpus(cfg.resolve("corpus/raw")).documents
share = (docs["n_chars"] / docs["n_chars"].sum()).rename("share")
tk.write_table(cfg.output("results/shares.csv"), pd.concat([docs["doc_id"], share], axis=1))
with use_style():
    fig, ax = new_figure()
    ax.barh(docs["doc_id"].str[-2:], share)
tk.save_figure(fig, "shares", notebook="01_a", provenance=prov, formats=("png",));
"""


@pytest.mark.slow
def test_textkit_verify_passes_a_fresh_project_and_fails_on_a_changed_table(tmp_path, monkeypatch):
    from textkit.run.cli import main

    (tmp_path / "corpus" / "raw").mkdir(parents=True)
    src = sorted(RAW_DIR.iterdir())[3]
    shutil.copy(src, tmp_path / "corpus" / "raw" / src.name)
    (tmp_path / "textkit.toml").write_text('[corpus]\nraw_dir = "corpus/raw"\n', encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_a.py").write_text(_NOTEBOOK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTKIT_CACHE_DIR", raising=False)
    assert main(["--config", str(tmp_path / "textkit.toml"), "reproduce"]) == 0
    table = tmp_path / "results" / "shares.csv"
    assert table.is_file() and (tmp_path / "figures" / "shares.png").is_file()
    assert main(["--config", str(tmp_path / "textkit.toml"), "verify"]) == 0
    assert not list((tmp_path / ".cache" / "textkit" / "verify").iterdir())  # scratch removed
    made = pd.read_csv(table)
    made.loc[2, "share"] = made.loc[2, "share"] + 0.01
    made.to_csv(table, index=False)
    assert main(["--config", str(tmp_path / "textkit.toml"), "verify"]) == 1


# ----------------------------------------------------------------------------- invariance

_INVARIANCE = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import pandas as pd

    import textkit as tk
    from textkit.core import io as _io
    from textkit.frames.lss import LatentSemanticScaling
    from textkit.plots.network import plot_network

    raw, out = Path(sys.argv[1]), Path(sys.argv[2])
    docs = tk.build_corpus(raw).documents
    units = tk.segment_corpus(docs, unit="sentence", cache=False)
    dtm = tk.vectorize(units, min_df=2)
    lda = tk.LdaTopicModel(4, random_state=0, passes=3, iterations=30).fit(dtm)
    _io.write_csv(out / "topic_term.csv", lda.topic_term_.reset_index())
    _io.write_csv(out / "doc_topic.csv", lda.doc_topic_.reset_index())
    counts = tk.cooccurrence(units, tk.CoocConfig(n_nodes=40, min_count=2))
    G = tk.build_network(counts, weight="jaccard", top_n=40, overlay_mst=True, random_state=42)
    layout = plot_network(G, random_state=42).textkit_data
    tk.export_network(G, out / "net", "net", layout=layout)
    _io.write_csv(out / "layout.csv", layout)
    tokens = units["tokens"].tolist()
    lss = LatentSemanticScaling(min_count=2).fit(tokens)
    _io.write_csv(out / "lss_terms.csv", lss.term_polarity_)
    _io.write_csv(out / "lss_docs.csv", pd.DataFrame({"score": lss.transform(tokens)}))
    """
)


def test_topics_network_and_lss_agree_across_blas_threads_and_hash_seeds(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for src in sorted(RAW_DIR.iterdir())[2:4]:
        (raw / src.name).write_bytes(src.read_bytes())
    runs = {
        "hash0_threads1": ("0", "1"),
        "hash1_threads2": ("1", "2"),
        "hash2_threads2": ("2", "2"),
    }
    procs = {}
    for name, (seed, threads) in runs.items():
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "OPENBLAS_NUM_THREADS": threads,
            "OMP_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
        }
        (tmp_path / name).mkdir()
        procs[name] = subprocess.Popen(
            [sys.executable, "-c", _INVARIANCE, str(raw), str(tmp_path / name)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    for name, p in procs.items():
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, (name, err.decode()[-3000:])
    ref_root = tmp_path / "hash0_threads1"
    ref = sorted(p.relative_to(ref_root) for p in ref_root.rglob("*") if p.is_file())
    assert {Path("topic_term.csv"), Path("lss_terms.csv"), Path("net/net.gexf")} <= set(ref)
    for other in ("hash1_threads2", "hash2_threads2"):
        got_root = tmp_path / other
        assert sorted(p.relative_to(got_root) for p in got_root.rglob("*") if p.is_file()) == ref
        for rel in ref:
            assert _io.agrees_with_file(ref_root / rel, got_root / rel), (other, rel)


def test_a_table_written_before_the_contract_is_rewritten_rounded(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("term,p\n维稳,0.12345678901\n", encoding="utf-8")  # full precision
    _io.write_csv(path, pd.DataFrame({"term": ["维稳"], "p": [0.12345678901]}))
    assert path.read_text(encoding="utf-8") == "term,p\n维稳,0.123457\n"
    pq = tmp_path / "t.parquet"
    pd.DataFrame({"p": [1 / 3]}).to_parquet(pq, index=False)
    _io.write_parquet(pq, pd.DataFrame({"p": [1 / 3]}))
    assert pd.read_parquet(pq)["p"].tolist() == [0.333333]
