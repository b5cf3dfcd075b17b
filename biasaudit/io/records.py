"""The record type every reader yields, and the rejection that replaces a record that cannot be read.

Readers turn formats into these; nothing downstream of a reader ever sees a file format.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True)
class Record:
    """One unit to score (an utterance of a dialogue, a line, a document).

    ``line`` is the 1-based line (JSONL/TXT) or row (CSV/Parquet/HF, header excluded) of the record in
    ``source``, so any message about it can point there. Dialogue fields are None outside dialogue input;
    ``n_turns`` is the length of the record's conversation (for first/middle/last turn breakdowns).
    ``fields`` is the input's own object (JSON object, CSV row, Parquet row, dialogue turn), filled only when a
    reader is asked to keep it (``keep_fields``), for transforms that write records back with all their fields.
    """

    id: str
    text: str
    source: str
    line: int
    conversation_id: str | None = None
    turn: int | None = None
    n_turns: int | None = None
    speaker: str | None = None
    role: str | None = None
    fields: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Rejected:
    """A record that could not be read: where it was, which field, why, and a short excerpt of the raw input."""

    source: str
    line: int | None
    reason: str
    field: str | None = None
    raw: str | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        d = {"source": self.source, "line": self.line, "field": self.field, "reason": self.reason,
             "raw": self.raw}
        d.update(self.extra)
        return d

    def message(self) -> str:
        """One line naming file, line and field, for exit-2 errors."""
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        if self.field:
            where += f" field {self.field!r}"
        return f"{where}: {self.reason}"


#: Record metadata columns, in the order they appear in records.parquet before analyzer columns.
RECORD_COLUMNS: tuple[str, ...] = ("id", "text", "source", "line", "conversation_id", "turn", "n_turns",
                                   "speaker", "role")


def batched_records(items: Iterable[Any], size: int, reject: Callable[[Rejected], None]) -> Iterator[list[Any]]:
    """Lists of up to ``size`` items in order; each ``Rejected`` goes to ``reject`` instead of a batch."""
    batch: list[Any] = []
    for item in items:
        if item.__class__ is Rejected:
            reject(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
