"""Plain transcripts: one turn per line as ``SPEAKER: text``, a blank line between dialogues.

Records are turns with speaker, ``turn`` (from 0) and ``n_turns``; a dialogue's id is ``<basename>:<line of its
first turn>`` and a record's ``<dialogue id>:<turn>``. A speaker is 1-40 characters without a colon, and the
colon must be followed by a space or the end of the line (so ``http://..`` is not a speaker). A line that is
not ``SPEAKER: text`` (or has no text) is Rejected with its line and the dialogue goes on; the rejected line
still counts as a turn, as in the ConvoKit reader. One dialogue is held at a time (at most ``MAX_RUN`` turns;
a longer one is passed on early with ``n_turns=None``).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected
from biasaudit.io.text import decode_line

MAX_RUN = 10_000
SPEAKER_LINE = re.compile(r"\s*([^\s:][^:]{0,39}?)\s*:(?:\s+(.*)|$)", re.DOTALL)


def read_transcript(lines: Iterable[tuple[int, bytes] | Rejected], source: str, *, text_field: str = "text",
                    id_field: str | None = None, max_run: int = MAX_RUN) -> Iterator[Record | Rejected]:
    """Records, one per turn line; blank lines (gaps in the line numbers) end a dialogue.

    ``text_field`` and ``id_field`` do not apply to transcripts (there are no fields) and are ignored.
    """
    base = os.path.basename(source)
    run: list[Record | Rejected] = []
    conv: str | None = None
    last_line, turn, spilled = 0, 0, False

    def flush() -> list[Record | Rejected]:
        nonlocal run, conv, turn, spilled
        if not spilled:
            for item in run:
                if item.__class__ is Record:
                    item.n_turns = turn
        out, run, conv, turn, spilled = run, [], None, 0, False
        return out

    for item in lines:
        lineno = item.line if item.__class__ is Rejected else item[0]
        if lineno is not None and lineno > last_line + 1:  # a blank line: the dialogue ended
            yield from flush()
        last_line = lineno if lineno is not None else last_line
        if conv is None:
            conv = f"{base}:{lineno}"
        if item.__class__ is Rejected:
            item.extra = {**item.extra, "conversation_id": conv, "turn": turn}
            run.append(item)
        else:
            run.append(_turn(item[1], source, lineno, conv, turn, base))
        turn += 1
        if len(run) >= max_run:
            for record in run:
                if record.__class__ is Record:
                    record.n_turns = None
            spilled = True
            out, run = run, []
            yield from out
    yield from flush()


def _turn(line: bytes, source: str, lineno: int, conv: str, turn: int, base: str) -> Record | Rejected:
    extra = {"conversation_id": conv, "turn": turn}
    text = decode_line(line, source, lineno, extra)
    if text.__class__ is Rejected:
        return text
    match = SPEAKER_LINE.fullmatch(text)
    if match is None:
        return Rejected(source, lineno, "expected a turn as 'SPEAKER: text' (a speaker of 1-40 characters "
                        "without ':', then ': ' and the text), or a blank line between dialogues",
                        raw=excerpt(text), extra=extra)
    speaker, said = match.group(1), (match.group(2) or "").strip()
    if not said:
        return Rejected(source, lineno, f"no text after '{speaker}:'", field="text", raw=excerpt(text),
                        extra=extra)
    return Record(f"{conv}:{turn}", said, source, lineno, conv, turn, None, speaker, None)
