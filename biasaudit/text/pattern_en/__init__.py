"""Port of Pattern 2.6's English parser, ``modality()`` and ``mood()`` (BSD-3; data in lexicons/pattern_en/).

Feeds the Hutto et al. (2015) bias score; must reproduce Pattern's numbers, quirks included, and never download.
"""
from __future__ import annotations

from biasaudit.text.pattern_en import epistemic as _epistemic
from biasaudit.text.pattern_en import moods as _moods
from biasaudit.text.pattern_en.sentence import parse, sentence_words

__all__ = ["modality", "modality_and_mood", "mood", "parse"]


def modality(text: str) -> float:
    """Pattern's ``modality(Sentence(parse(text, lemmata=True)))`` (epistemic), unrounded, in [-1, 1]."""
    return _epistemic.modality(sentence_words(text))


def mood(text: str) -> str:
    """Pattern's ``mood(Sentence(parse(text, lemmata=True)))``: indicative/imperative/conditional/subjunctive."""
    return _moods.mood(sentence_words(text))


def modality_and_mood(text: str) -> tuple[float, str]:
    """Both of the above from one parse (half the work when a caller wants the two)."""
    words = sentence_words(text)
    return _epistemic.modality(words), _moods.mood(words)
