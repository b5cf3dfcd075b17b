"""Dialogue contexts from a corpus: what a model is asked to respond to, and the human turn it replaces.

From conversations (records with a conversation id and a turn), every turn after the first becomes a context:
its preceding turns (at most ``context_turns``) are the prompt, the turn itself is the reference response, and
the context id is that turn's record id (``<conversation>:<turn>`` for dialogue JSONL), so each output points
back to the conversation and turn it stands for. From a flat file, each record's text is one context.
Holds only the last ``context_turns`` turns of the current conversation.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from biasaudit.errors import UsageError
from biasaudit.io.records import Record, Rejected


@dataclass(slots=True)
class Context:
    """One prompt: the preceding turns (oldest first) and, from a conversation, the turn a model replaces."""

    id: str
    turns: list[str]
    source: str
    line: int
    conversation_id: str | None = None
    turn: int | None = None
    reference: str | None = None


def iter_contexts(items: Iterable[Record | Rejected], context_turns: int) -> Iterator[Context | Rejected]:
    """Contexts in corpus order; Rejected records pass through (a rejected turn is missing from the history)."""
    if context_turns < 1:
        raise UsageError(f"context_turns must be at least 1, got {context_turns}")
    history: deque[str] = deque(maxlen=context_turns)
    key: tuple[str, str] | None = None
    for item in items:
        if item.__class__ is Rejected:
            yield item
            continue
        if item.conversation_id is None or item.turn is None:
            key = None
            yield Context(item.id, [item.text], item.source, item.line)
            continue
        item_key = (item.source, item.conversation_id)
        if item_key != key:
            history.clear()
            key = item_key
        if history:
            yield Context(item.id, list(history), item.source, item.line, item.conversation_id, item.turn,
                          item.text)
        history.append(item.text)
