"""Split a binary stream into numbered lines in large blocks: BOM, CRLF, blank and over-long lines handled once.

It must not hold more than one block plus one line (at most ``max_bytes``) in memory, nor parse the lines.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from biasaudit.io.records import Rejected

BOM = b"\xef\xbb\xbf"
EXCERPT_CHARS = 200
_BLOCK = 1 << 20


def excerpt(raw: bytes | str) -> str:
    """The first 200 characters of a raw line, undecodable bytes replaced, for Rejected.raw."""
    if isinstance(raw, str):
        return raw[:EXCERPT_CHARS]
    return raw[: EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS]


class LineCounter:
    """Anything with a ``blank_lines`` count (SourceStats is one); blank lines are not records."""

    blank_lines = 0


def iter_lines(stream: BinaryIO, source: str, max_bytes: int,
               counter: LineCounter) -> Iterator[tuple[int, bytes] | Rejected]:
    """Yield ``(line_number, line)`` without its line ending, or a Rejected for a line over ``max_bytes``.

    Empty and whitespace-only lines are skipped and counted in ``counter.blank_lines``. A UTF-8 BOM at the start
    is dropped. Lines are split on ``\\n``; a trailing ``\\r`` is removed.
    """
    read = getattr(stream, "read1", stream.read)
    lineno, first = 0, True
    carry: list[bytes] = []  # pieces of the unfinished last line (a list: no quadratic joins on small reads)
    carry_len = 0
    long_head: bytes | None = None  # the start of an over-long line whose end we are skipping
    while True:
        block = read(_BLOCK)
        if first:
            block = _strip_bom(block, read)
            first = False
        if not block:
            break
        parts = block.split(b"\n")
        if long_head is not None:
            if len(parts) == 1:
                continue  # still inside the over-long line
            lineno += 1
            yield _too_long(source, lineno, long_head, max_bytes)
            long_head = None
            del parts[0]  # the tail of the over-long line
        elif len(parts) == 1:  # no line ends in this block
            carry.append(block)
            carry_len += len(block)
            if carry_len > max_bytes:
                long_head, carry, carry_len = b"".join(carry)[: EXCERPT_CHARS * 4], [], 0
            continue
        elif carry:
            carry.append(parts[0])
            parts[0] = b"".join(carry)
            carry, carry_len = [], 0
        last = parts.pop()
        for line in parts:
            lineno += 1
            if len(line) > max_bytes:
                yield _too_long(source, lineno, line, max_bytes)
                continue
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line or line.isspace():
                counter.blank_lines += 1
                continue
            yield lineno, line
        if last:
            carry.append(last)
            carry_len += len(last)
            if carry_len > max_bytes:
                long_head, carry, carry_len = b"".join(carry)[: EXCERPT_CHARS * 4], [], 0
    if long_head is not None:
        yield _too_long(source, lineno + 1, long_head, max_bytes)
    elif carry:
        line = b"".join(carry)
        line = line[:-1] if line.endswith(b"\r") else line
        if not line or line.isspace():
            counter.blank_lines += 1
        else:
            yield lineno + 1, line


def _strip_bom(block: bytes, read) -> bytes:
    while block and len(block) < 3 and BOM.startswith(block):
        more = read(_BLOCK)
        if not more:
            break
        block += more
    if not block.startswith(BOM):
        return block
    return block[3:] or read(_BLOCK)  # a block that was only the BOM is not the end of the input


def _too_long(source: str, lineno: int, head: bytes, max_bytes: int) -> Rejected:
    return Rejected(source, lineno, f"line longer than the limit of {max_bytes} bytes (max_record_bytes)",
                    raw=excerpt(head))
