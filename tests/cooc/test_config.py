"""Tests of textkit.cooc.config: CoocConfig validation and the [cooc] table."""

from __future__ import annotations

import networkx as nx
import pytest

import textkit.cooc as C


@pytest.mark.parametrize(
    "kwargs, setting",
    [
        ({"unit": "clause"}, "unit"),
        ({"window": 1}, "window"),
        ({"n_nodes": 0}, "n_nodes"),
        ({"min_count": 0}, "min_count"),
        ({"node_selection": "list"}, "nodes"),
        ({"node_selection": "tfidf"}, "node_selection"),
        ({"unit": "window", "node_selection": "unit_freq"}, "node_selection"),
    ],
)
def test_config_validation_names_setting(kwargs, setting):
    with pytest.raises(ValueError, match=setting):
        C.CoocConfig(**kwargs)


def test_network_config_reads_cooc_table(tmp_path):
    from textkit.core.config import ConfigError, load_config

    path = tmp_path / "textkit.toml"
    path.write_text(
        '[cooc]\nunit = "window"\nwindow = 5\nexclude = ["工作"]\nweight = "dice"\n'
        'top_n = 0\nbackbone = "none"\nego_terms = ["维稳"]\ncompare_min_docs = 2\n',
        encoding="utf-8",
    )
    cooc, net = C.network_config(load_config(path))
    assert (cooc.unit, cooc.window, cooc.exclude) == ("window", 5, ("工作",))
    assert (net.weight, net.top_n, net.backbone, net.ego_terms) == ("dice", None, None, ("维稳",))
    assert net.build_kwargs()["weight"] == "dice" and net.compare_min_docs == 2
    assert C.network_config(None) == (C.CoocConfig(), C.NetworkConfig())
    path.write_text("[cooc]\nwieght = 'dice'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="wieght"):
        C.network_config(load_config(path))
    path.write_text("[cooc]\nweight = 'cosine'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[cooc\].*weight"):
        C.network_config(load_config(path))


def test_checks_speak_one_style():
    from textkit.core.errors import InvalidParameterError

    cases = [
        (lambda: C.CoocConfig(window=1), "window: expected an integer >= 2, got 1"),
        (lambda: C.CoocConfig(unit="clause"), "unit: expected one of 'sentence', "),
        (lambda: C.NetworkConfig(alpha=1.5), r"alpha: expected a number in \(0, 1\), got 1.5"),
        (lambda: C.NetworkConfig(overlay_mst="yes"), "overlay_mst: expected True or False"),
        (lambda: C.ego_table(nx.Graph(), "x", max_neighbours=0), "max_neighbours: expected an"),
    ]
    for make, message in cases:
        with pytest.raises(InvalidParameterError, match=message):
            make()
