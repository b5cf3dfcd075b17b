"""What the readers saw, per input: format, bytes, sha256 of the bytes, records, rejected and blank lines.

It must not read anything itself; readers fill it while streaming (so stdin gets a digest too).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SourceStats:
    """One input. ``bytes_read``/``sha256`` are of the raw (still compressed) bytes, so the digest equals
    ``sha256sum <file>``; for a saved HF dataset they cover every file in its directory, sorted by path.
    They are set when the input has been read to the end."""

    path: str
    format: str
    bytes_read: int = 0
    sha256: str | None = None
    records: int = 0
    rejected: int = 0
    blank_lines: int = 0


@dataclass
class ReadStats:
    """All inputs of one ``iter_records`` call, in the order read."""

    sources: list[SourceStats] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(s.records for s in self.sources)

    @property
    def rejected(self) -> int:
        return sum(s.rejected for s in self.sources)

    @property
    def blank_lines(self) -> int:
        return sum(s.blank_lines for s in self.sources)

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "rejected": self.rejected, "blank_lines": self.blank_lines,
                "sources": [asdict(s) for s in self.sources]}
