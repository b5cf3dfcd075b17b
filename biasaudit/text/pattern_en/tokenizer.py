"""Pattern 2.6's English tokenizer and sentence splitter (``find_tokens``), ported with its quirks.

Reproduces what the Hutto et al. (2015) reference fed it (a Python 2 byte string); must not "fix" its behaviour.
On a byte string Pattern skips its Unicode-only steps (splitting off curly quotes, the curly closing quotes of
the sentence splitter, the non-ASCII emoticons), so they are left out here too.
"""
from __future__ import annotations

import re
from itertools import compress

from biasaudit.text import memos

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
_ENDS = frozenset(("...", ".", "!", "?", _EOS))


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


_chunks: dict[str, tuple[str, ...]] = {}
_CACHE_LIMIT = 1 << 14  # entries; cleared when full, so memory stays a few MB


@memos.register
def _clear_memos() -> None:
    _chunks.clear()


def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """``_split_word`` of one whitespace-delimited chunk, memoised (chunks repeat: they are mostly words)."""
    out = _chunks.get(chunk)
    if out is None:
        if len(_chunks) >= _CACHE_LIMIT:
            _chunks.clear()
        tokens: list[str] = []
        _split_word(chunk, tokens)
        out = _chunks[chunk] = tuple(tokens)
    return out


# An emoticon match changes the line only if it spans a space, i.e. holds two of its characters around one:
# no such pair, no change. The class test is a superset of the adjacent pairs (then the real rule runs).
_PAIRS = {e[i:i + 2] for e in _EMOTICONS for i in range(len(e) - 1)}
_MAYBE_SPLIT_EMOTICON = re.compile(
    "[" + re.escape("".join(sorted({a for a, _ in _PAIRS}))) + "] [" + re.escape("".join(sorted({b for _, b in _PAIRS})))
    + "]")


def _glue_emoticons(line: str) -> str:
    """Pattern's sarcasm and emoticon rules: "( ! )" -> "(!)", ": )" -> ":)"; skipped when they cannot match."""
    if "( !" in line or "! )" in line:
        line = _RE_SARCASM.sub("(!)", line)
    if _MAYBE_SPLIT_EMOTICON.search(line):
        line = _RE_EMOTICONS.sub(lambda m: m.group(1).replace(" ", "") + m.group(2), line)
    return line


def find_tokens(text: str) -> list[list[str]]:
    """Sentences as token lists, split exactly where Pattern 2.6 splits them (quirks included)."""
    if "'" in text:  # every contraction holds one
        for a, b in _REPLACE.items():
            text = text.replace(a, b)
    text = text.replace("\r\n", "\n")
    if "\n\n" in text:
        text = _LINEBREAK.sub(f" {_EOS} ", text)
    if "  " in text or any(map(text.__contains__, "\t\n\r\x0b\x0c")):  # else only single spaces: no change
        text = _SPACES.sub(" ", text)
    known = _chunks.get
    # Only single spaces are left of ASCII whitespace, so Pattern's _TOKEN.findall(text + " ") is a split on them.
    tokens = [token for chunk in text.split(" ") if chunk for token in (known(chunk) or _chunk_tokens(chunk))]
    sentences: list[list[str]] = [[]]
    i = j = 0
    n = len(tokens)
    eos = _EOS in tokens
    for end in list(compress(range(n), map(_ENDS.__contains__, tokens))):  # Pattern's scan, from end to end
        if end < j:
            continue  # taken in by the closers after the previous end
        j = end
        while j < n and tokens[j] in _CLOSERS:
            # Pattern counts quotes in the (still empty) new sentence, so a quote always stops here.
            if tokens[j] in ("'", '"') and sentences[-1].count(tokens[j]) % 2 == 0:
                break
            j += 1
        sentences[-1].extend([t for t in tokens[i:j] if t != _EOS] if eos else tokens[i:j])
        sentences.append([])
        i = j
        j += 1
    sentences[-1].extend(tokens[i:])
    if not eos:  # each sentence is then a run of tokens: if the glue cannot apply to all, it cannot to any
        everything = " ".join(tokens)
        if "( !" not in everything and "! )" not in everything and not _MAYBE_SPLIT_EMOTICON.search(everything):
            return [s for s in sentences if s]
    out = []
    for s in sentences:
        if s:
            line = " ".join(s)
            glued = _glue_emoticons(line)
            out.append(s if glued == line else glued.split(" "))  # no token holds a space: s round-trips
    return out
