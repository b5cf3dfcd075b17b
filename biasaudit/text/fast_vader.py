"""VADER 2.5's scoring algorithm, reorganised for speed, giving the vaderSentiment package's exact scores.

Why: sentiment dominates a scan's cost (issue 11). The package does everything per text: it joins every word to
each of 17 punctuation strings only to strip punctuation off tokens, lowercases and looks up every word for every
rule, and sifts every score. Here:

- what a token contributes is a function of the token alone, so it is worked out once and memoised (``_Word``):
  its stripped form (a key ``p + w`` of the package's punctuation dict has exactly one split, and its ``w`` is a
  word of the text exactly when ``w`` is 2+ characters without ASCII punctuation), lexicon valence, booster
  scalar and the flags the rules test; a text then costs one dict lookup per token;
- a word outside the lexicon always scores 0, so the rules run only at lexicon words, and a text without any
  scores as all-neutral directly; the idiom rule runs only where an idiom's word is near (no idiom can match
  otherwise);
- zero scores never change the sums or the "but" rescaling, so those run over the non-zero scores only;
- the compiled build (C types from fast_vader.pxd) rounds in float operations, exactly as ``round`` does
  (``_round`` says why), and inlines ``vaderSentiment.normalize``.

Everything else is the package's algorithm step by step, quirks included, so that every score is identical
(tests/test_fast_vader.py compares the two on tens of thousands of real and generated texts):

- a token's position is that of its first occurrence (``list.index``), so a repeated word is scored as its
  first occurrence;
- the "but" rule rescales by value lookup (``sentiments.index``) exactly as 2.5 does;
- float operations happen in the same order (sums over the same non-zero values), so results agree to the bit.

The lexicon and constants are read from the installed vaderSentiment package itself, not copied (but for
normalize's alpha, 15).
"""
from __future__ import annotations

import importlib
import math
import string
import sys
import types
from collections.abc import Iterable

from biasaudit.text import memos


def vader_module() -> types.ModuleType:
    """The ``vaderSentiment.vaderSentiment`` module, imported without ``requests`` when that is not loaded yet.

    The module imports ``requests`` at the top for its ``__main__`` demo only (a translation call); that import
    pulls urllib3 and friends (~30-50 ms of every scan). A stand-in is in ``sys.modules`` only while the module
    loads, so a later ``import requests`` is the real one.
    """
    name = "vaderSentiment.vaderSentiment"
    if name in sys.modules or "requests" in sys.modules:
        return importlib.import_module(name)
    stand_in = sys.modules["requests"] = types.ModuleType("requests")
    try:
        return importlib.import_module(name)
    finally:
        if sys.modules.get("requests") is stand_in:
            del sys.modules["requests"]


_vs = vader_module()

_PUNCTUATION = string.punctuation  # the characters the package's REGEX_REMOVE_PUNCTUATION removes
_PUNC_LIST = frozenset(_vs.PUNC_LIST)
_NEGATE = frozenset(_vs.NEGATE)
_BOOSTERS: dict[str, float] = _vs.BOOSTER_DICT
_IDIOMS: dict[str, float] = _vs.SPECIAL_CASE_IDIOMS
# Every word of a multi-word idiom or booster: the idiom rule can only change a valence next to one of them.
_IDIOM_WORDS = frozenset(w for phrase in [*_IDIOMS, *_BOOSTERS] if " " in phrase for w in phrase.split())
_B_DECR = _vs.B_DECR
_C_INCR = _vs.C_INCR
_N_SCALAR = _vs.N_SCALAR
_ALPHA = 15  # vaderSentiment.normalize's default alpha
_SCALE = (1.0, 10.0, 100.0, 1000.0, 10000.0)  # 10 ** digits, exact doubles

# _Word.flags bits: the per-token facts the text loop tests.
_UPPER = 1  # str.isupper()
_LEXICAL = 2  # in the lexicon
_IDIOMATIC = 4  # in _IDIOM_WORDS
_BUT = 8  # exactly "but"
_BUT_UPPER = 16  # exactly "BUT"

#: Tokens remembered per analyzer; the memo is dropped whole when it grows past this (memory stays flat).
MEMO_SIZE = 1 << 15
_NEUTRAL = (0.0, 0.0, 1.0, 0.0)  # the package's scores for words none of which is in the lexicon
_EMPTY = (0.0, 0.0, 0.0, 0.0)  # ... and for no words at all


class _Word:
    """What one token is to VADER: its word (edge punctuation stripped), lowercase, valence and rule flags."""

    __slots__ = ("booster", "flags", "lower", "negated", "valence", "word")


def _strip(token: str) -> str:
    """``SentiText._words_plus_punc``'s mapping for one token (itself when the mapping has no key for it)."""
    if token[0] in _PUNCTUATION:
        word = token.lstrip(_PUNCTUATION)
        if token[:len(token) - len(word)] in _PUNC_LIST and _plain(word):
            return word
    elif token[-1] in _PUNCTUATION:
        word = token.rstrip(_PUNCTUATION)
        if token[len(word):] in _PUNC_LIST and _plain(word):
            return word
    return token


def _plain(word: str) -> bool:
    """Whether ``word`` is in the package's ``words_only`` set given that a token is it plus punctuation."""
    if len(word) < 2:
        return False
    for char in word:
        if char in _PUNCTUATION:
            return False
    return True


class FastVader:
    """Drop-in for ``SentimentIntensityAnalyzer.polarity_scores`` returning ``(compound, pos, neu, neg)``."""

    def __init__(self, lexicon: dict[str, float] | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else _vs.SentimentIntensityAnalyzer().lexicon
        self._memo: dict[str, _Word | None] = {}
        memos.track(self)

    def clear_memos(self) -> None:
        """Forget every memoised token (see biasaudit.text.memos)."""
        self._memo.clear()

    def polarity(self, text: str) -> tuple[float, float, float, float]:
        return _polarity(self._memo, self.lexicon, text)

    def polarity_many(self, texts: Iterable[str]) -> list[float]:
        """``polarity`` of each text in turn, flattened into one list (cheaper than a tuple per text)."""
        return _polarity_many(self._memo, self.lexicon, texts)


def _polarity_many(memo: dict[str, _Word | None], lexicon: dict[str, float], texts: Iterable[str]) -> list[float]:
    out: list[float] = []
    for text in texts:
        out.extend(_polarity(memo, lexicon, text))
    return out


def _learn(memo: dict[str, _Word | None], lexicon: dict[str, float], token: str) -> _Word | None:
    """Memoise and return the ``_Word`` of a token (``None`` for one-character tokens, which the package drops)."""
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    if len(token) < 2:
        memo[token] = None
        return None
    word = _strip(token)
    lower = word.lower()
    if lower == word:
        lower = word  # one string, not two, per memoised word
    valence = lexicon.get(lower)
    booster = _BOOSTERS.get(lower)
    info = _Word.__new__(_Word)  # fields set here: the compiled build types them, so no __init__ arguments
    info.word = word
    info.lower = lower
    info.valence = 0.0 if valence is None else valence
    info.booster = 0.0 if booster is None else booster
    # ``vaderSentiment.negated([word])``: for one word its "least" clause can never fire.
    info.negated = word in _NEGATE or "n't" in word
    info.flags = ((_UPPER if word.isupper() else 0) | (0 if valence is None else _LEXICAL)
                  | (_IDIOMATIC if word in _IDIOM_WORDS else 0)
                  | (_BUT if word == "but" else _BUT_UPPER if word == "BUT" else 0))
    memo[token] = info
    return info


def _polarity(memo: dict[str, _Word | None], lexicon: dict[str, float], text: str) -> tuple[float, float, float, float]:
    words: list[_Word] = []
    lexical: list[int] = []
    n = 0
    n_upper = 0
    but_at = -1
    but_upper_at = -1
    for token in text.split():
        found = memo.get(token, token)
        if found is token:
            found = _learn(memo, lexicon, token)
        if found is None:
            continue
        word = found
        words.append(word)
        flags = word.flags
        if flags:
            if flags & _UPPER:
                n_upper += 1
            if flags & _LEXICAL:
                lexical.append(n)
            if flags & _BUT and but_at < 0:
                but_at = n
            elif flags & _BUT_UPPER and but_upper_at < 0:
                but_upper_at = n
        n += 1
    if not lexical:
        return _NEUTRAL if n else _EMPTY
    cap_diff = 0 < n - n_upper < n
    scores = []  # the non-zero sentiments, in order, and their positions
    where = []
    first: dict[str, float] = {}  # a repeated word scores as at its first position
    for i in lexical:
        item = words[i]
        valence = first.get(item.word)
        if valence is None:
            if item.booster or (item.lower == "kind" and i < n - 1 and words[i + 1].lower == "of"):
                valence = 0
            else:
                valence = _valence(words, i, n, cap_diff)
            first[item.word] = valence
        if valence != 0:
            scores.append(valence)
            where.append(i)
    if not scores:
        return _NEUTRAL
    if but_at >= 0 or but_upper_at >= 0:
        _but_check(scores, where, but_at if but_at >= 0 else but_upper_at)
    return _score(scores, n, text)


def _valence(words: list[_Word], i: int, n: int, cap_diff: bool) -> float:
    """``SentimentIntensityAnalyzer.sentiment_valence`` of the lexicon word at ``i``."""
    item = words[i]
    valence = item.valence
    if cap_diff and item.flags & _UPPER:
        valence = valence + _C_INCR if valence > 0 else valence - _C_INCR
    for start_i in range(3):
        if i > start_i:
            before = words[i - (start_i + 1)]
            if not before.flags & _LEXICAL:
                s = _scalar_inc_dec(before, valence, cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _never_check(valence, words, start_i, i)
                if start_i == 2 and (item.flags | words[i - 1].flags | words[i - 2].flags) & _IDIOMATIC:
                    valence = _idioms_check(valence, words, i, n)
    return _least_check(valence, words, i)


def _scalar_inc_dec(word: _Word, valence: float, cap_diff: bool) -> float:
    scalar = word.booster
    if not scalar:
        return 0.0
    if valence < 0:
        scalar *= -1
    if word.flags & _UPPER and cap_diff:
        scalar = scalar + _C_INCR if valence > 0 else scalar - _C_INCR
    return scalar


def _never_check(valence: float, words: list[_Word], start_i: int, i: int) -> float:
    if start_i == 0:
        if words[i - 1].negated:
            valence = valence * _N_SCALAR
    elif start_i == 1:
        w1 = words[i - 1].word
        if words[i - 2].word == "never" and (w1 == "so" or w1 == "this"):
            valence = valence * 1.5
        elif words[i - 2].negated:
            valence = valence * _N_SCALAR
    else:
        w1 = words[i - 1].word
        w2 = words[i - 2].word
        if words[i - 3].word == "never" and (w2 == "so" or w2 == "this") or (w1 == "so" or w1 == "this"):
            valence = valence * 1.25
        elif words[i - 3].negated:
            valence = valence * _N_SCALAR
    return valence


def _idioms_check(valence: float, words: list[_Word], i: int, n: int) -> float:
    # Called only with i >= 3. Negative indexes wrap exactly as in 2.5 (it never reaches them either).
    w0, w1, w2, w3 = words[i].word, words[i - 1].word, words[i - 2].word, words[i - 3].word
    twoone = f"{w2} {w1}"
    threetwo = f"{w3} {w2}"
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", twoone, f"{w3} {w2} {w1}", threetwo):
        if seq in _IDIOMS:
            valence = _IDIOMS[seq]
            break
    if n - 1 > i:
        zeroone = f"{w0} {words[i + 1].word}"
        if zeroone in _IDIOMS:
            valence = _IDIOMS[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{w0} {words[i + 1].word} {words[i + 2].word}"
        if zeroonetwo in _IDIOMS:
            valence = _IDIOMS[zeroonetwo]
    if threetwo in _BOOSTERS or twoone in _BOOSTERS:
        valence = valence + _B_DECR
    return valence


def _least_check(valence: float, words: list[_Word], i: int) -> float:
    if i > 1:
        before = words[i - 1]
        if not before.flags & _LEXICAL and before.lower == "least":
            two_before = words[i - 2].lower
            if two_before != "at" and two_before != "very":
                valence = valence * _N_SCALAR
    elif i > 0:
        before = words[i - 1]
        if not before.flags & _LEXICAL and before.lower == "least":
            valence = valence * _N_SCALAR
    return valence


def _but_check(scores: list[float], where: list[int], bi: int) -> None:
    """2.5's rule in effect: for each score in turn it rescales the FIRST score equal to it (``list.index``),
    by its position relative to the first "but" (else "BUT"). Zeros stay zeros, so only non-zero scores move."""
    for k in range(len(scores)):
        sentiment = scores[k]
        j = scores.index(sentiment)
        si = where[j]
        if si < bi:
            scores[j] = sentiment * 0.5
        elif si > bi:
            scores[j] = sentiment * 1.5


def _score(scores: list[float], n: int, text: str) -> tuple[float, float, float, float]:
    """``SentimentIntensityAnalyzer.score_valence`` of ``n`` sentiments whose non-zero ones are ``scores``."""
    sum_s = float(sum(scores))
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
    for s in scores:
        if s > 0:
            pos_sum += float(s) + 1
        else:
            neg_sum += float(s) - 1
    neu_count = n - len(scores)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (_round(compound, 4), _round(math.fabs(pos_sum / total), 3), _round(math.fabs(neu_count / total), 3),
            _round(math.fabs(neg_sum / total), 3))


def _normalize(score: float) -> float:
    """``vaderSentiment.normalize`` (alpha 15), the same float operations without a Python call."""
    norm_score = score / math.sqrt((score * score) + _ALPHA)
    if norm_score < -1.0:
        return -1.0
    elif norm_score > 1.0:
        return 1.0
    return norm_score


def _round(x: float, digits: int) -> float:
    """``round(x, digits)`` for ``|x| <= 1``, in float operations unless ``x`` is within 1e-7 of a tie.

    Python rounds the exact binary value half-to-even, then takes the double nearest the decimal result. Here
    ``y = |x| * 10**digits`` errs by under 1.2e-12, so when its fraction is not within 1e-7 of .5 the rounded integer
    ``k`` is that of the exact value, and ``k / 10**digits`` (two exact doubles, one rounding) is the nearest double
    to ``k * 10**-digits``; near a tie the builtin decides."""
    y = math.fabs(x) * _SCALE[digits]
    k = math.floor(y)
    fraction = y - k
    if math.fabs(fraction - 0.5) <= 1e-7 or not math.fabs(x) <= 1.0:
        return round(x, digits)
    if fraction > 0.5:
        k += 1
    return math.copysign(k / _SCALE[digits], x)
