"""Ubuntu Dialogue Corpus markup (Lowe et al. 2015): one dialogue per line, ``__eou__`` ends an utterance and
``__eot__`` ends a speaker's turn, e.g. ``hi __eou__ anyone there? __eou__ __eot__ yes __eou__ __eot__``.

Records are utterances (the unit Henderson et al. 2018 split this corpus into): ``turn`` counts utterances
from 0, ``n_turns`` is the dialogue's number of utterances, and the two speakers are named ``A`` (first) and
``B``, alternating at each ``__eot__``. Text after the last marker is an utterance too. A dialogue's id is
``<basename>:<line>``, a record's ``<dialogue id>:<utterance>``. An empty utterance (``__eou__ __eou__``) and
a line that is not UTF-8 are Rejected with their line; the other utterances of the line are kept.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

from biasaudit.io.lines import excerpt
from biasaudit.io.records import Record, Rejected
from biasaudit.io.text import decoded_lines

EOU, EOT = "__eou__", "__eot__"
_MARK = re.compile(r"__eou__|__eot__")
SPEAKERS = ("A", "B")


def split_ubuntu(text: str) -> list[tuple[str, int]]:
    """(utterance, speaker index 0/1) in order; an empty string marks an empty utterance before ``__eou__``."""
    out: list[tuple[str, int]] = []
    speaker, pos = 0, 0
    for mark in _MARK.finditer(text):
        piece = text[pos:mark.start()].strip()
        if mark.group() == EOU or piece:  # "x __eou__ __eot__": the empty piece before __eot__ is no utterance
            out.append((piece, speaker))
        if mark.group() == EOT:
            speaker = 1 - speaker
        pos = mark.end()
    tail = text[pos:].strip()
    if tail:
        out.append((tail, speaker))
    return out


def read_ubuntu(lines: Iterable[tuple[int, bytes] | Rejected], source: str, *, text_field: str = "text",
                id_field: str | None = None) -> Iterator[Record | Rejected]:
    """Records, one per utterance, from numbered lines each holding a dialogue in Ubuntu markup.

    ``text_field`` and ``id_field`` do not apply (there are no fields) and are ignored.
    """
    base = os.path.basename(source)
    for item in decoded_lines(lines, source):
        if item.__class__ is Rejected:
            yield item
            continue
        lineno, text = item
        conv = f"{base}:{lineno}"
        utterances = split_ubuntu(text)
        n = len(utterances)
        if n == 0:
            yield Rejected(source, lineno, f"no utterance: only {EOU}/{EOT} markers", raw=excerpt(text))
            continue
        for t, (said, speaker) in enumerate(utterances):
            if not said:
                yield Rejected(source, lineno, f"empty utterance before {EOU}", field=f"utterances[{t}]",
                               raw=excerpt(text), extra={"conversation_id": conv, "turn": t})
                continue
            yield Record(f"{conv}:{t}", said, source, lineno, conv, t, n, SPEAKERS[speaker], None)
