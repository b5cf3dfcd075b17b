"""The partial state of a running scan (``OUT/.partial/``): one Arrow IPC part per ``CHECKPOINT_BATCHES`` scored
batches (one record batch each), rejects so far, and ``state.json`` (settings, input digests, records consumed), so
``--resume`` can continue an interrupted scan.

It must not score or aggregate anything, and never touch the final outputs: the scanner assembles those.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
from pyarrow import ipc

from biasaudit.errors import InputError, UsageError
from biasaudit.io.hf import data_files
from biasaudit.io.parquet import hash_files
from biasaudit.report.writers import atomic_writer

PARTIAL_DIR = ".partial"
STATE_FILE = "state.json"
REJECTED_PART = "rejected.jsonl"
STATE_FORMAT = "biasaudit.partial/3"  # /2: a part holds several batches; /3: parts are Arrow IPC files
#: Parts are uncompressed Arrow IPC files, not Parquet: they are written once and read once, and IPC costs a
#: memory copy each way where Parquet encodes and decodes (~1.4 us per chat record of a scan; ~20% more disk).
PART_SUFFIX = ".arrow"
#: Scored batches per part, i.e. per checkpoint. A checkpoint costs two fsyncs (part and state.json), which at one
#: per batch were ~8 us per record of a chat scan; an interruption now redoes at most this many batches - 1.
CHECKPOINT_BATCHES = 8
NOTE = ("PARTIAL: an interrupted or running biasaudit scan; the outputs beside this folder are not from it. "
        "Continue it with the same command plus --resume.")


def input_fingerprint(paths: Sequence[str]) -> list[dict[str, Any]]:
    """Path, size and sha256 of each input (a directory: every file under it, sorted); stdin has none."""
    out = []
    for path in paths:
        if path == "-":
            out.append({"path": path, "size": None, "sha256": None})
            continue
        try:
            size, sha256 = hash_files(data_files(path) if os.path.isdir(path) else [path])
        except OSError as err:
            raise InputError(f"cannot read ({err.strerror}); expected a readable file", file=path) from None
        out.append({"path": path, "size": size, "sha256": sha256})
    return out


class PartialScan:
    """The ``.partial`` folder of one output directory. ``checkpoint`` says how far the scan got: ``parts``
    batches written, ``consumed`` input items (records and rejections) behind them, ``rejected_bytes`` of
    rejected.jsonl that belong to them, ``n_rejected`` and ``rejected_reasons`` so far."""

    def __init__(self, out_dir: Path, fingerprint: dict[str, Any], checkpoint: dict[str, Any]) -> None:
        self.dir = Path(out_dir) / PARTIAL_DIR
        self.fingerprint, self.checkpoint = fingerprint, checkpoint

    # ------------------------------------------------------------------------------------------ open
    @classmethod
    def start(cls, out_dir: Path, fingerprint: dict[str, Any]) -> PartialScan:
        """A fresh partial state (an earlier interrupted one is discarded: the user did not ask to resume)."""
        folder = Path(out_dir) / PARTIAL_DIR
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        state = cls(out_dir, fingerprint, {"parts": 0, "consumed": 0, "rejected_bytes": 0, "n_rejected": 0,
                                           "rejected_reasons": {}})
        (folder / REJECTED_PART).touch()
        state.commit(state.checkpoint)
        return state

    @classmethod
    def resume(cls, out_dir: Path, fingerprint: dict[str, Any]) -> PartialScan:
        """The interrupted state in ``out_dir``, checked against this scan; UsageError if it cannot continue."""
        folder = Path(out_dir) / PARTIAL_DIR
        try:
            saved = orjson.loads((folder / STATE_FILE).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            raise UsageError(f"nothing to resume in {out_dir}: no readable {PARTIAL_DIR}/{STATE_FILE} "
                             "(the last scan there finished or never started); run without --resume") from None
        if saved.get("format") != STATE_FORMAT:
            raise UsageError(f"cannot resume: {folder / STATE_FILE} was written by another biasaudit version")
        _check_same(saved["fingerprint"], fingerprint)
        state = cls(out_dir, fingerprint, saved["checkpoint"])
        n = state.checkpoint["parts"]
        for orphan in folder.glob(f"part-*{PART_SUFFIX}"):  # written after the last checkpoint: redone
            if int(orphan.stem.split("-")[1]) >= n:
                orphan.unlink()
        with open(folder / REJECTED_PART, "r+b") as fh:
            fh.truncate(state.checkpoint["rejected_bytes"])
        return state

    # ------------------------------------------------------------------------------------------ write
    def part_path(self, index: int) -> Path:
        return self.dir / f"part-{index:06d}{PART_SUFFIX}"

    def open_rejected(self):
        return open(self.dir / REJECTED_PART, "ab")

    def write_part(self, index: int, batches: Sequence[pa.Table]) -> None:
        """Save scored batches as part ``index``, each batch one record batch (``tables`` gives them back)."""
        with atomic_writer(self.part_path(index), binary=True) as fh, \
                ipc.new_file(fh, batches[0].schema) as writer:
            for table in batches:
                writer.write_table(table.combine_chunks(), max_chunksize=max(table.num_rows, 1))  # one batch

    def commit(self, checkpoint: dict[str, Any]) -> None:
        """Record a checkpoint; written atomically, so a kill leaves the previous or the new one."""
        self.checkpoint = checkpoint
        state = {"format": STATE_FORMAT, "status": "partial", "note": NOTE, "fingerprint": self.fingerprint,
                 "checkpoint": checkpoint}
        with atomic_writer(self.dir / STATE_FILE, binary=True) as fh:
            fh.write(orjson.dumps(state, option=orjson.OPT_INDENT_2) + b"\n")

    # ------------------------------------------------------------------------------------------ read
    def tables(self) -> Iterator[pa.Table]:
        """The saved batches in order, one at a time (memory stays one batch)."""
        for index in range(self.checkpoint["parts"]):
            with pa.OSFile(str(self.part_path(index))) as source:
                part = ipc.open_file(source)
                for batch in range(part.num_record_batches):
                    yield pa.Table.from_batches([part.get_batch(batch)])

    def rejected_path(self) -> Path:
        return self.dir / REJECTED_PART

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _check_same(saved: dict[str, Any], current: dict[str, Any]) -> None:
    for key in ("settings", "analyzers", "analyzer_options"):
        if saved.get(key) != current.get(key):
            diff = _first_difference(saved.get(key), current.get(key))
            raise UsageError(f"cannot resume: the {key.replace('_', ' ')} differ from the interrupted scan's "
                             f"({diff}); rerun with the same options, or without --resume to start over")
    old, new = saved["inputs"], current["inputs"]
    if [i["path"] for i in old] != [i["path"] for i in new]:
        raise UsageError(f"cannot resume: the inputs differ from the interrupted scan's "
                         f"({', '.join(i['path'] for i in old)}); give the same paths in the same order")
    for before, now in zip(old, new):
        if before["path"] == "-":
            raise UsageError("cannot resume a scan of stdin (its content cannot be checked); scan a file")
        if before != now:
            raise UsageError(f"cannot resume: input {now['path']} changed since the interrupted scan "
                             f"(size {before['size']} -> {now['size']}, sha256 differs); run without --resume")


def _first_difference(old: Any, new: Any) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            if old.get(key) != new.get(key):
                return f"{key}: {old.get(key)!r} -> {new.get(key)!r}"
    return f"{old!r} -> {new!r}"
