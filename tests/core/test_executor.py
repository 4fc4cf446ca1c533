"""Tests for textkit.core.executor: the one ``n_jobs`` rule and the one process pool."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from textkit.core import executor
from textkit.core.errors import InvalidParameterError
from textkit.core.executor import dask_client, map_documents, resolve_n_jobs, usable_cores

_STATE: dict[str, str] = {}


def _remember(value: str) -> None:
    _STATE["value"] = value


def _tagged(text: str) -> str:
    return f"{_STATE.get('value', 'unset')}:{text}"


def _pid(_: object) -> int:
    return os.getpid()


# ------------------------------------------------------------------------------ resolve_n_jobs


@pytest.mark.parametrize(("n_jobs", "expected"), [(None, 1), (1, 1), (2, 2), (7, 7)])
def test_resolve_n_jobs_counts(n_jobs, expected):
    assert resolve_n_jobs(n_jobs) == min(expected, usable_cores())


def test_resolve_n_jobs_minus_one_is_every_core():
    assert resolve_n_jobs(-1) == usable_cores()


@pytest.mark.parametrize("bad", [0, -2, -10, 1.0, 1.5, True, False, "2"])
def test_resolve_n_jobs_refuses_with_one_message(bad):
    with pytest.raises(InvalidParameterError) as err:
        resolve_n_jobs(bad)
    assert str(err.value) == f"n_jobs: expected an integer >= 1 or -1 or None, got {bad!r}"
    assert isinstance(err.value, ValueError) and isinstance(err.value, TypeError)


def test_resolve_n_jobs_names_the_argument():
    with pytest.raises(ValueError, match=r"^jobs: expected an integer >= 1 or -1 or None, got 0$"):
        resolve_n_jobs(0, name="jobs")


def test_numpy_integers_are_counts():
    np = pytest.importorskip("numpy")
    assert resolve_n_jobs(np.int64(2)) == 2


# ------------------------------------------------------------------------------ map_documents


TEXTS = ["维稳", "依法行政", "社会治理", "枫桥经验", "网格化管理", "矛盾纠纷", "信访"]


@pytest.mark.parametrize("n_jobs", [None, 1, 2, -1])
def test_map_documents_same_result_for_every_n_jobs(n_jobs):
    assert map_documents(len, TEXTS, n_jobs=n_jobs) == [len(t) for t in TEXTS]
    assert map_documents(len, TEXTS, n_jobs=n_jobs, chunksize=3) == [len(t) for t in TEXTS]


@pytest.mark.skipif(usable_cores() < 2, reason="one usable core: n_jobs=2 runs serially")
def test_map_documents_uses_worker_processes():
    pids = set(map_documents(_pid, range(8), n_jobs=2, chunksize=1))
    assert os.getpid() not in pids


def test_initializer_runs_in_every_worker():
    out = map_documents(_tagged, TEXTS, n_jobs=2, initializer=_remember, initargs=("w",))
    assert out == [f"w:{t}" for t in TEXTS]
    assert "value" not in _STATE  # the initializer ran in the workers, not here


def test_initializer_under_spawn(monkeypatch):
    monkeypatch.setattr(executor, "_mp_context", lambda: multiprocessing.get_context("spawn"))
    out = map_documents(_tagged, TEXTS[:3], n_jobs=2, initializer=_remember, initargs=("s",))
    assert out == [f"s:{t}" for t in TEXTS[:3]]


def test_initializer_is_not_called_serially():
    assert map_documents(_tagged, TEXTS[:2], n_jobs=1, initializer=_remember, initargs=("x",)) == [
        f"unset:{t}" for t in TEXTS[:2]
    ]
    assert "value" not in _STATE


def test_empty_input():
    assert map_documents(len, [], n_jobs=2) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_jobs": 0}, "n_jobs: expected an integer >= 1 or -1 or None, got 0"),
        ({"n_jobs": -3}, "n_jobs: expected an integer >= 1 or -1 or None, got -3"),
        ({"chunksize": 0}, "chunksize: expected an integer >= 1 or None, got 0"),
        ({"chunksize": 2.0}, "chunksize: expected an integer >= 1 or None, got 2.0"),
        ({"client": "tcp://127.0.0.1:8786"}, "client: expected a dask.distributed.Client"),
        ({"initializer": 3}, "initializer: expected a callable or None"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(kwargs, message):
    with pytest.raises(InvalidParameterError) as err:
        map_documents(len, TEXTS, **kwargs)
    assert str(err.value).startswith(message)


def test_bad_func():
    with pytest.raises(InvalidParameterError, match="func: expected a callable"):
        map_documents("len", TEXTS)


# -------------------------------------------------------------------------------- dask_client


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_workers": 0}, "n_workers: expected an integer >= 1, got 0"),
        ({"threads_per_worker": True}, "threads_per_worker: expected an integer >= 1, got True"),
        ({"address": ""}, "address: expected a non-empty string, got ''"),
    ],
)
def test_dask_client_checks_its_arguments(kwargs, message):
    pytest.importorskip("distributed")
    with pytest.raises(InvalidParameterError) as err:
        dask_client(**kwargs)
    assert str(err.value) == message


def _scaled(shared, x):
    return shared["factor"] * x + len(shared["rows"])


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_map_shared_hands_each_worker_the_shared_object_once(method, monkeypatch):
    """map_shared gives the same list as a loop, serially, with one item and in worker
    processes under both start methods (the object inherited or pickled once per worker)."""
    import multiprocessing

    monkeypatch.setattr(executor, "_mp_context", lambda: multiprocessing.get_context(method))
    shared = {"factor": 3, "rows": list(range(1000))}
    items = list(range(20))
    expected = [3 * x + 1000 for x in items]
    assert executor.map_shared(_scaled, shared, items, n_jobs=1) == expected
    assert executor.map_shared(_scaled, shared, items[:1], n_jobs=2) == expected[:1]
    assert executor.map_shared(_scaled, shared, items, n_jobs=2, chunksize=3) == expected
    assert executor.map_shared(_scaled, shared, [], n_jobs=2) == []


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_pool_keeps_its_processes_across_maps(method, monkeypatch):
    """A WorkerPool starts its processes at the first map that needs them and keeps them for
    the next ones: results in input order, equal to a loop; one item or n_jobs=1 runs here;
    the processes stop with the block, also when the block raises."""
    import multiprocessing

    monkeypatch.setattr(executor, "_mp_context", lambda: multiprocessing.get_context(method))
    items = list(range(17))
    with executor.worker_pool(2) as pool:
        assert pool.map(abs, [-3]) == [3] and pool.starts == 0  # one item: here
        assert pool.map(abs, [-x for x in items]) == items
        assert pool.map(str, items, chunksize=5) == [str(x) for x in items]
        assert pool.starts == 1
        worker_pids = set(pool.map(_pid, range(8)))
        assert os.getpid() not in worker_pids and len(worker_pids) <= 2
    assert pool._executor is None
    with executor.worker_pool(1) as serial:
        assert serial.map(_pid, range(3)) == [os.getpid()] * 3 and serial.starts == 0
    with pytest.raises(ZeroDivisionError), executor.worker_pool(2) as failing:
        failing.map(_inverse, [1, 0, 2])
    assert failing._executor is None
    with pytest.raises(ValueError, match="chunksize"):
        executor.WorkerPool(2).map(abs, items, chunksize=0)


def _pid(_):
    return os.getpid()


def _inverse(x):
    return 1 / x


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_pool_map_shared_keeps_or_restarts_its_processes(method, monkeypatch):
    """WorkerPool.map_shared hands the shared object to the processes when they start: the
    same object (and plain maps) reuse them, another object starts them again; pool_for lends
    a running pool without stopping it."""
    import multiprocessing

    monkeypatch.setattr(executor, "_mp_context", lambda: multiprocessing.get_context(method))
    first = {"factor": 2, "rows": [0] * 10}
    second = {"factor": 5, "rows": [0] * 3}
    items = list(range(9))
    with executor.worker_pool(2) as pool:
        assert pool.map_shared(_scaled, first, items) == [2 * x + 10 for x in items]
        assert pool.map_shared(_scaled, first, items, chunksize=4) == [2 * x + 10 for x in items]
        assert pool.map(abs, [-1, -2]) == [1, 2] and pool.starts == 1
        with executor.pool_for(pool) as lent:
            assert lent is pool
        assert pool._executor is not None  # lent, not stopped
        assert pool.map_shared(_scaled, second, items) == [5 * x + 3 for x in items]
        assert pool.starts == 2
    assert pool._executor is None and pool.initializer is None
    with executor.pool_for(None, 1) as own:
        assert own.map_shared(_scaled, first, [1]) == [12] and own.starts == 0
