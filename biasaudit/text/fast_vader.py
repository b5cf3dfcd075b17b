"""VADER 2.5's scoring algorithm, reorganised for speed, giving the vaderSentiment package's exact scores.

Why: sentiment dominates a scan's cost (issue 11), and most of vaderSentiment 2.5's time goes into one step:
for every text it builds a dict of every word joined to each of 17 punctuation strings, only to strip
punctuation off tokens. Here a token's leading or trailing punctuation run is looked up directly, which is the
same mapping (a key ``p + w`` has exactly one split because ``w`` holds no ASCII punctuation).

Everything else is the package's algorithm step by step, quirks included, so that every score is identical
(tests/test_fast_vader.py compares the two on tens of thousands of real and generated texts):

- a token's position is that of its first occurrence (``list.index``), so a repeated word is scored as its
  first occurrence; its valence is therefore computed once per distinct token and reused;
- the "but" rule rescales by value lookup (``sentiments.index``) exactly as 2.5 does;
- float operations happen in the same order (sums over the same lists), so results agree to the bit.

The lexicon and constants are read from the installed vaderSentiment package itself, not copied.
"""
from __future__ import annotations

import math
import re
import string

from vaderSentiment import vaderSentiment as _vs

_PUNCT = frozenset(string.punctuation)
_PUNC_LIST = frozenset(_vs.PUNC_LIST)
_REMOVE_PUNCTUATION = _vs.REGEX_REMOVE_PUNCTUATION
_NEGATE = frozenset(_vs.NEGATE)
_BOOSTERS: dict[str, float] = _vs.BOOSTER_DICT
_IDIOMS: dict[str, float] = _vs.SPECIAL_CASE_IDIOMS
_B_DECR = _vs.B_DECR
_C_INCR = _vs.C_INCR
_N_SCALAR = _vs.N_SCALAR
_normalize = _vs.normalize
_WHITESPACE = re.compile(r"\S+")


def _negated_word(word: str) -> bool:
    """``vaderSentiment.negated([word])``: for one word the "least" clause can never fire."""
    return word in _NEGATE or "n't" in word


def _tokens(text: str) -> list[str]:
    """``SentiText.words_and_emoticons``: tokens longer than one character, edge punctuation stripped."""
    words_only = {w for w in _REMOVE_PUNCTUATION.sub("", text).split() if len(w) > 1}
    out = []
    for token in text.split():
        if len(token) < 2:
            continue
        if token[0] in _PUNCT:
            cut = 1
            while cut < len(token) and token[cut] in _PUNCT:
                cut += 1
            if token[:cut] in _PUNC_LIST and token[cut:] in words_only:
                token = token[cut:]
        elif token[-1] in _PUNCT:
            cut = len(token) - 1
            while token[cut - 1] in _PUNCT:
                cut -= 1
            if token[cut:] in _PUNC_LIST and token[:cut] in words_only:
                token = token[:cut]
        out.append(token)
    return out


class FastVader:
    """Drop-in for ``SentimentIntensityAnalyzer.polarity_scores`` returning ``(compound, pos, neu, neg)``."""

    def __init__(self, lexicon: dict[str, float] | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else _vs.SentimentIntensityAnalyzer().lexicon

    def polarity(self, text: str) -> tuple[float, float, float, float]:
        words = _tokens(text)
        lower = [w.lower() for w in words]
        cap_diff = _cap_differential(words)
        first: dict[str, int] = {}
        for i, w in enumerate(words):
            first.setdefault(w, i)
        valence_of: dict[str, float] = {}
        sentiments: list[float] = []
        n = len(words)
        for item in words:
            if item in valence_of:
                sentiments.append(valence_of[item])
                continue
            i = first[item]
            low = lower[i]
            if (i < n - 1 and low == "kind" and lower[i + 1] == "of") or low in _BOOSTERS:
                valence = 0
            else:
                valence = self._valence(words, lower, i, cap_diff)
            valence_of[item] = valence
            sentiments.append(valence)
        if "but" in first or "BUT" in first:
            sentiments = _but_check(words, sentiments)
        return _score(sentiments, text)

    def _valence(self, words: list[str], lower: list[str], i: int, cap_diff: bool) -> float:
        lexicon = self.lexicon
        item = words[i]
        valence = lexicon.get(lower[i])
        if valence is None:
            return 0
        if cap_diff and item.isupper():
            valence = valence + _C_INCR if valence > 0 else valence - _C_INCR
        for start_i in range(3):
            if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                s = _scalar_inc_dec(words[i - (start_i + 1)], lower[i - (start_i + 1)], valence, cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _never_check(valence, words, start_i, i)
                if start_i == 2:
                    valence = _idioms_check(valence, words, i)
        return _least_check(valence, lower, i, lexicon)


def _cap_differential(words: list[str]) -> bool:
    allcap = sum(1 for w in words if w.isupper())
    return 0 < len(words) - allcap < len(words)


def _scalar_inc_dec(word: str, word_lower: str, valence: float, cap_diff: bool) -> float:
    scalar = _BOOSTERS.get(word_lower)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar *= -1
    if word.isupper() and cap_diff:
        scalar = scalar + _C_INCR if valence > 0 else scalar - _C_INCR
    return scalar


def _never_check(valence: float, words: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated_word(words[i - 1]):
            valence = valence * _N_SCALAR
    elif start_i == 1:
        if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
            valence = valence * 1.5
        elif _negated_word(words[i - 2]):
            valence = valence * _N_SCALAR
    else:
        if (words[i - 3] == "never" and (words[i - 2] == "so" or words[i - 2] == "this")
                or (words[i - 1] == "so" or words[i - 1] == "this")):
            valence = valence * 1.25
        elif _negated_word(words[i - 3]):
            valence = valence * _N_SCALAR
    return valence


def _idioms_check(valence: float, words: list[str], i: int) -> float:
    # Called only with i >= 3. Negative indexes wrap exactly as in 2.5 (it never reaches them either).
    w0, w1, w2, w3 = words[i], words[i - 1], words[i - 2], words[i - 3]
    twoone = f"{w2} {w1}"
    threetwo = f"{w3} {w2}"
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", twoone, f"{w3} {w2} {w1}", threetwo):
        if seq in _IDIOMS:
            valence = _IDIOMS[seq]
            break
    n = len(words)
    if n - 1 > i:
        zeroone = f"{w0} {words[i + 1]}"
        if zeroone in _IDIOMS:
            valence = _IDIOMS[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{w0} {words[i + 1]} {words[i + 2]}"
        if zeroonetwo in _IDIOMS:
            valence = _IDIOMS[zeroonetwo]
    if threetwo in _BOOSTERS or twoone in _BOOSTERS:
        valence = valence + _B_DECR
    return valence


def _least_check(valence: float, lower: list[str], i: int, lexicon: dict[str, float]) -> float:
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * _N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * _N_SCALAR
    return valence


def _but_check(words: list[str], sentiments: list[float]) -> list[float]:
    """2.5's rule verbatim in effect: it rescales the FIRST entry equal to each value, as its list.index does."""
    try:
        bi = words.index("but")
    except ValueError:
        bi = words.index("BUT")
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 0.5)
        elif si > bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 1.5)
    return sentiments


def _score(sentiments: list[float], text: str) -> tuple[float, float, float, float]:
    if not sentiments:
        return 0.0, 0.0, 0.0, 0.0
    sum_s = float(sum(sentiments))
    ep = min(text.count("!"), 4) * 0.292
    qm_count = text.count("?")
    qm = 0 if qm_count <= 1 else (qm_count * 0.18 if qm_count <= 3 else 0.96)
    amplifier = ep + qm
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = _normalize(sum_s)
    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = 0
    for s in sentiments:
        if s > 0:
            pos_sum += float(s) + 1
        if s < 0:
            neg_sum += float(s) - 1
        if s == 0:
            neu_count += 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (round(compound, 4), round(math.fabs(pos_sum / total), 3), round(math.fabs(neu_count / total), 3),
            round(math.fabs(neg_sum / total), 3))
