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


# Where each context command looks, as (offset, field) pairs: 0 = word, 1 = tag. A rule fires when the
# values there equal its arguments; "1or2"-style commands fire when any one position equals x.
_ANY_OF = {
    "prev1or2tag": ((-1, 1), (-2, 1)), "next1or2tag": ((1, 1), (2, 1)),
    "prev1or2or3tag": ((-1, 1), (-2, 1), (-3, 1)), "next1or2or3tag": ((1, 1), (2, 1), (3, 1)),
    "prev1or2wd": ((-1, 0), (-2, 0)), "next1or2wd": ((1, 0), (2, 0)),
}
_ALL_OF = {
    "prevtag": ((-1, 1),), "nexttag": ((1, 1),), "prev2tag": ((-2, 1),), "next2tag": ((2, 1),),
    "curwd": ((0, 0),), "prevwd": ((-1, 0),), "nextwd": ((1, 0),),
    "surroundtag": ((-1, 1), (1, 1)), "prevwdtag": ((-1, 0), (-1, 1)), "nextwdtag": ((1, 0), (1, 1)),
    "wdprevtag": ((-1, 1), (0, 0)), "wdnexttag": ((0, 0), (1, 1)), "wdand2aft": ((0, 0), (2, 0)),
    "wdand2tagbfr": ((-2, 1), (0, 0)), "wdand2tagaft": ((0, 0), (2, 1)), "lbigram": ((-1, 0), (0, 0)),
    "rbigram": ((0, 0), (1, 0)), "prevbigram": ((-2, 1), (-1, 1)), "nextbigram": ((1, 1), (2, 1)),
}
# Per from-tag: (single, pairs). single: ((offset, field), {value: rank}) — every command that tests one
# position (including each position of a "1or2"-style command) merged; pairs: ((pos1, pos2), {(v1, v2): rank}).
_Index = tuple[tuple[tuple[int, int, dict], ...], tuple[tuple[int, int, int, int, dict], ...]]


def _merge(into: dict, key, rank: int) -> None:
    if rank > into.get(key, -1):
        into[key] = rank


@lru_cache(maxsize=1)
def _context_index() -> tuple[dict[str, _Index], dict[int, str]]:
    """(from-tag -> its rules and the "*" rules by trigger position, rank -> new tag); later rules rank higher."""
    single: dict[str, dict[tuple[int, int], dict]] = {}
    pairs: dict[str, dict[tuple, dict]] = {}
    to_tag: dict[int, str] = {}
    for rank, r in enumerate(_data.context()):
        frm, cmd, args = r[0], r[2].lower(), (r[3], r[4] if len(r) > 4 else "")
        positions = _ANY_OF.get(cmd) or _ALL_OF.get(cmd)
        if positions is None:
            continue  # a command Pattern's or-chain does not test never fires
        to_tag[rank] = r[1]
        if cmd in _ANY_OF or len(positions) == 1:
            for pos in positions:
                _merge(single.setdefault(frm, {}).setdefault(pos, {}), args[0], rank)
        else:
            _merge(pairs.setdefault(frm, {}).setdefault(positions, {}), args, rank)
    index = {}
    for tag in set(single) | set(pairs) | {"*"}:
        one: dict[tuple[int, int], dict] = {}
        two: dict[tuple, dict] = {}
        for src, dst in ((single, one), (pairs, two)):
            for frm in ("*", tag) if tag != "*" else ("*",):
                for pos, keys in src.get(frm, {}).items():
                    merged = dst.setdefault(pos, {})
                    for key, rank in keys.items():
                        _merge(merged, key, rank)
        index[tag] = (tuple((o, f, keys) for (o, f), keys in one.items()),
                      tuple((o1, f1, o2, f2, keys) for ((o1, f1), (o2, f2)), keys in two.items()))
    return index, to_tag


def _apply_context(tagged: list[list[str]]) -> None:
    """Left to right; at each token every rule tests its original tag and the last matching rule decides."""
    index, to_tag = _context_index()
    star = index["*"]
    t = [_PAD] * 3 + tagged + [_PAD] * 3
    for i in range(3, len(t) - 3):
        single, pairs = index.get(t[i][1], star)
        best = -1
        for off, field, keys in single:
            rank = keys.get(t[i + off][field])
            if rank is not None and rank > best:
                best = rank
        for o1, f1, o2, f2, keys in pairs:
            rank = keys.get((t[i + o1][f1], t[i + o2][f2]))
            if rank is not None and rank > best:
                best = rank
        if best >= 0:
            t[i] = [t[i][0], to_tag[best]]
    tagged[:] = t[3:-3]


def _apply_entities(tagged: list[list[str]]) -> None:
    ents = _data.entities()
    i, n = 0, len(tagged)
    while i < n:
        w = tagged[i][0].lower()
        if ("@" in w or w.startswith(("http://", "www."))) and (_URL.match(w) or _WWW.match(w) or _EMAIL.match(w)):
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
                    token[1] = (token[1] if token[1] == "NNPS" else "NNP") + suffix
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
