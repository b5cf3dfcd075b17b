"""Dialogue JSONL reader: one conversation per line, flattened into one record per turn (utterance).

Accepted shape: ``{"id": .., "turns": [{"speaker": .., "role": .., "text": ..}, ..]}``; the turn list may also
be under ``utterances`` or ``messages``, and a turn without ``text`` may give ``content`` instead (the chat
format of model outputs: ``{"role": "assistant", "content": ..}``, content may be a list of ``{"type": "text",
"text": ..}`` parts, joined by newlines). ``speaker`` falls back to ``name``. The conversation id is
``id_field`` when given, else ``id`` or ``conversation_id``, else ``<basename>:<line>``; a record's id is
``<conversation id>:<turn>``, ``turn`` counts from 0 and ``n_turns`` is the length of the turn list.
It must not drop a turn silently: a bad turn is Rejected on its own (field ``turns[i].text``), its siblings kept.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from biasaudit.io.fields import MISSING, as_id, getter, id_problem, json_type, label, text_problem
from biasaudit.io.jsonl import numbered_objects
from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected

TURN_KEYS = ("turns", "utterances", "messages")


def _content(turn: dict) -> Any:
    """The chat-format ``content``: a string, or the text parts of a list joined by newlines."""
    content = turn.get("content", MISSING)
    if isinstance(content, list) and content and all(isinstance(p, dict) for p in content):
        parts = [p.get("text") for p in content if p.get("type", "text") == "text"]
        if parts and all(isinstance(p, str) for p in parts):
            return "\n".join(parts)
    return content


def read_dialogue(lines: Iterable[tuple[int, bytes] | Rejected], source: str, *, text_field: str = "text",
                  id_field: str | None = None, keep_fields: bool = False) -> Iterator[Record | Rejected]:
    """Records, one per turn, from numbered lines holding conversations; Rejected items pass through.
    ``keep_fields``: each Record's ``fields`` is its turn object."""
    base = os.path.basename(source)
    get_text = getter(text_field)
    get_id = getter(id_field) if id_field else None
    for item in numbered_objects(lines, source):
        if item.__class__ is Rejected:
            yield item
            continue
        lineno, line, obj = item
        key = next((k for k in TURN_KEYS if k in obj), None)
        turns = obj[key] if key else MISSING
        if not isinstance(turns, list) or not turns:
            reason = (f"expected a non-empty list of turns under one of {', '.join(TURN_KEYS)}"
                      + ("" if turns is MISSING else f", got {json_type(turns) if turns else 'an empty list'}"))
            yield Rejected(source, lineno, reason, field=key or "turns", raw=excerpt(line))
            continue
        if get_id:
            value = get_id(obj)
            conv = as_id(value)
            if conv is None:
                yield Rejected(source, lineno, id_problem(value), field=id_field, raw=excerpt(line))
                continue
        else:
            conv = as_id(obj.get("id", obj.get("conversation_id", MISSING))) or f"{base}:{lineno}"
        n = len(turns)
        for t, turn in enumerate(turns):
            where = f"{key}[{t}]"
            if turn.__class__ is not dict:
                yield Rejected(source, lineno, f"expected a JSON object, got {json_type(turn)}", field=where,
                               raw=excerpt(line), extra={"conversation_id": conv, "turn": t})
                continue
            text = get_text(turn)
            if text is MISSING and text_field == "text":
                text = _content(turn)
            if text.__class__ is not str:
                yield Rejected(source, lineno, text_problem(text), field=f"{where}.{text_field}",
                               raw=excerpt(line), extra={"conversation_id": conv, "turn": t})
                continue
            speaker = turn.get("speaker", turn.get("name"))
            yield Record(f"{conv}:{t}", text, source, lineno, conv, t, n, label(speaker),
                         label(turn.get("role")), turn if keep_fields else None)
