"""Records grouped into documents (a conversation, or one record), and bad records counted and written down.

A transform that must treat a document as a unit (the same counterfactual for every turn of a conversation)
reads through here; it must not drop a rejected record silently.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

import orjson

from biasaudit.errors import InputError, UsageError
from biasaudit.io.readers import iter_records
from biasaudit.io.records import Record, Rejected
from biasaudit.io.stats import ReadStats

ON_ERROR = ("skip", "fail")


@dataclass
class SwapReadSettings:
    """What a command that reads a corpus and swaps attribute words needs (augment, counterfactual)."""

    attributes: tuple[str, ...] = ("gender",)
    pos: str = "auto"
    format: str = "auto"
    text_field: str = "text"
    id_field: str | None = None
    dialogue: bool = False
    on_error: str = "skip"
    max_record_bytes: int = 10_000_000

    def __post_init__(self) -> None:
        self.attributes = tuple(self.attributes)

    def read(self, source: str | os.PathLike | Sequence[str | os.PathLike], stats: ReadStats, *,
             keep_fields: bool = False) -> Iterator[Record | Rejected]:
        paths = [os.fspath(source)] if isinstance(source, (str, os.PathLike)) else [os.fspath(s) for s in source]
        return iter_records(paths, format=self.format, text_field=self.text_field, id_field=self.id_field,
                            dialogue=self.dialogue, max_record_bytes=self.max_record_bytes, stats=stats,
                            keep_fields=keep_fields)


class RejectLog:
    """Counts rejected records by reason and writes each as a JSON line (``fh``), or stops at the first one."""

    def __init__(self, fh: IO[bytes] | None, on_error: str = "skip") -> None:
        if on_error not in ON_ERROR:
            raise UsageError(f"on_error must be one of {', '.join(ON_ERROR)}, got {on_error!r}")
        self.fh, self.fail = fh, on_error == "fail"
        self.count = 0
        self.reasons: dict[str, int] = {}

    def add(self, item: Rejected) -> None:
        if self.fail:
            raise InputError(item.reason, file=item.source, line=item.line, field=item.field)
        self.count += 1
        key = item.reason.split(":")[0][:80]
        self.reasons[key] = self.reasons.get(key, 0) + 1
        if self.fh is not None:
            self.fh.write(orjson.dumps(item.as_dict()) + b"\n")

    def summary(self) -> dict[str, object]:
        return {"rejected": self.count, "rejected_by_reason": dict(sorted(self.reasons.items()))}


def progress_bar(enabled: bool | None, desc: str):
    """A tqdm bar on stderr counting records (shown when stderr is a terminal unless ``enabled`` says)."""
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(disable=not enabled, unit=" rec", desc=desc, file=sys.stderr, smoothing=0.1, dynamic_ncols=True)


def documents(items: Iterable[Record | Rejected], rejects: RejectLog) -> Iterator[list[Record]]:
    """Consecutive records of one conversation (same source and conversation id) as one document; every other
    record alone. Rejected items go to ``rejects`` and do not split a conversation."""
    doc: list[Record] = []
    key = None
    for item in items:
        if item.__class__ is Rejected:
            rejects.add(item)
            continue
        item_key = (item.source, item.conversation_id) if item.conversation_id is not None else None
        if doc and (item_key is None or item_key != key):
            yield doc
            doc = []
        doc.append(item)
        key = item_key
    if doc:
        yield doc
