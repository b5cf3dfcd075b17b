"""Pattern 2.6's English tokenizer and sentence splitter (``find_tokens``), ported with its quirks.

Reproduces what the Hutto et al. (2015) reference fed it (a Python 2 byte string); must not "fix" its behaviour.
On a byte string Pattern skips its Unicode-only steps (splitting off curly quotes, the curly closing quotes of
the sentence splitter, the non-ASCII emoticons), so they are left out here too.
"""
from __future__ import annotations

import re

# Python 2 regexes without re.UNICODE: \s and \S are ASCII-only, so re.ASCII here.
_TOKEN = re.compile(r"(\S+)\s", re.ASCII)
_SPACES = re.compile(r"\s+", re.ASCII)
_LINEBREAK = re.compile(r"\n{2,}")
_EOS = "END-OF-SENTENCE"

PUNCTUATION = ".,;:!?()[]{}`''\"@#$^&*+-|=~_"
_LEAD = tuple(PUNCTUATION.replace(".", ""))
_TRAIL = _LEAD + (".",)

# Contractions split off the preceding word; applied in this order with re.sub, as Pattern does.
_REPLACE = {"'d": " 'd", "'m": " 'm", "'s": " 's", "'ll": " 'll", "'re": " 're", "'ve": " 've", "n't": " n't"}

# The 2013 list (as vendored by TextBlob from Pattern 2.6); Pattern's later master adds Dept., Col., Dr., ...
ABBREVIATIONS = frozenset((
    "a.", "adj.", "adv.", "al.", "a.m.", "c.", "cf.", "comp.", "conf.", "def.", "ed.", "e.g.", "esp.", "etc.",
    "ex.", "f.", "fig.", "gen.", "id.", "i.e.", "int.", "l.", "m.", "Med.", "Mil.", "Mr.", "n.", "n.q.",
    "orig.", "pl.", "pred.", "pres.", "p.m.", "ref.", "v.", "vs.", "w/",
))
_ABBR1 = re.compile(r"^[A-Za-z]\.$")
_ABBR2 = re.compile(r"^([A-Za-z]\.)+$")
_ABBR3 = re.compile("^[A-Z][" + "|".join("bcdfghjklmnpqrstvwxz") + "]+.$")  # "|" in the class: Pattern's

_EMOTICONS = (
    "<3", ">:D", ":-D", ":D", "=-D", "=D", "X-D", "x-D", "XD", "xD", "8-D",
    ">:P", ":-P", ":P", ":-p", ":p", ":-b", ":b", ":c)", ":o)", ":^)",
    ">:)", ":-)", ":)", "=)", "=]", ":]", ":}", ":>", ":3", "8)", "8-)",
    ">;]", ";-)", ";)", ";-]", ";]", ";D", ";^)", "*-)", "*)",
    ">:o", ":-O", ":O", ":o", ":-o", "o_O", "o.O",
    ">:/", ":-/", ":/", ":\\", ">:\\", ":-.", ":-s", ":s", ":S", ":-S", ">.>",
    ">:[", ":-(", ":(", "=(", ":-[", ":[", ":{", ":-<", ":c", ":-c", "=/",
    ":'(", ":'''(", ";'(",
)
# Longest first: Pattern's alternation order came from a Python 2 dict; longest-first is the sane reading.
_RE_EMOTICONS = re.compile(
    "(" + "|".join(r" ?".join(map(re.escape, e)) for e in sorted(_EMOTICONS, key=len, reverse=True)) + r")($|\s)",
    re.ASCII,
)
_RE_SARCASM = re.compile(r"\( ?\! ?\)")
_CLOSERS = ("'", '"', "...", ".", "!", "?", ")", _EOS)
_ENDS = ("...", ".", "!", "?", _EOS)


def _is_abbreviation(t: str) -> bool:
    return t in ABBREVIATIONS or bool(_ABBR1.match(t) or _ABBR2.match(t) or _ABBR3.match(t))


def _split_word(t: str, tokens: list[str]) -> None:
    """Split leading/trailing punctuation off one whitespace-delimited chunk (periods only if no abbreviation)."""
    tail: list[str] = []
    while t.startswith(_LEAD) and t not in _REPLACE:
        tokens.append(t[0])
        t = t[1:]
    while t.endswith(_TRAIL) and t not in _REPLACE:
        if t.endswith(_LEAD):
            tail.append(t[-1])
            t = t[:-1]
        if t.endswith("..."):
            tail.append("...")
            t = t[:-3].rstrip(".")
        if t.endswith("."):
            if _is_abbreviation(t):
                break
            tail.append(t[-1])
            t = t[:-1]
    if t != "":
        tokens.append(t)
    tokens.extend(reversed(tail))


def find_tokens(text: str) -> list[list[str]]:
    """Sentences as token lists, split exactly where Pattern 2.6 splits them (quirks included)."""
    for a, b in _REPLACE.items():
        text = text.replace(a, b)
    text = text.replace("\r\n", "\n")
    text = _LINEBREAK.sub(f" {_EOS} ", text)
    text = _SPACES.sub(" ", text)
    tokens: list[str] = []
    for t in _TOKEN.findall(text + " "):
        _split_word(t, tokens)
    sentences: list[list[str]] = [[]]
    i = j = 0
    n = len(tokens)
    while j < n:
        if tokens[j] in _ENDS:
            while j < n and tokens[j] in _CLOSERS:
                # Pattern counts quotes in the (still empty) new sentence, so a quote always stops here.
                if tokens[j] in ("'", '"') and sentences[-1].count(tokens[j]) % 2 == 0:
                    break
                j += 1
            sentences[-1].extend(t for t in tokens[i:j] if t != _EOS)
            sentences.append([])
            i = j
        j += 1
    sentences[-1].extend(tokens[i:j])
    out = []
    for s in sentences:
        if s:
            line = _RE_SARCASM.sub("(!)", " ".join(s))
            line = _RE_EMOTICONS.sub(lambda m: m.group(1).replace(" ", "") + m.group(2), line)
            out.append(line.split(" "))
    return out
