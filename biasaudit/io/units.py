"""Scoring units: turn a stream of utterance records into one record per whole dialogue, and lower-case text.

Henderson et al. (2018) scored each dialogue of a corpus as one text (their files held a dialogue per line and
their clean-up removed the turn markup, leaving the turns joined by spaces), after their readers lower-cased
every file. These transforms reproduce that on any dialogue input; records without a conversation (flat files,
model outputs) pass through unchanged. A stream transform: it holds one dialogue at a time.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from biasaudit.io.records import Record, Rejected
from biasaudit.text.tokenize import ascii_lower

UNITS = ("utterance", "dialogue")
TURN_JOINER = " "


def dialogue_units(items: Iterable[Record | Rejected], max_record_bytes: int) -> Iterator[Record | Rejected]:
    """One Record per run of consecutive turns of the same conversation (same source and conversation id).

    The dialogue record's id is the conversation id, its text the turns' texts joined by one space, ``line`` the
    line of its first turn and ``n_turns`` the number of turns joined; turn, speaker and role are None.
    Rejected turns pass through (they are counted as rejected; the dialogue is built from the others). A
    dialogue whose text would exceed ``max_record_bytes`` is Rejected as a whole.
    """
    key: tuple[str, str] | None = None
    texts: list[str] = []
    first: Record | None = None
    size, too_long = 0, False

    def flush() -> Iterator[Record | Rejected]:
        if first is None:
            return
        if too_long:
            yield Rejected(first.source, first.line, f"dialogue longer than the limit of {max_record_bytes} "
                           "bytes (max_record_bytes) once its turns are joined", field="turns",
                           extra={"conversation_id": first.conversation_id})
            return
        yield Record(first.conversation_id, TURN_JOINER.join(texts), first.source, first.line,
                     first.conversation_id, None, len(texts), None, None)

    for item in items:
        if item.__class__ is Rejected or item.conversation_id is None:
            if item.__class__ is Record:  # a flat record ends any open dialogue and stays as it is
                yield from flush()
                key, texts, first, size, too_long = None, [], None, 0, False
            yield item
            continue
        item_key = (item.source, item.conversation_id)
        if item_key != key:
            yield from flush()
            key, texts, first, size, too_long = item_key, [], item, 0, False
        size += len(item.text.encode("utf-8")) + len(TURN_JOINER)
        if size > max_record_bytes:
            too_long, texts = True, []
        elif not too_long:
            texts.append(item.text)
    yield from flush()


def lowercased(items: Iterable[Record | Rejected]) -> Iterator[Record | Rejected]:
    """Records with their text lower-cased in ASCII only, as Python 2's ``str.lower()`` did on byte strings."""
    for item in items:
        if item.__class__ is Record:
            item.text = ascii_lower(item.text)
        yield item
