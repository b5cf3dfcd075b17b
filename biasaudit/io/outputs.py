"""Model outputs JSONL: one generated response per line, ``{"context_id"?, "prompt"?, "response", ...}``.

What ``biasaudit generate`` writes, and what any other generator can write so that its outputs are scanned the
same way. The response is the record's text; the record id is ``context_id`` (string or number) when given,
else ``<basename>:<line>``. Outputs are single responses, never conversations: records carry no conversation
id, so a dialogue-unit scan leaves them as they are. It must not drop a line silently.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import orjson

from biasaudit.io.fields import MISSING, as_id, getter, id_problem, text_problem
from biasaudit.io.jsonl import numbered_objects
from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected

RESPONSE_FIELD = "response"
ID_FIELD = "context_id"


def looks_like_outputs(line: bytes) -> bool:
    """True for a JSONL line holding a ``response`` string and no ``text`` field (a model output)."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and isinstance(obj.get(RESPONSE_FIELD), str) and "text" not in obj


def read_outputs(lines: Iterable[tuple[int, bytes] | Rejected], source: str, *, text_field: str = "text",
                 id_field: str | None = None) -> Iterator[Record | Rejected]:
    """Records from model-output lines; ``text_field`` other than ``text`` replaces ``response``."""
    base = os.path.basename(source)
    text_name = RESPONSE_FIELD if text_field == "text" else text_field
    id_name = id_field or ID_FIELD
    get_text, get_id = getter(text_name), getter(id_name)
    for item in numbered_objects(lines, source):
        if item.__class__ is Rejected:
            yield item
            continue
        lineno, line, obj = item
        text = get_text(obj)
        if text.__class__ is not str:
            yield Rejected(source, lineno, text_problem(text), field=text_name, raw=excerpt(line))
            continue
        value = get_id(obj)
        if value is MISSING and id_field is None:
            yield Record(f"{base}:{lineno}", text, source, lineno)
            continue
        rid = as_id(value)
        if rid is None:
            yield Rejected(source, lineno, id_problem(value), field=id_name, raw=excerpt(line))
            continue
        yield Record(rid, text, source, lineno)
