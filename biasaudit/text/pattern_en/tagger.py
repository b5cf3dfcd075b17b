"""Pattern 2.6's Brill-style English part-of-speech tagger: lexicon, unknown-word rules, context rules, entities.

Must tag exactly as Pattern does (its rule order and quirks), not better; rules are pre-indexed for speed.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import compress
from typing import NamedTuple

from biasaudit.text import memos
from biasaudit.text.pattern_en import _data, brill
from biasaudit.text.pattern_en.brill import RuleTables

_CD = re.compile(r"^[0-9\-\,\.\:\/\%\$]+$")
_URL = re.compile(r"^http://")
_WWW = re.compile(r"^www\..*?\.[com|org|net|edu|de|uk]$")  # a character class, as in Pattern
_EMAIL = re.compile(r"^[\w\-\.\+]+@(\w[\w\-]+\.)+[\w\-]+$", re.ASCII)
_ENTITY_TYPES = frozenset(("pers", "loc", "org"))
_MORPH_CMDS = frozenset(
    ("word", "char", "haspref", "hassuf", "addpref", "addsuf", "deletepref", "deletesuf", "goodleft", "goodright")
)
_MORPH_CMDS = _MORPH_CMDS | frozenset("f" + c for c in _MORPH_CMDS)
_PAD = ["STAART"] * 3  # Pattern pads each side with three (word, tag) = ("STAART", "STAART")


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


class _MorphIndex(NamedTuple):
    """The lexical rules by what they test, each value a list of rule numbers: whether a rule's test holds does
    not depend on the tag, so the tests can be made all at once and only the rules that hold walked in order."""

    suffixes: dict[str, list[int]]  # hassuf
    suffix_lengths: tuple[int, ...]
    prefixes: dict[str, list[int]]  # haspref
    prefix_lengths: tuple[int, ...]
    words: dict[str, list[int]]  # word
    chars: dict[str, list[int]]  # char (one character)
    next_words: dict[str, list[int]]  # goodleft (Pattern compares with the *next* word)
    prev_words: dict[str, list[int]]  # goodright (and the previous word here)
    others: tuple[tuple[int, str, str], ...]  # (rule number, command, x): char, add*/delete* (lexicon look-ups)


@lru_cache(maxsize=1)
def _morph_index() -> _MorphIndex:
    by_cmd: dict[str, dict[str, list[int]]] = {}
    others = []
    for i, (_, x, cmd, _) in enumerate(_morph_rules()):
        if cmd in ("hassuf", "haspref", "word", "goodleft", "goodright") or (cmd == "char" and len(x) == 1):
            by_cmd.setdefault(cmd, {}).setdefault(x, []).append(i)
        else:
            others.append((i, cmd, x))
    suffixes, prefixes = by_cmd.get("hassuf", {}), by_cmd.get("haspref", {})
    return _MorphIndex(suffixes, tuple(sorted({len(x) for x in suffixes})),
                       prefixes, tuple(sorted({len(x) for x in prefixes})),
                       by_cmd.get("word", {}), by_cmd.get("char", {}), by_cmd.get("goodleft", {}),
                       by_cmd.get("goodright", {}), tuple(others))


def _apply_morphology(word: str, prev_word: str | None, next_word: str | None) -> str:
    """Every lexical rule in order may retag the unknown word (start tag NN); a rule that needs a current tag
    applies only if the word has that tag by then."""
    known = _data.lexicon()
    index = _morph_index()
    hits: list[int] = []
    for length in index.suffix_lengths:
        hits += index.suffixes.get(word[-length:], ()) if length <= len(word) else ()
    for length in index.prefix_lengths:
        hits += index.prefixes.get(word[:length], ()) if length <= len(word) else ()
    hits += index.words.get(word, ())
    for char in index.chars.keys() & set(word):
        hits += index.chars[char]
    hits += index.next_words.get(next_word, ()) if next_word is not None else ()
    hits += index.prev_words.get(prev_word, ()) if prev_word is not None else ()
    for i, cmd, x in index.others:
        if cmd == "char":
            hit = x in word
        elif cmd == "addpref":
            hit = x + word in known
        elif cmd == "addsuf":
            hit = word + x in known
        elif cmd == "deletepref":
            hit = word.startswith(x) and word[len(x):] in known
        else:  # deletesuf: _morph_rules only yields the ten commands
            hit = word.endswith(x) and word[: -len(x)] in known
        if hit:
            hits.append(i)
    rules = _morph_rules()
    tag = "NN"
    for i in sorted(hits):
        need, _, _, pos = rules[i]
        if need is None or tag == need:
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


def _rule_conditions() -> list[tuple[str, str, tuple[tuple[int, int, str], ...]]]:
    """(from-tag, to-tag, conditions) per rule in rank order; a "1or2"-style rule becomes one rule per position.
    Commands Pattern's or-chain does not test never fire and are kept as rules without a way to fire."""
    out = []
    for r in _data.context():
        cmd, args = r[2].lower(), (r[3], r[4] if len(r) > 4 else "")
        if cmd in _ANY_OF:
            alternatives = tuple(((off, field, args[0]),) for off, field in _ANY_OF[cmd])
        elif cmd in _ALL_OF:
            alternatives = (tuple((off, field, a) for (off, field), a in zip(_ALL_OF[cmd], args)),)
        else:
            alternatives = ()
        out.append((r[0], r[1], alternatives))
    return out


@lru_cache(maxsize=1)
def _context_tables() -> RuleTables:
    """The context rules as ``brill.RuleTables``. Later rules rank higher; where several fire, the highest rank
    wins (Pattern applies them in file order)."""
    rules = _rule_conditions()
    ids: tuple[dict[str, int], dict[str, int]] = ({}, {})  # word ids, tag ids
    for frm, to, alternatives in rules:
        for tag in (frm, to):
            if tag != "*":
                ids[1].setdefault(tag, len(ids[1]) + 1)
        for conds in alternatives:
            for _, field, value in conds:
                ids[field].setdefault(value, len(ids[field]) + 1)
    names: list[str | None] = [None, *ids[1]]  # tag id -> tag; id 0 (any other tag) has only the "*" rules
    groups, single, table, pairs = array("i"), array("i"), array("i"), array("i")
    for tag in names:
        ranks: dict[int, array] = {}  # relative index -> rank per id there
        listed = []
        for rank, (frm, _, alternatives) in enumerate(rules):
            if frm not in (tag, "*"):
                continue
            for conds in alternatives:
                coded = [(2 * off + field, ids[field][value]) for off, field, value in conds]
                if len(coded) == 1:
                    (rel, value), = coded
                    if rel not in ranks:
                        ranks[rel] = array("i", [-1]) * (len(ids[rel % 2]) + 1)
                    ranks[rel][value] = rank  # later ranks overwrite: each id keeps its highest rank
                else:
                    (rel1, value1), (rel2, value2) = coded
                    listed.append((rank, rel1, value1, rel2, value2))
        groups += array("i", [len(single), len(single) + 2 * len(ranks), len(pairs), len(pairs) + 5 * len(listed)])
        for rel, by_id in ranks.items():
            single += array("i", [rel, len(table)])
            table += by_id
        for entry in sorted(listed, key=lambda e: -e[0]):  # stable: equal ranks keep file order
            pairs += array("i", entry)
    to_tags = tuple(to for _, to, _ in rules)
    return RuleTables(ids[0], ids[1], groups, single, table, pairs, array("i", [ids[1][to] for to in to_tags]),
                      to_tags)


def _context_tags(words: list[str], tags: list[str]) -> list[str]:
    """Brill context rules, left to right: at each token every rule tests its original tag (and the new tags of
    the tokens before it); the highest-ranked (last in the file) rule that fires decides."""
    w = _PAD + words + _PAD
    t = _PAD + tags + _PAD
    _context_pass(w, t, ((3, len(t) - 3),))
    return t[3:-3]


def _context_pass(w: list[str], t: list[str], spans: Iterable[tuple[int, int]]) -> None:
    """``_context_tags`` on padded lists, in place, over the ``(start, end)`` spans (left to right): the typed
    tables when brill.py is compiled, else the dict look-ups, which the interpreter runs faster."""
    if brill.COMPILED:
        _context_tables().run(w, t, spans)
    else:
        _dict_context_pass(w, t, spans)


_CURRENT_WORD = (0, 0)


class _Rules(NamedTuple):
    """The context rules one from-tag (with the "*" rules) can fire, by what they test; values are ranks. Each
    table is kept as its bound ``get``.

    ``by_word``: current word -> (rank of a rule on that word alone or -1, ((offset, field, value, rank), ...)
    for rules on that word and one other position); ``tags``/``words``: (offset, {value: rank}) for rules on
    one other position; ``pairs``: (offset1, field1, offset2, field2, {value1: {value2: rank}}).
    """

    by_word: Callable[[str], tuple[int, tuple[tuple[int, int, str, int], ...]] | None]
    tags: tuple[tuple[int, Callable[[str], int | None]], ...]
    words: tuple[tuple[int, Callable[[str], int | None]], ...]
    pairs: tuple[tuple[int, int, int, int, Callable[[str], dict[str, int] | None]], ...]


@lru_cache(maxsize=1)
def _context_dicts() -> tuple[dict[str, _Rules], tuple[str, ...]]:
    """The context rules as dicts for the interpreter: (from-tag -> the rules it and "*" can fire, rank -> new
    tag); the same rules and ranks as ``_context_tables``."""
    rules = _rule_conditions()
    index = {}
    for tag in {frm for frm, _, _ in rules}:
        by_word: dict[str, list] = {}
        tags: dict[int, dict[str, int]] = {}
        words: dict[int, dict[str, int]] = {}
        pairs: dict[tuple[int, int, int, int], dict[str, dict[str, int]]] = {}
        for rank, (frm, _, alternatives) in enumerate(rules):
            if frm not in (tag, "*"):
                continue
            for conds in alternatives:  # later ranks overwrite: the dicts keep each key's highest rank
                if len(conds) == 1 and conds[0][:2] == _CURRENT_WORD:
                    by_word.setdefault(conds[0][2], [-1, []])[0] = rank
                elif len(conds) == 1:
                    off, field, value = conds[0]
                    (words if field == 0 else tags).setdefault(off, {})[value] = rank
                elif _CURRENT_WORD in (conds[0][:2], conds[1][:2]):
                    mine, other = conds if conds[0][:2] == _CURRENT_WORD else conds[::-1]
                    by_word.setdefault(mine[2], [-1, []])[1].append((*other, rank))
                else:
                    (o1, f1, v1), (o2, f2, v2) = conds
                    pairs.setdefault((o1, f1, o2, f2), {}).setdefault(v1, {})[v2] = rank
        index[tag] = _Rules({w: (r, tuple(c)) for w, (r, c) in by_word.items()}.get,
                            tuple((off, d.get) for off, d in tags.items()),
                            tuple((off, d.get) for off, d in words.items()),
                            tuple((*k, v.get) for k, v in pairs.items()))
    return index, tuple(to for _, to, _ in rules)


def _dict_context_pass(w: list[str], t: list[str], spans: Iterable[tuple[int, int]]) -> None:
    """``_context_pass`` by dict look-ups (each position tests its original tag and the new tags before it)."""
    index, to_tag = _context_dicts()
    star = index["*"]
    fields = (w, t)
    for start, end in spans:
        for i in range(start, end):
            by_word, tag_rules, word_rules, pairs = index.get(t[i], star)
            best = -1
            own = by_word(w[i])
            if own is not None:
                best, conds = own
                for off, field, value, rank in conds:
                    if rank > best and fields[field][i + off] == value:
                        best = rank
            for off, get in tag_rules:
                rank = get(t[i + off])
                if rank is not None and rank > best:
                    best = rank
            for off, get in word_rules:
                rank = get(w[i + off])
                if rank is not None and rank > best:
                    best = rank
            for o1, f1, o2, f2, get in pairs:
                second = get(fields[f1][i + o1])
                if second is not None:
                    rank = second.get(fields[f2][i + o2])
                    if rank is not None and rank > best:
                        best = rank
            if best >= 0:
                t[i] = to_tag[best]


def _apply_context(tagged: list[list[str]]) -> None:
    """``_context_tags`` on ``[[word, tag], ...]``, in place."""
    new = _context_tags([w for w, _ in tagged], [t for _, t in tagged])
    for token, tag in zip(tagged, new):
        token[1] = tag


class _Entities(NamedTuple):
    """The entities starting with one word, in file order, and what the word after it must be for any to fit."""

    entities: tuple[tuple[tuple[str, ...], str], ...]  # (words without the type word, tag suffix)
    has_short: bool  # one of them is a single word (or none): no test on the next word
    second_words: frozenset[str]


@lru_cache(maxsize=1)
def _entity_index() -> dict[str, _Entities]:
    """First word (lower-cased) -> the entities starting with it."""
    out = {}
    for first, ents in _data.entities().items():
        entities = tuple((tuple(e[:-1]), "-" + e[-1].upper()) if e[-1] in _ENTITY_TYPES else (tuple(e), "")
                         for e in ents)
        out[first] = _Entities(entities, any(len(e) < 2 for e, _ in entities),
                               frozenset(e[1] for e, _ in entities if len(e) > 1))
    return out


_CACHE_LIMIT = 1 << 13  # entries; cleared when full
_EntityKey = tuple[str, "_Entities | None", bool] | str
_entity_keys: dict[str, _EntityKey] = {}


def _entity_key(word: str) -> _EntityKey:
    """(the word lower-cased, the names it may start, whether it may be a URL or e-mail address), or "" when
    neither (memoised: the entity pass then needs one look-up per token, on a string whose hash is known)."""
    if len(_entity_keys) >= _CACHE_LIMIT:
        _entity_keys.clear()
    w = word.lower()
    found = _entity_index().get(w)
    url = "@" in w or w.startswith(("http://", "www."))
    key = _entity_keys[word] = (w, found, url) if found is not None or url else ""
    return key


def _entity_tags(words: list[str], tags: list[str]) -> None:
    """URLs and e-mail addresses become NNP; known names (first listed that fits wins) NNP with a type suffix."""
    keys = list(map(_entity_keys.get, words))
    if None in keys:
        keys = [_entity_key(w) if k is None else k for w, k in zip(words, keys)]
    after = 0  # tokens before this index belong to an entity already found
    for i in compress(range(len(keys)), keys):
        if i < after:
            continue
        w, found, url = keys[i]
        if url and (_URL.match(w) or _WWW.match(w) or _EMAIL.match(w)):
            tags[i] = "NNP"
        if found is None:
            continue
        if not found.has_short and (i + 1 == len(words) or words[i + 1].lower() not in found.second_words):
            continue  # each of these entities needs a second word that is not there
        for entity, suffix in found.entities:
            if entity == tuple([x.lower() for x in words[i:i + len(entity)]]):
                span = max(len(entity), 1)
                for k in range(i, i + span):
                    tags[k] = (tags[k] if tags[k] == "NNPS" else "NNP") + suffix
                after = i + span
                break


def _apply_entities(tagged: list[list[str]]) -> None:
    """``_entity_tags`` on ``[[word, tag], ...]``, in place."""
    tags = [t for _, t in tagged]
    _entity_tags([w for w, _ in tagged], tags)
    for token, tag in zip(tagged, tags):
        token[1] = tag


_unknown: dict[tuple[str, str | None, str | None], str] = {}


@memos.register
def _clear_memos() -> None:
    _entity_keys.clear()
    _unknown.clear()


@lru_cache(maxsize=1)
def _neighbour_words() -> tuple[frozenset[str], frozenset[str]]:
    """(previous words, next words) some morphology rule tests; other neighbours cannot change a tag."""
    prev = frozenset(x for _, x, cmd, _ in _morph_rules() if cmd == "goodright")
    nxt = frozenset(x for _, x, cmd, _ in _morph_rules() if cmd == "goodleft")
    return prev, nxt


def _unknown_tag(word: str, prev_word: str | None, next_word: str | None) -> str:
    """Tag of a word the lexicon lacks: capitalised -> NNP, number-like -> CD, else the lexical rules (memoised
    on the word and on the neighbours only where a rule tests them)."""
    prev_tested, next_tested = _neighbour_words()
    key = (word, prev_word if prev_word in prev_tested else None, next_word if next_word in next_tested else None)
    tag = _unknown.get(key)
    if tag is None:
        if len(_unknown) >= _CACHE_LIMIT:
            _unknown.clear()
        if word.istitle():
            tag = "NNP"
        elif _CD.match(word):
            tag = "CD"
        else:
            tag = _apply_morphology(word, key[1], key[2])
        _unknown[key] = tag
    return tag


def tag_tokens(tokens: list[str]) -> list[str]:
    """The tags ``find_tags`` gives, as a list of strings."""
    tags = _context_tags(tokens, _lexical_tags(tokens))
    _entity_tags(tokens, tags)
    return tags


def tag_sentences(sentences: list[list[str]]) -> list[list[str]]:
    """``[tag_tokens(s) for s in sentences]`` with one pass of the context rules over all of them: each rule
    looks at most three tokens away, so three pads between two sentences keep each one's view its own."""
    w, t, spans = list(_PAD), list(_PAD), []
    for tokens in sentences:
        start = len(w)
        w += tokens
        t += _lexical_tags(tokens)
        spans.append((start, len(w)))
        w += _PAD
        t += _PAD
    _context_pass(w, t, spans)
    out = []
    for tokens, (a, b) in zip(sentences, spans):
        tags = t[a:b]
        _entity_tags(tokens, tags)
        out.append(tags)
    return out


def _lexical_tags(tokens: list[str]) -> list[str]:
    """Tags before the context rules: the lexicon's, else those of the unknown-word rules."""
    lex = _data.lexicon()
    tags = list(map(lex.get, tokens))
    if tags and tags[0] is None:
        tags[0] = lex.get(tokens[0].lower())
    if None in tags:
        last = len(tokens) - 1
        for i, tag in enumerate(tags):
            if tag is None:
                tags[i] = _unknown_tag(tokens[i], tokens[i - 1] if i > 0 else None,
                                       tokens[i + 1] if i < last else None)
    return tags


def find_tags(tokens: list[str]) -> list[list[str]]:
    """[[word, tag], ...] for one sentence's tokens, as Pattern 2.6's ``find_tags`` (Penn tagset)."""
    return [[w, t] for w, t in zip(tokens, tag_tokens(tokens))]
