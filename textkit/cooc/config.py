"""Settings of the co-occurrence stage: the ``[cooc]`` table of ``textkit.toml``.

The table holds the settings of both steps: counting (:class:`CoocConfig`, read by
:func:`~textkit.cooc.count.cooccurrence`) and pruning, analysis and export
(:class:`NetworkConfig`); :func:`network_config` reads it into the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textkit.cooc.weights import WEIGHTS
from textkit.core.checks import check_bool, check_choice, check_int, check_number, check_str
from textkit.core.config import StageConfig
from textkit.core.errors import InvalidParameterError

__all__ = [
    "UNITS",
    "NODE_SELECTIONS",
    "BACKBONES",
    "DEFAULT_EXCLUDE",
    "CoocConfig",
    "NetworkConfig",
    "network_config",
]

#: Units of co-occurrence.
UNITS = ("sentence", "paragraph", "document", "window")
#: Ways of choosing the node set.
NODE_SELECTIONS = ("frequency", "unit_freq", "doc_freq", "keyness", "list")
#: Backbone extraction methods of :func:`~textkit.cooc.network.build_network`.
BACKBONES = (None, "mst", "disparity")
#: Default ``exclude`` of :class:`CoocConfig`: function words and boilerplate of governance
#: documents that the shipped stopword list keeps (某年 is the cleaning stage's placeholder of
#: a masked year); they would otherwise be among the most frequent nodes of every network.
DEFAULT_EXCLUDE = (
    "问题", "实现", "形成", "重要", "作用", "某年", "方式", "作为", "主要", "具体",
    "存在", "发生", "基本", "影响", "内容", "实际",
)  # fmt: skip


@dataclass(frozen=True)
class CoocConfig(StageConfig):
    """Options of :func:`~textkit.cooc.count.cooccurrence`.

    Parameters
    ----------
    unit : {"sentence", "paragraph", "document", "window"}, default "sentence"
        Unit within which two terms co-occur. ``sentence`` takes every row of the units
        table as one unit (the table must be sentence-level when it has ``sent_id``);
        ``paragraph`` merges rows by (``doc_id``, ``para_id``); ``document`` by ``doc_id``;
        ``window`` slides a window of ``window`` tokens, step 1, over each document's
        token sequence (rows ordered by ``unit_id``) and counts every window as a unit; a
        document shorter than the window is one window.
    window : int, default 10
        Window size in tokens (``unit="window"`` only), at least 2.
    node_selection : {"frequency", "unit_freq", "doc_freq", "keyness", "list"}
        How the node set is chosen: the ``n_nodes`` terms with the highest token frequency,
        number of units, or number of documents containing them (ties by frequency, then
        term); the ``n_nodes`` highest scores of a keyness table passed to
        :func:`~textkit.cooc.count.cooccurrence`; or exactly the terms of ``nodes``.
    n_nodes : int or None, default 80
        Size of the node set (``None``: every term passing ``min_freq``).
    min_freq : int, default 2
        Minimum token frequency of a node (not applied to ``node_selection="list"``).
    min_count : int, default 2
        Minimum number of units in which a pair co-occurs to be an edge.
    nodes : tuple of str, optional
        The node list for ``node_selection="list"``.
    exclude : tuple of str, default :data:`DEFAULT_EXCLUDE`
        Terms never used as nodes: generic words the stopword list keeps (问题, 实现, 形成 …,
        :data:`DEFAULT_EXCLUDE`); ``()`` excludes none.
    keyness_column : str, optional
        Score column of the keyness table; default the first of ``keyness``, ``g2``,
        ``G2``, ``log_likelihood``, ``loglik``, ``chi2``, ``score`` present.
    doc_counts : bool, default True
        Count, for every edge, the documents in which the pair co-occurs (edge column
        ``docs``). This is a second sparse product on a matrix whose columns are split by
        document; it about doubles the counting time, so turn it off for speed when the
        per-document spread is not needed.
    """

    table = "cooc"

    unit: str = "sentence"
    window: int = 10
    node_selection: str = "frequency"
    n_nodes: int | None = 80
    min_freq: int = 2
    min_count: int = 2
    nodes: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    keyness_column: str | None = None
    doc_counts: bool = True

    def __post_init__(self) -> None:
        check_choice("unit", self.unit, UNITS)
        check_int("window", self.window, 2)
        check_choice("node_selection", self.node_selection, NODE_SELECTIONS)
        check_int("n_nodes", self.n_nodes, 1, allow_none=True)
        check_int("min_freq", self.min_freq, 1)
        check_int("min_count", self.min_count, 1)
        if self.nodes is not None:
            nodes = (self.nodes,) if isinstance(self.nodes, str) else tuple(self.nodes)
            for t in nodes:
                check_str("nodes", t)
            if len(set(nodes)) != len(nodes):
                dup = sorted({t for t in nodes if nodes.count(t) > 1})
                raise InvalidParameterError(f"nodes: duplicate term(s) {dup}")
            object.__setattr__(self, "nodes", nodes)
        if self.node_selection == "list" and not self.nodes:
            raise InvalidParameterError(
                "nodes: node_selection='list' needs a non-empty tuple of terms"
            )
        exclude = (self.exclude,) if isinstance(self.exclude, str) else tuple(self.exclude)
        for t in exclude:
            check_str("exclude", t, allow_empty=True)
        object.__setattr__(self, "exclude", tuple(sorted(set(exclude))))
        if self.node_selection == "unit_freq" and self.unit == "window":
            raise InvalidParameterError(
                "node_selection: 'unit_freq' is not available for unit='window'"
            )
        check_str("keyness_column", self.keyness_column, allow_empty=True, allow_none=True)
        check_bool("doc_counts", self.doc_counts)


@dataclass(frozen=True)
class NetworkConfig(StageConfig):
    """How the networks of a run are pruned, analysed and exported.

    With :class:`CoocConfig` it makes the ``[cooc]`` table of ``textkit.toml``
    (:func:`network_config` reads both).

    Parameters
    ----------
    weight : str, default "jaccard"
        Edge weight of :func:`~textkit.cooc.network.build_network` (one of :data:`~textkit.cooc.weights.WEIGHTS`).
    top_n : int or None, default 80
        Strongest edges kept (``0`` in the TOML file, or None: all).
    threshold : float, optional
        Minimum weight.
    backbone : {None, "mst", "disparity"}
        ``"none"`` in the TOML file means None.
    alpha : float, default 0.05
        Disparity-filter significance level.
    overlay_mst : bool, default True
        Add the maximum spanning tree to the top edges (so that no node is left unconnected).
    random_state : int, default 42
        Louvain and layout seed.
    resolution : float, default 1.0
        Louvain resolution.
    ego_terms : tuple of str
        Centre terms of the ego networks (default 稳定, 维稳, 法治, 服务).
    ego_neighbours : int, default 12
        Strongest neighbours kept around each centre term.
    ego_nodes : int, default 300
        Size of the node set the ego networks are cut from (larger than the corpus
        network's, so that a centre term's neighbours are not only the most frequent
        words).
    compare_top_n : int, default 40
        Pairs drawn in the difference graph of :func:`~textkit.cooc.compare.compare_networks`.
    compare_min_docs : int, default 3
        ``min_docs`` of :func:`~textkit.cooc.compare.compare_networks` (a pair drawn in the
        difference graph co-occurs in at least this many documents).
    out_dir : str, default "results/networks"
        Export directory for :func:`~textkit.cooc.export.export_network`, relative to the project root.
    """

    table = "cooc"

    weight: str = "jaccard"
    top_n: int | None = 80
    threshold: float | None = None
    backbone: str | None = None
    alpha: float = 0.05
    overlay_mst: bool = True
    random_state: int = 42
    resolution: float = 1.0
    ego_terms: tuple[str, ...] = ("稳定", "维稳", "法治", "服务")
    ego_neighbours: int = 12
    ego_nodes: int = 300
    compare_top_n: int = 40
    compare_min_docs: int = 3
    out_dir: str = "results/networks"

    def __post_init__(self) -> None:
        if self.top_n == 0:
            object.__setattr__(self, "top_n", None)
        if self.backbone == "none":
            object.__setattr__(self, "backbone", None)
        check_build_settings(self.weight, self.top_n, self.threshold, self.backbone, self.alpha)
        check_bool("overlay_mst", self.overlay_mst)
        check_int("random_state", self.random_state)
        check_number("resolution", self.resolution, 0.0, low_open=True)
        terms = (self.ego_terms,) if isinstance(self.ego_terms, str) else tuple(self.ego_terms)
        for t in terms:
            check_str("ego_terms", t)
        object.__setattr__(self, "ego_terms", terms)
        for name in ("ego_neighbours", "ego_nodes", "compare_top_n", "compare_min_docs"):
            check_int(name, getattr(self, name), 1)
        check_str("out_dir", self.out_dir)

    def build_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`~textkit.cooc.network.build_network`."""
        return {
            "weight": self.weight,
            "top_n": self.top_n,
            "threshold": self.threshold,
            "backbone": self.backbone,
            "alpha": self.alpha,
            "overlay_mst": self.overlay_mst,
            "random_state": self.random_state,
            "resolution": self.resolution,
        }


def network_config(project: Any = None) -> tuple[CoocConfig, NetworkConfig]:
    """Read the ``[cooc]`` table of ``textkit.toml`` into the stage's two configs.

    The same as ``(CoocConfig.from_project(project), NetworkConfig.from_project(project))``.

    Parameters
    ----------
    project : textkit.core.config.ProjectConfig, optional
        Parsed file (``textkit.load_config()``); None gives the defaults.

    Returns
    -------
    (CoocConfig, NetworkConfig)
        Keys that are fields of :class:`CoocConfig` (unit, window, n_nodes, exclude ...)
        go to the first, the others (weight, top_n, ego_terms ...) to the second.

    Raises
    ------
    textkit.core.config.ConfigError
        For an unknown key (the valid ones are listed) or a refused value.
    """
    return CoocConfig.from_project(project), NetworkConfig.from_project(project)


def check_build_settings(
    weight: Any, top_n: Any, threshold: Any, backbone: Any, alpha: Any
) -> None:
    """Check the pruning settings of :func:`~textkit.cooc.network.build_network`.

    Raises
    ------
    textkit.core.errors.InvalidParameterError
        Naming the first setting out of range.
    """
    check_choice("weight", weight, WEIGHTS)
    check_int("top_n", top_n, 1, allow_none=True)
    check_number("threshold", threshold, allow_none=True)
    check_choice("backbone", backbone, BACKBONES)
    check_number("alpha", alpha, 0.0, 1.0, low_open=True, high_open=True)
