"""``--engine ray``: score record batches on Ray Data actors, in input order, for ``scan`` and ``filter``.

Readers, decisions and reports stay on the driver; only texts travel to the actors, which build the analyzers
once each (``map_batches`` with an actor pool). Batches are sent in windows (one Ray dataset per window, one
block per batch), so memory stays bounded; results are put back in input order by row number, so a Ray run
writes the same records and report numbers as a local one.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from biasaudit.errors import UsageError

T = TypeVar("T")
ROW = "__row"
#: Batches per Ray dataset: each window starts a fresh actor pool, so windows are large.
DEFAULT_WINDOW = 256


class _Scorer:
    """One actor: builds the analyzers on construction, then scores whole blocks of texts."""

    def __init__(self, specs: list[str], options: dict[str, dict]) -> None:
        from biasaudit.analyzers.registry import build_many

        self.analyzers = build_many(specs, options)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        from biasaudit.core import run_batch

        cols = run_batch(self.analyzers, [str(t) for t in batch["text"]])
        out: dict[str, Any] = {ROW: batch[ROW]}
        for a in self.analyzers:
            for c in a.columns:
                values = cols[c.name]
                kind = {"score": np.float64, "flag": bool}.get(c.kind, object)
                out[c.name] = np.asarray(list(values) if kind is object else values, dtype=kind)
        return out


@contextmanager
def ray_session(address: str | None, workers: int) -> Iterator[None]:
    """Use the running Ray, or connect to ``address``, or start a local one with ``workers`` CPUs (and stop
    it afterwards)."""
    try:
        import ray
    except ImportError:
        raise UsageError("--engine ray needs Ray Data: pip install 'biasaudit[ray]'") from None
    started = False
    if not ray.is_initialized():
        kwargs = {"address": address} if address else {"num_cpus": workers}
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False, **kwargs)
        started = True
    try:
        yield
    finally:
        if started:
            ray.shutdown()


def score_windows(specs: Sequence[str], options: dict[str, dict] | None, items: Iterable[T], texts_of,
                  *, workers: int, address: str | None = None,
                  window: int = DEFAULT_WINDOW) -> Iterator[tuple[T, dict[str, Any]]]:
    """Yield ``(item, columns)`` for each item (a batch of records) in order, its texts scored on Ray."""
    with ray_session(address, workers):
        pending: list[T] = []
        for item in items:
            pending.append(item)
            if len(pending) >= window:
                yield from zip(pending, _score(specs, options or {}, [texts_of(p) for p in pending], workers))
                pending = []
        if pending:
            yield from zip(pending, _score(specs, options or {}, [texts_of(p) for p in pending], workers))


def _score(specs: Sequence[str], options: dict[str, dict], batches: list[list[str]],
           workers: int) -> list[dict[str, Any]]:
    import pyarrow as pa
    import ray

    starts = np.cumsum([0] + [len(b) for b in batches])
    tables = [pa.table({ROW: np.arange(starts[i], starts[i + 1], dtype=np.int64), "text": pa.array(b, pa.string())})
              for i, b in enumerate(batches) if b]
    if not tables:
        return [{} for _ in batches]
    ds = ray.data.from_arrow(tables).map_batches(
        _Scorer, fn_constructor_args=(list(specs), options), compute=ray.data.ActorPoolStrategy(size=min(workers, len(tables))),
        batch_size=None, batch_format="numpy", zero_copy_batch=True)
    result = pa.concat_tables(ray.get(ds.to_arrow_refs()))
    result = result.take(pa.array(np.argsort(result.column(ROW).to_numpy(), kind="stable")))
    out = []
    for i in range(len(batches)):
        part = result.slice(int(starts[i]), int(starts[i + 1] - starts[i]))
        out.append({name: _values(part.column(name)) for name in part.column_names if name != ROW})
    return out


def _values(column) -> Any:
    values = column.to_numpy(zero_copy_only=False)
    return values if values.dtype != object else values.tolist()
