"""Plain-text reader: each non-blank line is one record, its text the line without the line ending.

It must not strip or normalise the text (analyzers see the line as written), nor read a whole file.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected


def decode_line(line: bytes, source: str, lineno: int, extra: dict | None = None) -> str | Rejected:
    """The line as text, or a Rejected naming the first byte that is not UTF-8."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as err:
        return Rejected(source, lineno, f"invalid UTF-8 at byte {err.start}", raw=excerpt(line), extra=extra or {})


def decoded_lines(lines: Iterable[tuple[int, bytes] | Rejected],
                  source: str) -> Iterator[tuple[int, str] | Rejected]:
    """``(line number, text)`` per numbered line; Rejected items pass through, non-UTF-8 lines become Rejected."""
    for item in lines:
        if item.__class__ is Rejected:
            yield item
            continue
        lineno, line = item
        text = decode_line(line, source, lineno)
        yield text if text.__class__ is Rejected else (lineno, text)


def read_text(lines: Iterable[tuple[int, bytes] | Rejected], source: str) -> Iterator[Record | Rejected]:
    """Records from numbered lines; a line that is not valid UTF-8 is Rejected. Ids are ``<basename>:<line>``."""
    base = os.path.basename(source)
    for item in decoded_lines(lines, source):
        if item.__class__ is Rejected:
            yield item
            continue
        lineno, text = item
        yield Record(f"{base}:{lineno}", text, source, lineno)
