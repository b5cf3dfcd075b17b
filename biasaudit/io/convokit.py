"""ConvoKit ``utterances.jsonl`` reader: one utterance per line (id, conversation_id, speaker, text, ...).

ConvoKit files are usually grouped by conversation, and this reader relies on it: a run of consecutive lines
with the same ``conversation_id`` is one conversation, ``turn`` is the position in the run (from 0) and
``n_turns`` the run length. A conversation whose lines are interleaved with others' is split into several runs
(turn restarts at 0): sort the file by conversation first. Only one run is held in memory; a run longer than
``MAX_RUN`` utterances is passed on early with ``n_turns=None``. ``reply_to``, ``timestamp`` and ``meta`` are
not used. Record ids are the utterance ``id`` (or ``id_field``), else ``<conversation id>:<turn>``.
It must not reorder records: rejected lines keep their place among the run's records.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from biasaudit.io.fields import MISSING, as_id, getter, id_problem, label, text_problem
from biasaudit.io.jsonl import parse_object
from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected

MAX_RUN = 10_000
FIELDS = ("conversation_id", "reply_to")


def looks_like_convokit(line: bytes) -> bool:
    """True if a JSONL line is a ConvoKit utterance (has conversation_id and reply_to, no turn list)."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and all(f in obj for f in FIELDS) and "turns" not in obj


def read_convokit(lines: Iterable[tuple[int, bytes] | Rejected], source: str, *, text_field: str = "text",
                  id_field: str | None = None, max_run: int = MAX_RUN) -> Iterator[Record | Rejected]:
    """Records, one per utterance, with conversation id, turn, n_turns, speaker (or ``user``) and role."""
    get_text = getter(text_field)
    id_name = id_field or "id"
    get_id = getter(id_name)
    run: list[Record | Rejected] = []
    conv, turn, spilled = None, 0, False

    def flush() -> list[Record | Rejected]:
        nonlocal run
        if not spilled:
            for rec in run:
                if rec.__class__ is Record:
                    rec.n_turns = turn
        out, run = run, []
        return out

    for item in lines:
        if item.__class__ is Rejected:
            run.append(item)
            continue
        lineno, line = item
        obj = parse_object(lineno, line, source)
        if obj.__class__ is Rejected:
            run.append(obj)
            continue
        cid = as_id(obj.get("conversation_id", MISSING))
        if cid is None:
            run.append(Rejected(source, lineno, id_problem(obj.get("conversation_id", MISSING)),
                                field="conversation_id", raw=excerpt(line)))
            continue
        if cid != conv:
            yield from flush()
            conv, turn, spilled = cid, 0, False
        text, uid = get_text(obj), get_id(obj)
        rid = as_id(uid) if uid is not MISSING or id_field else f"{cid}:{turn}"
        if text.__class__ is not str or rid is None:
            bad_text = text.__class__ is not str
            run.append(Rejected(source, lineno, text_problem(text) if bad_text else id_problem(uid),
                                field=text_field if bad_text else id_name, raw=excerpt(line),
                                extra={"conversation_id": cid, "turn": turn}))
        else:
            run.append(Record(rid, text, source, lineno, cid, turn, None,
                              label(obj.get("speaker", obj.get("user"))), label(obj.get("role"))))
        turn += 1
        if len(run) >= max_run:
            spilled = True
            yield from flush()
    yield from flush()
