"""JSON Lines reader: one JSON object per line, text at ``text_field`` (dotted paths allowed), optional id field.

It must not read a whole file, nor drop a line silently: every bad line becomes a Rejected.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import orjson

from biasaudit.io.fields import MISSING, as_id, getter, id_problem, json_type, text_problem
from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected


def parse_problem(line: bytes, err: Exception) -> str:
    """Reason for a line orjson refused: invalid UTF-8 is named as such, otherwise the JSON error."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as uerr:
        return f"invalid UTF-8 at byte {uerr.start}"
    return f"malformed JSON: {err}"


def parse_object(lineno: int, line: bytes, source: str) -> dict | Rejected:
    """The JSON object on a line, or a Rejected saying why it is not one."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as err:
        return Rejected(source, lineno, parse_problem(line, err), raw=excerpt(line))
    if obj.__class__ is not dict:
        return Rejected(source, lineno, f"expected a JSON object, got {json_type(obj)}", raw=excerpt(line))
    return obj


def numbered_objects(lines: Iterable[tuple[int, bytes] | Rejected],
                     source: str) -> Iterator[tuple[int, bytes, dict] | Rejected]:
    """(line number, raw line, parsed object) per line, or the Rejected of a line that is not a JSON object."""
    for item in lines:
        if item.__class__ is Rejected:
            yield item
            continue
        lineno, line = item
        obj = parse_object(lineno, line, source)
        yield obj if obj.__class__ is Rejected else (lineno, line, obj)


def read_jsonl(lines: Iterable[tuple[int, bytes] | Rejected], source: str, *, text_field: str = "text",
               id_field: str | None = None, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    """Records from numbered lines (see ``lines.iter_lines``); Rejected items pass through in order.
    ``keep_fields``: each Record's ``fields`` is its parsed object."""
    base = os.path.basename(source)
    get_text = getter(text_field) if "." in text_field else None  # None: a plain key, read inline (hot loop)
    get_id = getter(id_field) if id_field else None
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    for item in lines:
        if item.__class__ is Rejected:
            yield item
            continue
        lineno, line = item
        try:
            obj = loads(line)
        except decode_error as err:
            yield Rejected(source, lineno, parse_problem(line, err), raw=excerpt(line))
            continue
        if obj.__class__ is not dict:
            yield Rejected(source, lineno, f"expected a JSON object, got {json_type(obj)}", raw=excerpt(line))
            continue
        text = obj.get(text_field, MISSING) if get_text is None else get_text(obj)
        if text.__class__ is not str:
            yield Rejected(source, lineno, text_problem(text), field=text_field, raw=excerpt(line))
            continue
        if get_id is None:
            yield Record(f"{base}:{lineno}", text, source, lineno, fields=obj if keep_fields else None)
            continue
        value = get_id(obj)
        rid = as_id(value)
        if rid is None:
            yield Rejected(source, lineno, id_problem(value), field=id_field, raw=excerpt(line))
            continue
        yield Record(rid, text, source, lineno, fields=obj if keep_fields else None)
