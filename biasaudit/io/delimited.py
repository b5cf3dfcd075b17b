"""CSV/TSV reader (``csv`` module: quoted fields may span lines); the first row is the header.

It must not load the table (no pandas here), nor drop a row silently: ragged and undecodable rows are Rejected.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from typing import BinaryIO

from biasaudit.errors import InputError
from biasaudit.io.lines import LineCounter, excerpt
from biasaudit.io.records import Record, Rejected


def _has_bad_bytes(value: str) -> bool:
    """Decoded with surrogateescape, so undecodable bytes are lone surrogates that refuse to encode."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _column(header: list[str], name: str, what: str, source: str) -> int:
    try:
        return header.index(name)
    except ValueError:
        cols = ", ".join(repr(c) for c in header[:20])
        raise InputError(f"no column {name!r} in the header; expected one of {cols} (choose with {what})",
                         file=source, line=1, field=name) from None


def read_delimited(stream: BinaryIO, source: str, *, delimiter: str = ",", text_field: str = "text",
                   id_field: str | None = None, max_record_bytes: int = 10_000_000,
                   counter: LineCounter | None = None, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    """Records from a header + rows table. ``Record.line`` is the data row (header excluded, blank lines not
    counted); a Rejected also carries ``extra["file_line"]``, the physical line where its row starts.
    ``keep_fields``: each Record's ``fields`` maps the header to the row's values.
    """
    counter = counter or LineCounter()
    # The csv field limit is process-wide; only ever raise it, to the record limit the caller asked for.
    csv.field_size_limit(max(csv.field_size_limit(), max_record_bytes))
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        yield from _rows(csv.reader(text, delimiter=delimiter), source, text_field, id_field, max_record_bytes,
                         counter, keep_fields)
    finally:
        text.detach()  # never close the caller's stream (stdin) when the wrapper is collected


def _rows(reader, source: str, text_field: str, id_field: str | None, max_record_bytes: int,
          counter: LineCounter, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    base = os.path.basename(source)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as err:
        raise InputError(f"unreadable header row ({err}); expected a delimited header line", file=source,
                         line=1) from None
    ti = _column(header, text_field, "--text-field", source)
    ii = _column(header, id_field, "--id-field", source) if id_field else None
    ncols, row_no, start = len(header), 0, reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            row_no += 1
            yield Rejected(source, row_no, f"malformed row: {err}", extra={"file_line": start})
            start = reader.line_num + 1
            continue
        if not row:
            counter.blank_lines += 1
            start = reader.line_num + 1
            continue
        row_no += 1
        problem, field = None, None
        if len(row) != ncols:
            problem = f"expected {ncols} fields (as in the header), got {len(row)}"
        elif sum(map(len, row)) > max_record_bytes:
            problem = f"row longer than the limit of {max_record_bytes} characters (max_record_bytes)"
        elif _has_bad_bytes(row[ti]) or (ii is not None and _has_bad_bytes(row[ii])):
            problem, field = "invalid UTF-8", header[ti] if _has_bad_bytes(row[ti]) else header[ii]
        if problem:
            raw = ",".join(row)[:200].encode("utf-8", "surrogateescape")
            yield Rejected(source, row_no, problem, field=field, raw=excerpt(raw), extra={"file_line": start})
        else:
            yield Record(row[ii] if ii is not None else f"{base}:{row_no}", row[ti], source, row_no,
                         fields=dict(zip(header, row)) if keep_fields else None)
        start = reader.line_num + 1
