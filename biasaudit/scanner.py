"""``scan()``: stream records from corpus files through analyzers into records.parquet and a report.

Orchestration only: readers parse, analyzers score, report/ aggregates and renders, scan_state keeps the parts
of an unfinished scan (for --resume). Memory is bounded by the batch size (quantiles are computed at the end from
a few chunked passes over records.parquet); final outputs are only written, atomically, once every batch is done.
"""
from __future__ import annotations

import gc
import itertools
import os
import random
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from biasaudit.analyzers.base import Analyzer
from biasaudit.analyzers.registry import build_many
from biasaudit.core import DEFAULT_BATCH_SIZE, column_data, run_batch
from biasaudit.errors import InputError, UsageError
from biasaudit.io.records import RECORD_COLUMNS, Record, Rejected
from biasaudit.io.units import UNITS, dialogue_units, lowercased
from biasaudit.presets import get_preset, preset_options
from biasaudit.report.aggregate import Aggregator, finish_scores
from biasaudit.report.build import build_report, json_ready
from biasaudit.report.collectors import build_collector
from biasaudit.report.filtered import scan_policy
from biasaudit.report.gates import evaluate_gates, parse_gates, validate_gates
from biasaudit.report.writers import atomic_writer, write_report_files
from biasaudit.scan_state import CHECKPOINT_BATCHES, PartialScan, input_fingerprint
from biasaudit.text import memos

RECORDS_FILE = "records.parquet"
REJECTED_FILE = "rejected.jsonl"
#: records.parquet gathers consecutive batches into row groups of about this many bytes of Arrow data. Its writer
#: keeps ~26 KB of footer metadata per row group until it closes (and copies it then), so one row group per
#: 1,024-record batch made the scan's peak memory grow with the corpus (~50 MB at 1M chat records).
ROW_GROUP_BYTES = 2 << 20


@dataclass
class ScanSettings:
    """Every option that can change a scan's output; recorded verbatim in the report."""

    format: str = "auto"
    text_field: str = "text"
    id_field: str | None = None
    dialogue: bool = False
    limit: int | None = None
    sample: int | None = None
    seed: int = 0
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = 1  # processes that score (local engine: this one and workers - 1 helpers)
    engine: str = "local"  # "ray": score on Ray Data actors (``workers`` of them), same records and report
    address: str | None = None  # Ray cluster address for engine "ray" (None: start a local Ray)
    on_error: str = "skip"
    max_record_bytes: int = 10_000_000
    associations: bool = False  # also learn word vectors from the corpus and run WEAT on them (a collector)
    show_offensive: bool = False  # views (report.md/.html) mask listed slurs and profanities unless True
    fail_on: list[str] = field(default_factory=list)
    preset: str | None = None  # a named study (biasaudit.presets): analyzers, options, unit, lowercase, section
    unit: str | None = None  # "utterance" (one record per turn) or "dialogue" (turns joined); None: the preset's
    lowercase: bool | None = None  # lower-case every text before scoring (ASCII, as Henderson et al.'s readers)

    def validate(self) -> None:
        if self.engine not in ("local", "ray"):
            raise UsageError(f"engine must be 'local' or 'ray', got {self.engine!r}")
        if self.on_error not in ("skip", "fail"):
            raise UsageError(f"on_error must be 'skip' or 'fail', got {self.on_error!r}")
        if self.unit is not None and self.unit not in UNITS:
            raise UsageError(f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}")
        for name in ("batch_size", "workers", "max_record_bytes"):
            if getattr(self, name) < 1:
                raise UsageError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("limit", "sample"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise UsageError(f"{name} must be at least 1, got {value}")


class ScanResult:
    """What a scan produced: ``report`` (the report.json dict), ``records`` (DataFrame, read on first use),
    ``out_dir`` and ``gates_failed`` (the --fail-on gates that were violated)."""

    def __init__(self, out_dir: Path, report: dict[str, Any], tmp: tempfile.TemporaryDirectory | None) -> None:
        self.out_dir, self.report, self._tmp = out_dir, report, tmp
        self._records: pd.DataFrame | None = None

    @property
    def records(self) -> pd.DataFrame:
        if self._records is None:
            self._records = pd.read_parquet(self.out_dir / RECORDS_FILE)
        return self._records

    @property
    def rejected(self) -> list[dict[str, Any]]:
        path = self.out_dir / REJECTED_FILE
        if not path.exists():
            return []
        import orjson

        return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]

    @property
    def gates_failed(self) -> list[dict[str, Any]]:
        return [g for g in self.report.get("gates", []) if not g["passed"]]

    def __repr__(self) -> str:
        c = self.report["counts"]
        return f"<ScanResult {c['scored']} scored, {c['rejected']} rejected -> {self.out_dir}>"


# ---------------------------------------------------------------------------------------------------- workers
_WORKER_ANALYZERS: list[Analyzer] = []


#: Cyclic-GC thresholds while records are scored. Each batch allocates tens of thousands of short-lived containers,
#: so at Python's defaults (700, 10, 10) the collector runs constantly and its full passes walk every cached word
#: and model object: ~6% of a chat scan's time (100k records, one core). Garbage cycles are still collected, in
#: fewer, later passes (a few MB more at most).
SCORING_GC_THRESHOLDS = (50_000, 50, 100)


@contextmanager
def fewer_gc_passes() -> Iterator[None]:
    """Raise the GC thresholds to at least ``SCORING_GC_THRESHOLDS`` for the block, then restore the caller's."""
    before = gc.get_threshold()
    gc.set_threshold(*(max(old, new) for old, new in zip(before, SCORING_GC_THRESHOLDS)))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _init_worker(specs: list[str], options: dict[str, dict]) -> None:
    _WORKER_ANALYZERS[:] = build_many(specs, options)
    gc.set_threshold(*SCORING_GC_THRESHOLDS)  # a helper process only scores batches


def _score_in_worker(texts: list[str]) -> dict[str, Any]:
    cols = run_batch(_WORKER_ANALYZERS, texts)
    return {k: (list(v) if not isinstance(v, np.ndarray) else v) for k, v in cols.items()}


# ---------------------------------------------------------------------------------------------------- stream
def _limited(items: Iterator[Record | Rejected], limit: int | None) -> Iterator[Record | Rejected]:
    """Stop after ``limit`` input records (read = scored + rejected)."""
    if limit is None:
        yield from items
        return
    for n, item in enumerate(items, 1):
        yield item
        if n >= limit:
            return


def _sampled(items: Iterator[Record | Rejected], k: int, seed: int) -> Iterator[Record | Rejected]:
    """A seeded uniform sample of ``k`` records (reservoir, Algorithm R), yielded in input order.

    Rejected items pass straight through: a bad record is reported whether or not it would have been sampled.
    """
    rng = random.Random(seed)
    reservoir: list[tuple[int, Record]] = []
    seen = 0
    for item in items:
        if isinstance(item, Rejected):
            yield item
            continue
        if seen < k:
            reservoir.append((seen, item))
        else:
            j = rng.randrange(seen + 1)
            if j < k:
                reservoir[j] = (seen, item)
        seen += 1
    for _, record in sorted(reservoir, key=lambda p: p[0]):
        yield record


class _Counted:
    """Counts the input items (records and rejections) taken from a stream, after skipping the first ``skip``
    ones (already consumed by the interrupted run that is being resumed)."""

    def __init__(self, items: Iterator[Record | Rejected], skip: int) -> None:
        self.items, self.skip, self.count = items, skip, skip

    def __iter__(self) -> Iterator[Record | Rejected]:
        for _ in itertools.islice(self.items, self.skip):
            pass
        for item in self.items:
            self.count += 1
            yield item


def _batches(items: Iterable[Record | Rejected], size: int, reject: Any,
             checkpoint: Any) -> Iterator[tuple[list[Record], dict[str, Any]]]:
    """Batches of records with the checkpoint reached after each (rejections go to ``reject``)."""
    batch: list[Record] = []
    for item in items:
        if isinstance(item, Rejected):
            reject(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch, checkpoint()
            batch = []
    if batch:
        yield batch, checkpoint()


def _fold(frame: pd.DataFrame, aggregator: Aggregator, collectors: list) -> None:
    aggregator.update(frame)
    for collector in collectors:
        collector.update(frame)


def _arrow_schema(analyzers: Sequence[Analyzer]) -> pa.Schema:
    meta = {"id": pa.string(), "text": pa.string(), "source": pa.string(), "line": pa.int64(),
            "conversation_id": pa.string(), "turn": pa.int64(), "n_turns": pa.int64(),
            "speaker": pa.string(), "role": pa.string()}
    kinds = {"score": pa.float64(), "flag": pa.bool_(), "label": pa.string()}
    fields = [pa.field(name, meta[name]) for name in RECORD_COLUMNS]
    fields += [pa.field(c.name, kinds[c.kind]) for a in analyzers for c in a.columns]
    return pa.schema(fields)


def _row_groups(tables: Iterable[pa.Table], size: int) -> Iterator[pa.Table]:
    """Consecutive tables joined (no copy) until they hold ``size`` bytes, each join one row group to write."""
    group: list[pa.Table] = []
    held = 0
    for table in tables:
        group.append(table)
        held += table.nbytes
        if held >= size:
            yield pa.concat_tables(group)
            group, held = [], 0
    if group:
        yield pa.concat_tables(group)


def _column_chunks(records: pq.ParquetFile, name: str, rows: int = 1 << 16) -> Callable[[], Iterator[np.ndarray]]:
    """One float column of an open Parquet file as a re-readable sequence of chunks (NaN for nulls).

    Every pass reuses the file's parsed footer (parsing it again per pass cost ~35 KB per row group each time).
    """
    def chunks() -> Iterator[np.ndarray]:
        for batch in records.iter_batches(batch_size=rows, columns=[name], use_threads=False):
            yield batch.column(0).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    return chunks


_RECORD_VALUES = attrgetter(*RECORD_COLUMNS)


def _batch_frame(records: list[Record], analyzers: Sequence[Analyzer], columns: dict[str, Any]) -> pd.DataFrame:
    """One scored batch as a frame: the records' metadata columns, then the analyzers' (one constructor call:
    building two frames and concatenating them cost about as much as the rest of the batch's bookkeeping)."""
    values = list(zip(*map(_RECORD_VALUES, records))) or [()] * len(RECORD_COLUMNS)
    data: dict[str, Any] = dict(zip(RECORD_COLUMNS, map(list, values)))
    for name in ("turn", "n_turns"):
        data[name] = pd.array(data[name], dtype="Int64")
    data.update(column_data(analyzers, columns))
    return pd.DataFrame(data)


class _CallbackProgress:
    """Progress reported to a callable (a GUI's progress display) instead of a tqdm bar on stderr."""

    def __init__(self, callback: Callable[[int], None]) -> None:
        self.callback, self.n = callback, 0

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, k: int) -> None:
        self.n += k
        self.callback(self.n)


def _progress(enabled: bool | None | Callable[[int], None]):
    from tqdm import tqdm

    if callable(enabled):
        return _CallbackProgress(enabled)
    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(disable=not enabled, unit=" rec", desc="scanning", file=sys.stderr, smoothing=0.1,
                dynamic_ncols=True)


# ---------------------------------------------------------------------------------------------------- scan
def scan(source: str | os.PathLike | Sequence[str | os.PathLike], analyzers: Any = None,
         out: str | os.PathLike | None = None, *, analyzer_options: dict[str, dict] | None = None,
         progress: bool | None | Callable[[int], None] = None, resume: bool = False, policy: Any = None,
         **options: Any) -> ScanResult:
    """Score every record of ``source`` (one path, ``-`` for stdin, or a list) and build the report.

    Options are the fields of ``ScanSettings`` (``format``, ``text_field``, ``id_field``, ``dialogue``,
    ``limit``, ``sample``, ``seed``, ``batch_size``, ``workers``, ``on_error``, ``max_record_bytes``,
    ``fail_on``, ``preset``, ``unit``, ``lowercase``). ``preset`` (e.g. ``henderson2018``) chooses the
    analyzers (so ``analyzers`` must be None), adds its options under the caller's, sets the unit and
    lower-casing unless given, and adds its report section. With ``unit="dialogue"`` each conversation is one
    record (``limit``/``sample`` then count dialogues). With ``out`` the directory receives records.parquet, report.json/.md/.html and, when any
    record was bad, rejected.jsonl; without it they go to a temporary directory owned by the result.
    While running, ``out/.partial/`` holds the batches done so far; ``resume=True`` continues an interrupted
    scan from there (same settings and unchanged inputs, else UsageError) with the same final outputs.
    ``progress``: a tqdm bar on stderr (None: when it is a terminal), or a callable given the records done so far.
    ``policy`` (a filter policy: YAML path, dict, ``"default"`` or ``"none"``; None applies the default one when
    ``hate`` runs) adds the "who gets filtered out" section (``biasaudit.report.filtered.scan_policy``).
    """
    from biasaudit.io.readers import ReadStats, iter_records

    unknown = set(options) - set(ScanSettings.__dataclass_fields__)
    if unknown:
        raise UsageError(f"unknown scan options: {', '.join(sorted(unknown))}")
    settings = ScanSettings(**options)
    if isinstance(settings.fail_on, str):
        settings.fail_on = [settings.fail_on]
    settings.validate()
    preset = get_preset(settings.preset) if settings.preset else None
    if preset is not None:
        if analyzers is not None:
            raise UsageError(f"preset {preset.name} chooses the analyzers ({', '.join(preset.analyzers)}); "
                             "drop --analyzers or drop the preset")
        analyzers, analyzer_options = list(preset.analyzers), preset_options(preset, analyzer_options)
    if settings.unit is None:
        settings.unit = preset.unit if preset else "utterance"
    if settings.lowercase is None:
        settings.lowercase = preset.lowercase if preset else False
    gates = parse_gates(settings.fail_on)
    paths = [str(source)] if isinstance(source, (str, os.PathLike)) else [str(s) for s in source]
    if not paths:
        raise UsageError("no input given")
    stats = ReadStats()
    items = iter_records(paths, format=settings.format, text_field=settings.text_field,
                         id_field=settings.id_field, dialogue=settings.dialogue,
                         max_record_bytes=settings.max_record_bytes, stats=stats)
    # the reader checks every path before its first record: a typo fails before any model loads
    items = itertools.chain(list(itertools.islice(items, 1)), items)
    if settings.unit == "dialogue":
        items = dialogue_units(items, settings.max_record_bytes)
    if settings.lowercase:
        items = lowercased(items)
    built = build_many(analyzers, analyzer_options)
    built, analyzer_options, filtered_out = scan_policy(policy, built, analyzer_options)
    columns = [c for a in built for c in a.columns]
    validate_gates(gates, columns)

    tmp = None
    if out is None:
        if resume:
            raise UsageError("resume needs the output directory of the interrupted scan (--out DIR)")
        tmp = tempfile.TemporaryDirectory(prefix="biasaudit-scan-")
        out_dir = Path(tmp.name)
    else:
        out_dir = Path(out)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"--out {out_dir} exists and is not a directory")
        out_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = json_ready({"settings": asdict(settings), "analyzers": [a.info().as_dict() for a in built],
                              "analyzer_options": analyzer_options or {}, "inputs": input_fingerprint(paths)})
    partial = (PartialScan.resume if resume else PartialScan.start)(out_dir, fingerprint)

    items = _limited(items, settings.limit)
    if settings.sample is not None:
        items = _sampled(items, settings.sample, settings.seed)
    items = _Counted(items, skip=partial.checkpoint["consumed"])

    aggregator = Aggregator(columns)
    collectors = [build_collector("associations", seed=settings.seed,
                                  options=(analyzer_options or {}).get("associations"))] \
        if settings.associations else []
    collectors += [build_collector(name, seed=settings.seed,
                                   options={"unit": settings.unit, "lowercase": settings.lowercase})
                   for name in (preset.collectors if preset else ())]
    collectors += [c for a in built for c in a.collectors()]  # e.g. the hate classifier's self-audit
    collectors += [filtered_out] if filtered_out else []
    for table in partial.tables():  # a resumed scan: fold the saved batches first, one at a time
        _fold(table.to_pandas(), aggregator, collectors)
    schema = _arrow_schema(built)
    import orjson

    ckpt = dict(partial.checkpoint)
    with partial.open_rejected() as rej_fh, _progress(progress) as bar, fewer_gc_passes():
        bar.update(items.skip)
        on_error_fail = settings.on_error == "fail"

        def reject(item: Rejected) -> None:
            if on_error_fail:
                raise InputError(item.reason, file=item.source, line=item.line, field=item.field)
            ckpt["n_rejected"] += 1
            key = item.reason.split(":")[0][:80]
            ckpt["rejected_reasons"][key] = ckpt["rejected_reasons"].get(key, 0) + 1
            rej_fh.write(orjson.dumps(item.as_dict()) + b"\n")

        def checkpoint() -> dict[str, Any]:
            rej_fh.flush()
            return {**ckpt, "consumed": items.count, "rejected_bytes": rej_fh.tell(),
                    "rejected_reasons": dict(ckpt["rejected_reasons"])}

        unsaved: list[pa.Table] = []  # scored batches since the last checkpoint

        def save(batch_ckpt: dict[str, Any]) -> None:
            index = partial.checkpoint["parts"]
            partial.write_part(index, unsaved)
            partial.commit({**batch_ckpt, "parts": index + 1})
            unsaved.clear()

        batch_ckpt = None
        for records, batch_ckpt, cols in _scored(built, analyzer_options, settings,
                                                 _batches(items, settings.batch_size, reject, checkpoint)):
            frame = _batch_frame(records, built, cols)
            unsaved.append(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
            if len(unsaved) >= CHECKPOINT_BATCHES:
                save(batch_ckpt)
            _fold(frame, aggregator, collectors)
            bar.update(len(records))
        if unsaved:
            save(batch_ckpt)
        final = checkpoint()
    n_rejected, rejected_reasons = final["n_rejected"], final["rejected_reasons"]
    memos.clear_all()  # what follows reuses the vocabulary memos' memory: peak RSS stays flat with corpus size

    # assemble: the stale report goes first, so a kill from here on leaves no report beside new records
    (out_dir / "report.json").unlink(missing_ok=True)
    with atomic_writer(out_dir / RECORDS_FILE, binary=True) as rec_fh:
        writer = pq.ParquetWriter(rec_fh, schema)
        try:
            for table in _row_groups(partial.tables(), ROW_GROUP_BYTES):
                writer.write_table(table, row_group_size=table.num_rows)
        finally:
            writer.close()
    with atomic_writer(out_dir / REJECTED_FILE, binary=True, keep_empty=False) as rej_out, \
            open(partial.rejected_path(), "rb") as rej_in:
        shutil.copyfileobj(rej_in, rej_out)

    summary = aggregator.summary()
    with pq.ParquetFile(out_dir / RECORDS_FILE, pre_buffer=False) as records:
        finish_scores(summary, lambda name: _column_chunks(records, name))
    sections = {collector.name: collector.finish() for collector in collectors}
    report = build_report(analyzers=built, summary=summary, read_stats=stats, n_rejected=n_rejected,
                          rejected_reasons=rejected_reasons, settings=asdict(settings), sections=sections)
    if collectors:
        report["reproducibility"]["collectors"] = [c.info() for c in collectors]
    report["gates"] = evaluate_gates(gates, report)
    report = json_ready(report)
    write_report_files(report, out_dir)
    partial.remove()
    return ScanResult(out_dir, report, tmp)


def _scored(built: list[Analyzer], analyzer_options: dict | None, settings: ScanSettings,
            batches: Iterator[tuple[list[Record], dict]]) -> Iterator[tuple[list[Record], dict, dict[str, Any]]]:
    """Yield (records, checkpoint, columns) per batch, in input order, scored here or in worker processes."""
    if settings.engine == "ray":
        from biasaudit.engines.ray_engine import score_windows

        for (records, ckpt), cols in score_windows([a.spec for a in built], analyzer_options, batches,
                                                   lambda item: [r.text for r in item[0]],
                                                   workers=settings.workers, address=settings.address):
            yield records, ckpt, cols
        return
    if settings.workers <= 1:
        for records, ckpt in batches:
            yield records, ckpt, run_batch(built, [r.text for r in records])
        return
    yield from _scored_in_pool(built, analyzer_options, settings.workers, batches)


def _scored_in_pool(built: list[Analyzer], analyzer_options: dict | None, workers: int,
                    batches: Iterator[tuple[list[Record], dict]]) -> Iterator[tuple[list[Record], dict, dict]]:
    """Score in ``workers`` processes: this one and ``workers - 1`` helpers, results yielded in input order.

    Helpers get texts and return columns, each kept three batches ahead. This process never waits for them: it
    scores the next batch itself while they are all busy (also while they start, which takes seconds), and a
    batch that holds up the queue (or the end) it scores itself too, the helper's copy being dropped. So
    ``workers`` processes keep ``workers`` cores busy, small corpora end no later than with one process, and a
    helper that dies costs speed, never a hang. Analyzers are deterministic, so who scored a batch never shows.
    """
    ahead, most_pending = 3 * (workers - 1), 4 * workers + 2
    pool = get_context("spawn").Pool(workers - 1, initializer=_init_worker,  # fork is unsafe with BLAS threads
                                     initargs=([a.spec for a in built], analyzer_options or {}))
    pending: deque = deque()  # [records, checkpoint, AsyncResult or columns], in input order
    in_pool = 0

    def settle(entry: list, steal: bool) -> bool:
        """Put the batch's columns in ``entry`` if its helper is done, or score it here if ``steal``."""
        nonlocal in_pool
        if isinstance(entry[2], dict):
            return True
        if not (entry[2].ready() or steal):
            return False
        in_pool -= 1
        entry[2] = entry[2].get() if entry[2].ready() else run_batch(built, [r.text for r in entry[0]])
        return True

    try:
        for records, ckpt in batches:
            texts = [r.text for r in records]
            if in_pool < ahead:
                pending.append([records, ckpt, pool.apply_async(_score_in_worker, (texts,))])
                in_pool += 1
            else:
                pending.append([records, ckpt, run_batch(built, texts)])
            while pending and settle(pending[0], steal=len(pending) >= most_pending):
                yield tuple(pending.popleft())
        while pending:  # the end: score the last waiting batches here while the helpers finish the first ones
            waiting = [e for e in pending if not settle(e, steal=False)]
            if len(waiting) > 1:
                settle(waiting[-1], steal=True)
            elif settle(pending[0], steal=True):
                yield tuple(pending.popleft())
            while pending and settle(pending[0], steal=False):
                yield tuple(pending.popleft())
    finally:
        pool.terminate()  # anything still running is a copy of a batch already scored here
        pool.join()
