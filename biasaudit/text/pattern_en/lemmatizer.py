"""Pattern 2.6's English lemmatiser: ``singularize`` for NNS, the infinitive from en-verbs.txt (or rules) for VB*/MD.

Reproduces Pattern's output, odd cases included ("taxes" -> "taxe"); must not use any other morphology.
"""
from __future__ import annotations

import re
from functools import lru_cache

from biasaudit.text import memos
from biasaudit.text.pattern_en import _data

_VOWELS = "aeiouy"
_HAS_VOWEL = re.compile(r"a|e|i|o|u|y", re.IGNORECASE)

_PREPOSITIONS = frozenset((
    "about", "before", "during", "of", "till", "above", "behind", "except", "off", "to", "across", "below",
    "for", "on", "under", "after", "beneath", "from", "onto", "until", "among", "beside", "in", "out", "unto",
    "around", "besides", "into", "over", "upon", "at", "between", "near", "since", "with", "athwart", "betwixt",
    "beyond", "but", "by",
))
_UNINFLECTED = (
    "bison", "debris", "headquarters", "pincers", "trout", "bream", "diabetes", "herpes", "pliers", "tuna",
    "breeches", "djinn", "high-jinks", "proceedings", "whiting", "britches", "eland", "homework", "rabies",
    "wildebeest", "carp", "elk", "innings", "salmon", "chassis", "flounder", "jackanapes", "scissors",
    "christmas", "gallows", "mackerel", "series", "clippers", "georgia", "measles", "shears", "cod", "graffiti",
    "mews", "species", "contretemps", "mumps", "swine", "corps", "news", "swiss",
)
_UNCOUNTABLE = (
    "advice", "equipment", "happiness", "luggage", "news", "software", "bread", "fruit", "information",
    "mathematics", "progress", "understanding", "butter", "furniture", "ketchup", "mayonnaise", "research",
    "water", "cheese", "garbage", "knowledge", "meat", "rice", "electricity", "gravel", "love", "mustard", "sand",
)
_IE = (  # "^pie" and "^tie" never match: Pattern tests them with endswith
    "alergie", "cutie", "hoagie", "newbie", "softie", "veggie", "auntie", "doggie", "hottie", "nightie",
    "sortie", "weenie", "beanie", "eyrie", "indie", "oldie", "stoolie", "yuppie", "birdie", "freebie", "junkie",
    "^pie", "sweetie", "zombie", "bogie", "goonie", "laddie", "pixie", "techie", "bombie", "groupie", "laramie",
    "quickie", "^tie", "collie", "hankie", "lingerie", "reverie", "toughie", "cookie", "hippie", "meanie",
    "rookie", "valkyrie",
)
_IRREGULAR = {
    "atlantes": "atlas", "atlases": "atlas", "axes": "axe", "beeves": "beef", "brethren": "brother",
    "children": "child", "corpora": "corpus", "corpuses": "corpus", "ephemerides": "ephemeris", "feet": "foot",
    "ganglia": "ganglion", "geese": "goose", "genera": "genus", "genii": "genie", "graffiti": "graffito",
    "helves": "helve", "kine": "cow", "leaves": "leaf", "loaves": "loaf", "men": "man", "mongooses": "mongoose",
    "monies": "money", "moves": "move", "mythoi": "mythos", "numena": "numen", "occipita": "occiput",
    "octopodes": "octopus", "opera": "opus", "opuses": "opus", "our": "my", "oxen": "ox", "penes": "penis",
    "penises": "penis", "people": "person", "sexes": "sex", "soliloquies": "soliloquy", "teeth": "tooth",
    "testes": "testis", "trilbys": "trilby", "turves": "turf", "zoa": "zoon",
}
_IRREGULAR_RE = {k: re.compile("(?i)" + k + "$") for k in _IRREGULAR}
_SINGULAR_RULES = [(re.compile(a), b) for a, b in (
    (r"(?i)(.)ae$", r"\1a"), (r"(?i)(.)itis$", r"\1itis"), (r"(?i)(.)eaux$", r"\1eau"),
    (r"(?i)(quiz)zes$", r"\1"), (r"(?i)(matr)ices$", r"\1ix"), (r"(?i)(ap|vert|ind)ices$", r"\1ex"),
    (r"(?i)^(ox)en", r"\1"), (r"(?i)(alias|status)es$", r"\1"), (r"(?i)([octop|vir])i$", r"\1us"),
    (r"(?i)(cris|ax|test)es$", r"\1is"), (r"(?i)(shoe)s$", r"\1"), (r"(?i)(o)es$", r"\1"),
    (r"(?i)(bus)es$", r"\1"), (r"(?i)([m|l])ice$", r"\1ouse"), (r"(?i)(x|ch|ss|sh)es$", r"\1"),
    (r"(?i)(m)ovies$", r"\1ovie"), (r"(?i)(.)ombies$", r"\1ombie"), (r"(?i)(s)eries$", r"\1eries"),
    (r"(?i)([^aeiouy]|qu)ies$", r"\1y"),
    (r"([aeo]l)ves$", r"\1f"), (r"([^d]ea)ves$", r"\1f"), (r"arves$", "arf"), (r"erves$", "erve"),
    (r"([nlw]i)ves$", r"\1fe"), (r"(?i)([lr])ves$", r"\1f"), (r"([aeo])ves$", r"\1ve"),
    (r"(?i)(sive)s$", r"\1"), (r"(?i)(tive)s$", r"\1"), (r"(?i)(hive)s$", r"\1"), (r"(?i)([^f])ves$", r"\1fe"),
    (r"(?i)(^analy)ses$", r"\1sis"),
    (r"(?i)((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$", r"\1\2sis"),
    (r"(?i)(.)opses$", r"\1opsis"), (r"(?i)(.)yses$", r"\1ysis"), (r"(?i)(h|d|r|o|n|b|cl|p)oses$", r"\1ose"),
    (r"(?i)(fruct|gluc|galact|lact|ket|malt|rib|sacchar|cellul)ose$", r"\1ose"), (r"(?i)(.)oses$", r"\1osis"),
    (r"(?i)([ti])a$", r"\1um"), (r"(?i)(n)ews$", r"\1ews"), (r"(?i)s$", ""),
)]


@lru_cache(maxsize=65536)
def singularize(word: str) -> str:
    """Pattern's ``singularize`` (noun): suffix tests in its order, then regex rules (first match wins)."""
    if "-" in word:
        parts = word.split("-")
        if len(parts) > 1 and parts[1] in _PREPOSITIONS:
            return singularize(parts[0]) + "-" + "-".join(parts[1:])
    if word.endswith("'"):
        return singularize(word[:-1]) + "'s"
    w = word.lower()
    if any(x.endswith(w) for x in _UNINFLECTED) or any(x.endswith(w) for x in _UNCOUNTABLE):
        return word
    if any(w.endswith(x + "s") for x in _IE):
        return w
    for x, rx in _IRREGULAR_RE.items():
        if w.endswith(x):
            return rx.sub(_IRREGULAR[x], word)
    for rx, repl in _SINGULAR_RULES:
        if rx.search(word):
            return rx.sub(repl, word)
    return word


def _rule_lemma(verb: str) -> str:
    """Pattern's ``Verbs.find_lemma``: base form of an unknown inflected verb by suffix rules."""
    v = verb.lower()
    if v in ("'m", "'re", "'s", "n't"):
        return "be"
    if v in ("'d", "'ll"):
        return "will"
    if v in "'ve":  # a substring test in Pattern (the tuple lacks its comma)
        return "have"
    if v.endswith("s"):
        if v.endswith("ies") and len(v) > 3 and v[-4] not in _VOWELS:
            return v[:-3] + "y"
        if v.endswith(("sses", "shes", "ches", "xes")):
            return v[:-2]
        return v[:-1]
    if v.endswith("ied") and _HAS_VOWEL.search(v[:-3]):
        return v[:-3] + "y"
    stripped = False
    if v.endswith("ing") and _HAS_VOWEL.search(v[:-3]):
        v, stripped = v[:-3], True
    if v.endswith("ed") and _HAS_VOWEL.search(v[:-2]):
        v, stripped = v[:-2], True
    if not stripped:
        return v
    if len(v) > 3 and v[-1] == v[-2] and v[-3] in _VOWELS and v[-4] not in _VOWELS and not v.endswith("ss"):
        return v[:-1]
    if v.endswith(("ick", "ack")):
        return v[:-1]
    if v.endswith(("v", "z", "c", "i")):
        return v + "e"
    if v.endswith(("dg", "lg", "ng", "rg")):
        return v + "e"
    if (v.endswith(("b", "d", "g", "k", "l", "m", "r", "s", "t")) and len(v) > 2 and v[-2] in _VOWELS
            and v[-3] not in _VOWELS and not v.endswith("er")):
        return v + "e"
    if v.endswith(("an", "in")) and not v.endswith(("ain", "oin", "oan")):
        return v + "e"
    if v.endswith("l") and len(v) > 1 and v[-2] not in _VOWELS:
        return v + "e"
    if v.endswith("f") and len(v) > 2 and v[-2] in _VOWELS and v[-3] not in _VOWELS:
        return v + "e"
    if v.endswith("e"):
        return v + "e"
    if v.endswith(("th", "ang", "un", "cr", "vr", "rs", "ps", "tr")):
        return v + "e"
    return v


@lru_cache(maxsize=65536)
def infinitive(verb: str) -> str:
    """``conjugate(verb, INFINITIVE) or verb``: table lookup (lower-cased first), else the suffix rules."""
    _, inverse = _data.verbs()
    base = inverse.get(verb.lower()) or inverse.get(verb) or _rule_lemma(verb)
    return base or verb


def lemma(word: str, tag: str) -> str:
    """Lower-cased lemma as Pattern's English ``find_lemmata`` gives it."""
    out = word
    if tag == "NNS":
        out = singularize(word)
    if tag.startswith(("VB", "MD")):
        out = infinitive(word)
    return out.lower()


@memos.register
def _clear_memos() -> None:
    singularize.cache_clear()
    infinitive.cache_clear()
