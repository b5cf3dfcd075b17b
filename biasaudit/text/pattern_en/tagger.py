"""Pattern 2.6's Brill-style English part-of-speech tagger: lexicon, unknown-word rules, context rules, entities.

Must tag exactly as Pattern does (its rule order and quirks), not better; rules are pre-indexed for speed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from biasaudit.text.pattern_en import _data

_CD = re.compile(r"^[0-9\-\,\.\:\/\%\$]+$")
_URL = re.compile(r"^http://")
_WWW = re.compile(r"^www\..*?\.[com|org|net|edu|de|uk]$")  # a character class, as in Pattern
_EMAIL = re.compile(r"^[\w\-\.\+]+@(\w[\w\-]+\.)+[\w\-]+$", re.ASCII)
_ENTITY_TYPES = frozenset(("pers", "loc", "org"))
_MORPH_CMDS = frozenset(
    ("word", "char", "haspref", "hassuf", "addpref", "addsuf", "deletepref", "deletesuf", "goodleft", "goodright")
)
_MORPH_CMDS = _MORPH_CMDS | frozenset("f" + c for c in _MORPH_CMDS)
_PAD = ("STAART", "STAART")


@lru_cache(maxsize=1)
def _morph_rules() -> tuple[tuple[str | None, str, str, str], ...]:
    """(required current tag or None, affix x, command, new tag) per lexical rule, in file order."""
    rules = []
    for r in _data.morphology():
        if r[1] in _MORPH_CMDS:  # "ly hassuf 2 RB x"
            rule = (None, r[0], r[1].lower(), r[-2])
        if r[2] in _MORPH_CMDS:  # "NN s fhassuf 1 NNS x"
            rule = (r[0], r[1], r[2].lower().lstrip("f"), r[-2])
        rules.append(rule)
    return tuple(rules)


def _apply_morphology(word: str, prev_word: str | None, next_word: str | None) -> str:
    """Every lexical rule in order may retag the unknown word (start tag NN)."""
    known = _data.lexicon()
    tag = "NN"
    for need, x, cmd, pos in _morph_rules():
        if need is not None and tag != need:
            continue
        if cmd == "hassuf":
            hit = word.endswith(x)
        elif cmd == "char":
            hit = x in word
        elif cmd == "haspref":
            hit = word.startswith(x)
        elif cmd == "word":
            hit = x == word
        elif cmd == "addpref":
            hit = x + word in known
        elif cmd == "addsuf":
            hit = word + x in known
        elif cmd == "deletepref":
            hit = word.startswith(x) and word[len(x):] in known
        elif cmd == "deletesuf":
            hit = word.endswith(x) and word[: -len(x)] in known
        elif cmd == "goodleft":  # Pattern compares with the *next* word here (and previous for goodright)
            hit = x == next_word
        else:
            hit = x == prev_word
        if hit:
            tag = pos
    return tag


@lru_cache(maxsize=1)
def _context_index() -> dict[str, tuple[tuple[str, str, str, str], ...]]:
    """From-tag -> its context rules plus the "*" rules, in file order, reversed (the last match wins)."""
    rules = [(r[0], r[1], r[2].lower(), r[3], r[4] if len(r) > 4 else "") for r in _data.context()]
    tags = {r[0] for r in rules if r[0] != "*"}
    index = {}
    for tag in tags | {"*"}:
        chosen = [(to, cmd, x, y) for frm, to, cmd, x, y in rules if frm == tag or frm == "*"]
        index[tag] = tuple(reversed(chosen))
    return index


def _context_match(cmd: str, x: str, y: str, t: list, i: int) -> bool:
    if cmd == "prevtag":
        return x == t[i - 1][1]
    if cmd == "nexttag":
        return x == t[i + 1][1]
    if cmd == "surroundtag":
        return x == t[i - 1][1] and y == t[i + 1][1]
    if cmd == "curwd":
        return x == t[i][0]
    if cmd == "prevwd":
        return x == t[i - 1][0]
    if cmd == "nextwd":
        return x == t[i + 1][0]
    if cmd == "wdnexttag":
        return x == t[i][0] and y == t[i + 1][1]
    if cmd == "wdprevtag":
        return x == t[i - 1][1] and y == t[i][0]
    if cmd == "prev1or2tag":
        return x in (t[i - 1][1], t[i - 2][1])
    if cmd == "next1or2tag":
        return x in (t[i + 1][1], t[i + 2][1])
    if cmd == "prev1or2or3tag":
        return x in (t[i - 1][1], t[i - 2][1], t[i - 3][1])
    if cmd == "next1or2or3tag":
        return x in (t[i + 1][1], t[i + 2][1], t[i + 3][1])
    if cmd == "prev2tag":
        return x == t[i - 2][1]
    if cmd == "next2tag":
        return x == t[i + 2][1]
    if cmd == "prev1or2wd":
        return x in (t[i - 1][0], t[i - 2][0])
    if cmd == "next1or2wd":
        return x in (t[i + 1][0], t[i + 2][0])
    if cmd == "prevwdtag":
        return x == t[i - 1][0] and y == t[i - 1][1]
    if cmd == "nextwdtag":
        return x == t[i + 1][0] and y == t[i + 1][1]
    if cmd == "wdand2aft":
        return x == t[i][0] and y == t[i + 2][0]
    if cmd == "wdand2tagbfr":
        return x == t[i - 2][1] and y == t[i][0]
    if cmd == "wdand2tagaft":
        return x == t[i][0] and y == t[i + 2][1]
    if cmd == "lbigram":
        return x == t[i - 1][0] and y == t[i][0]
    if cmd == "rbigram":
        return x == t[i][0] and y == t[i + 1][0]
    if cmd == "prevbigram":
        return x == t[i - 2][1] and y == t[i - 1][1]
    if cmd == "nextbigram":
        return x == t[i + 1][1] and y == t[i + 2][1]
    return False  # unknown commands never fire (Pattern's or-chain)


def _apply_context(tagged: list[list[str]]) -> None:
    """Left to right; at each token all rules test its original tag, so the last matching rule decides."""
    index = _context_index()
    star = index["*"]
    t = [_PAD] * 3 + tagged + [_PAD] * 3
    for i in range(3, len(t) - 3):
        for to, cmd, x, y in index.get(t[i][1], star):
            if _context_match(cmd, x, y, t, i):
                t[i] = [t[i][0], to]
                break
    tagged[:] = t[3:-3]


def _apply_entities(tagged: list[list[str]]) -> None:
    ents = _data.entities()
    i, n = 0, len(tagged)
    while i < n:
        w = tagged[i][0].lower()
        if _URL.match(w) or _WWW.match(w) or _EMAIL.match(w):
            tagged[i][1] = "NNP"
        for e in ents.get(w, ()):
            words, suffix = (e[:-1], "-" + e[-1].upper()) if e[-1] in _ENTITY_TYPES else (e, "")
            j = 0
            ok = True
            for j, ew in enumerate(words):
                if i + j >= n or tagged[i + j][0].lower() != ew:
                    ok = False
                    break
            if ok:
                for token in tagged[i : i + j + 1]:
                    token[1] = (token[1] if token[1].startswith("NNP") else "NNP") + suffix
                i += j
                break
        i += 1


def find_tags(tokens: list[str]) -> list[list[str]]:
    """[[word, tag], ...] for one sentence's tokens, as Pattern 2.6's ``find_tags`` (Penn tagset)."""
    lex = _data.lexicon()
    tagged = []
    for i, token in enumerate(tokens):
        tag = lex.get(token)
        if tag is None and i == 0:
            tag = lex.get(token.lower())
        tagged.append([token, tag])
    for i, (token, tag) in enumerate(tagged):
        if tag is not None:
            continue
        if token.istitle():
            tagged[i][1] = "NNP"
        elif _CD.match(token):
            tagged[i][1] = "CD"
        else:
            prev_word = tagged[i - 1][0] if i > 0 else None
            next_word = tagged[i + 1][0] if i < len(tagged) - 1 else None
            tagged[i][1] = _apply_morphology(token, prev_word, next_word)
    _apply_context(tagged)
    _apply_entities(tagged)
    return tagged
