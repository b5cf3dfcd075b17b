"""Port of Pattern 2.6's English parser, ``modality()`` and ``mood()`` (BSD-3; data in lexicons/pattern_en/).

Feeds the Hutto et al. (2015) bias score; must reproduce Pattern's numbers, quirks included, and never download.
"""
from __future__ import annotations

from biasaudit.text.pattern_en import epistemic as _epistemic
from biasaudit.text.pattern_en import moods as _moods
from biasaudit.text.pattern_en.sentence import parse, sentence_words

# Provenance: algorithm read from clips/pattern (BSD-3; the stored copies are post-2.6 master) and from the
# 2013 Pattern code vendored in TextBlob's _text.py; data files are tag 2.6 (lexicons/pattern_en/README.md).
# Checked: all 41 modality and mood values of cjhutto/bsd's collapsedData.csv (tests/test_pattern_en.py).
# Not pinned by those 41 rows (they come out the same either way), so following the code as read: lower-case
# lexicon fallback for the first token only, context rules tested against the token's original tag,
# unknown-word morphology rules, named entities, the abbreviation list.

__all__ = ["modality", "modality_and_mood", "mood", "parse"]


def modality(text: str) -> float:
    """Pattern's ``modality(Sentence(parse(text, lemmata=True)))`` (epistemic), unrounded, in [-1, 1]."""
    return _epistemic.text_modality(text)


def mood(text: str) -> str:
    """Pattern's ``mood(Sentence(parse(text, lemmata=True)))``: indicative/imperative/conditional/subjunctive."""
    return _moods.mood(sentence_words(text))


def modality_and_mood(text: str) -> tuple[float, str]:
    """Both of the above from one parse (half the work when a caller wants the two)."""
    words = sentence_words(text)
    return _epistemic.modality(words), _moods.mood(words)
