"""The block line splitter agrees with a plain split for any content and block size; csv errors are rows."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

import biasaudit.io.lines as lines_mod
from biasaudit.io import Rejected, iter_records
from biasaudit.io.lines import LineCounter, iter_lines


def reference(data: bytes, max_bytes: int):
    """What iter_lines must yield, computed the obvious way on the whole input."""
    data = data[3:] if data.startswith(lines_mod.BOM) else data
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    out, blank = [], 0
    for i, line in enumerate(parts, 1):
        if len(line) > max_bytes:
            out.append(("long", i))
            continue
        line = line[:-1] if line.endswith(b"\r") else line
        if not line.strip():
            blank += 1
        else:
            out.append((i, line))
    return out, blank


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"bc", b"\n", b"\r\n", b" ", b"\xef\xbb\xbf", b"xyz" * 5]), max_size=40),
       st.integers(1, 9), st.integers(1, 20))
def test_iter_lines_matches_reference(pieces, block, max_bytes):
    data = b"".join(pieces)
    old = lines_mod._BLOCK
    lines_mod._BLOCK = block
    try:
        counter = LineCounter()
        got = [("long", x.line) if isinstance(x, Rejected) else x
               for x in iter_lines(io.BytesIO(data), "s", max_bytes, counter)]
    finally:
        lines_mod._BLOCK = old
    want, blank = reference(data, max_bytes)
    assert got == want and counter.blank_lines == blank


def test_csv_module_error_is_a_rejected_row_and_reading_goes_on(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("text\nshort\n" + "q" * 80 + "\nafter\n")
    old = csv.field_size_limit(50)
    try:
        out = list(iter_records([str(p)], max_record_bytes=10))
    finally:
        csv.field_size_limit(old)
    assert [(type(o).__name__, o.line) for o in out] == [("Record", 1), ("Rejected", 2), ("Record", 3)]
    assert "field larger than field limit" in out[1].reason and out[1].extra["file_line"] == 3
