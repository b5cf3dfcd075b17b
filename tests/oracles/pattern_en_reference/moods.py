"""Pattern 2.6's ``mood()``: imperative, conditional, subjunctive or indicative, from the parsed words.

Follows Pattern's heuristics as written (parse without relations, so no subject is ever known); must not improve them.
Pattern's ``verb(w)`` also asks that w sit outside any chunk or in a VP; its chunker puts every VB*/MD word in a VP
(no other chunk pattern can match a VB*/MD tag), so a tag test is the same thing and no chunker is needed.
"""
from __future__ import annotations

from oracles.pattern_en_reference.sentence import Word

INDICATIVE, IMPERATIVE, CONDITIONAL, SUBJUNCTIVE = "indicative", "imperative", "conditional", "subjunctive"

_SUBJUNCTIVE1 = ["advise", "ask", "command", "demand", "desire", "insist", "propose", "recommend", "request",
                 "suggest", "urge"]
_SUBJUNCTIVE1 = frozenset(_SUBJUNCTIVE1 + [w + "s" for w in _SUBJUNCTIVE1] + [w.rstrip("e") + "ed" for w in _SUBJUNCTIVE1])
_SUBJUNCTIVE2 = frozenset(("best", "crucial", "desirable", "essential", "imperative", "important", "recommended",
                           "urgent", "vital"))


def _s(w: Word) -> str:
    return w.string.lower()


def _is_verb(w: Word) -> bool:
    return bool(w.type) and w.type.startswith(("VB", "MD"))


def _is_question(S: list[Word]) -> bool:
    return len(S) > 0 and S[-1].string == "?"


def _imperative(S: list[Word]) -> bool:
    if _is_question(S):
        return False
    r = " ".join(w.string for w in S).lower().rstrip(" .!")
    if any(cc + " " in r for cc in ("if", "assuming", "provided that", "given that")):
        return False
    verb_positions = [i for i, w in enumerate(S) if _is_verb(w)]
    for i, w in enumerate(S):
        if not _is_verb(w):
            continue
        if _s(w) in ("do", "let") and i == verb_positions[0]:
            return True
        if _s(w) in ("do", "let"):
            continue
        if _s(w) in ("would", "should", "'d", "could", "can", "may", "might"):
            return False
        if _s(w) in ("will", "shall") and i > 0 and _s(S[i - 1]) == "you" and not any(p < i for p in verb_positions):
            continue
        return w.type == "VB" and (i == 0 or _s(S[i - 1]) != "to")  # any other verb form: not imperative
    return False


def _conditional(S: list[Word]) -> bool:
    if _is_question(S):
        return False
    were = next((i for i, w in enumerate(S) if _s(w) == "were"), 0)
    if were > 0 and (_s(S[were - 1]) in ("i", "it", "he", "she") or S[were - 1].type == "NN"):
        return False
    for i, w in enumerate(S):
        if w.type != "MD":
            continue
        if _s(w) == "ought" and i + 1 < len(S) and _s(S[i + 1]) == "to":
            return True
        if _s(w) in ("would", "should", "'d", "could", "might"):
            return True
        if _s(w) in ("will", "shall", "'ll") and i > 0 and _s(S[i - 1]) == "you" \
                and not any(_is_verb(v) for v in S[:i]):
            return False
        if _s(w) in ("will", "shall", "'ll"):
            return True  # predictive=True, Pattern's default
        if _s(w) in ("can", "may"):
            r = " ".join(x.string for x in S).lower().rstrip(" .!")
            if any(cc + " " in r for cc in ("if", "when", "once", "as soon as", "assuming", "provided that",
                                            "given that")):
                return True
    return False


def _subjunctive(S: list[Word]) -> bool:
    if _is_question(S):
        return False
    for i, w in enumerate(S):
        b = False
        if w.type and w.type.startswith("VB"):
            if _s(w).startswith("wish"):
                return True
            if _s(w) == "hope" and i > 0 and _s(S[i - 1]) in ("i", "we"):
                return True
            if _s(w) == "were" and i > 0 and (_s(S[i - 1]) in ("i", "it", "he", "she") or S[i - 1].type == "NN"):
                return True
            it_is = _s(w) == "is" and i > 0 and _s(S[i - 1]) == "it"
            b = (_s(w) in _SUBJUNCTIVE1
                 or (it_is and i < len(S) - 1 and _s(S[i + 1]) in _SUBJUNCTIVE2)
                 or (it_is and i < len(S) - 3 and _s(S[i + 2]) in ("good", "bad") and _s(S[i + 3]) == "idea"))
        if b:
            v = next((x for x in S[i + 1:] if x.type and x.type.startswith("VB")), None)
            if v is not None and v.type == "VB":
                return True
    return False


def mood(S: list[Word]) -> str:
    """Pattern's order of tests: imperative, then conditional, then subjunctive, else indicative."""
    if _imperative(S):
        return IMPERATIVE
    if _conditional(S):
        return CONDITIONAL
    if _subjunctive(S):
        return SUBJUNCTIVE
    return INDICATIVE
