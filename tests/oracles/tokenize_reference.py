"""NLTK 3.2.5 ``word_tokenize`` (Punkt sentence split + Treebank words) re-implemented without NLTK data.

Exists so the Hutto et al. (2015) features see the reference's tokens; it must not download anything.

What differs from the reference, on purpose or by necessity (measured in tests/test_tokenize.py):
* Punkt's trained English parameters are not shipped. The splitter runs Punkt's own decision procedure with a
  hand-written abbreviation list (``ENGLISH_ABBREVIATIONS``) and no collocation / orthographic statistics. On
  lower-cased text (the only way the bias features call it) those statistics can only *prevent* a break after
  an initial or a number that is followed by a lower-case word, which is what this splitter assumes always.
* Treebank rules are NLTK 3.2.5's, applied to ``str`` the way Python 2 applied them to UTF-8 bytes: curly
  quotes and other non-ASCII characters are not split off (NLTK's unicode-quote patches never fired on bytes).
"""
from __future__ import annotations

import re

#: Lower-cased abbreviations (without the final period) that do not end a sentence. Hand-written: Punkt's
#: trained list is not available; these are common English abbreviations of news and dialogue text, minus
#: those that are also everyday words at the end of a sentence ("no.", "ill.", "sun.", "miss.", ...).
ENGLISH_ABBREVIATIONS: frozenset[str] = frozenset(["a.m", "p.m", "a.d", "b.c", "e.g", "i.e", "etc", "vs", "cf", "approx", "dept", "govt", "misc", "mr", "mrs", "ms", "messrs", "dr", "prof", "st", "jr", "sr", "sen", "rep", "gov", "pres", "lt", "maj", "capt", "cmdr", "sgt", "adm", "inc", "corp", "co", "ltd", "llc", "bros", "assn", "univ", "ave", "blvd", "rd", "mt", "ft", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "tue", "tues", "thu", "thur", "thurs", "fri", "u.s", "u.s.a", "u.k", "u.n", "e.u", "d.c", "n.y", "l.a", "ala", "ariz", "ark", "calif", "colo", "conn", "fla", "ga", "kan", "kans", "ky", "md", "mich", "minn", "mont", "neb", "nev", "okla", "penn", "tenn", "tex", "vt", "wis", "wyo"])

# --- Punkt (nltk.tokenize.punkt, PunktLanguageVars / PunktSentenceTokenizer, NLTK 3.2.5) -------------------
_NON_WORD = r"(?:[?!)\";}\]\*:@\'\({\[])"
_MULTI_CHAR = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
_WORD_START = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"
_PERIOD_CONTEXT = re.compile(
    r"\S*[.?!](?=(?P<after_tok>" + _NON_WORD + r"|\s+(?P<next_tok>\S+)))")
_PUNKT_WORD = re.compile(
    r"(" + _MULTI_CHAR + r"|(?=" + _WORD_START + r")\S+?(?=\s|$|" + _NON_WORD + "|" + _MULTI_CHAR
    + r"|,(?=$|\s|" + _NON_WORD + "|" + _MULTI_CHAR + r"))|\S)")
_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = re.compile(r"[^\W\d]\.$")
_ELLIPSIS = re.compile(r"\.\.+$")
_REALIGN = re.compile(r'["\')\]}]+?(?:\s+|(?=--)|$)', re.MULTILINE)


def _breaks_at(tok: str, next_tok: str | None, abbreviations: frozenset[str]) -> bool:
    """Punkt's first + second annotation pass for one token, given the token after it."""
    if tok in ".?!":
        return True  # first pass: a bare sentence-end character (Punkt's test is this substring test too)
    if _ELLIPSIS.match(tok) or not tok.endswith(".") or tok.endswith(".."):
        return False  # ellipsis, or not period-final: never a break on lower-cased text
    stem = tok[:-1].lower()
    initial = bool(_INITIAL.match(tok))
    if (stem in abbreviations or stem.split("-")[-1] in abbreviations) and not initial:
        return False  # an abbreviation: a break only if the next word is capitalised (never, lower-cased)
    # Orthographic heuristic: punctuation or a lower-case word after an initial/number is no sentence start.
    return not (next_tok is not None and (initial or _NUMERIC.match(tok.lower()))
                and (next_tok in ";:,.!?" or next_tok[0].islower()))


def _contains_break(context: str, abbreviations: frozenset[str]) -> bool:
    toks = [m.group() for m in _PUNKT_WORD.finditer(context)]
    return any(_breaks_at(t, toks[i + 1], abbreviations) for i, t in enumerate(toks[:-1]))


def punkt_sentences(text: str, abbreviations: frozenset[str] = ENGLISH_ABBREVIATIONS) -> list[str]:
    """Split ``text`` into sentences as Punkt would on lower-cased text (see the module docstring)."""
    if not any(c in text for c in ".?!"):
        return [text] if text else []
    slices, last = [], 0
    for m in _PERIOD_CONTEXT.finditer(text):
        if _contains_break(m.group() + m.group("after_tok"), abbreviations):
            slices.append([last, m.end()])
            last = m.start("next_tok") if m.group("next_tok") else m.end()
    slices.append([last, len(text)])
    out: list[str] = []
    realign = 0
    for i, (start, stop) in enumerate(slices):
        start += realign
        if i + 1 == len(slices):
            if text[start:stop]:
                out.append(text[start:stop])
            continue
        nxt = slices[i + 1]
        m = _REALIGN.match(text, nxt[0], nxt[1])
        if m:  # closing quotes/brackets after the break belong to this sentence
            out.append(text[start:nxt[0] + len(m.group(0).rstrip())])
            realign = m.end() - nxt[0]
        else:
            realign = 0
            if text[start:stop]:
                out.append(text[start:stop])
    return out


# --- Treebank (nltk.tokenize.treebank.TreebankWordTokenizer, NLTK 3.2.5, as used by word_tokenize) ---------
# Each rule carries the substrings one of which must be in the text for it to match at all: checking them
# (C-level ``in``) skips most of the ~27 substitutions on a typical short line.
_C = re.compile
_Rule = tuple[re.Pattern, str, tuple[str, ...]]
_STEPS: tuple[_Rule, ...] = (
    # starting quotes
    (_C(r'^"'), "``", ('"',)), (_C(r"(``)"), r" \1 ", ("``",)), (_C(r'([ (\[{<])"'), r"\1 `` ", ('"',)),
    # word_tokenize's final-period patch (inserted first in PUNCTUATION), then punctuation
    (_C(r"([^\.])(\.)([\]\)}>\"\' ]*)\s*$"), r"\1 \2 \3 ", (".",)),
    (_C(r"([:,])([^\d])"), r" \1 \2", (":", ",")), (_C(r"([:,])$"), r" \1 ", (":", ",")),
    (_C(r"\.\.\."), r" ... ", ("...",)), (_C(r"[;@#$%&]"), r" \g<0> ", (";", "@", "#", "$", "%", "&")),
    (_C(r"([^\.])(\.)([\]\)}>\"\']*)\s*$"), r"\1 \2\3 ", (".",)),
    (_C(r"[?!]"), r" \g<0> ", ("?", "!")), (_C(r"([^'])' "), r"\1 ' ", ("' ",)),
    # parentheses and brackets, double dashes
    (_C(r"[\]\[\(\)\{\}\<\>]"), r" \g<0> ", ("(", ")", "[", "]", "{", "}", "<", ">")),
    (_C(r"--"), r" -- ", ("--",)),
)
_ENDING: tuple[_Rule, ...] = (
    (_C(r'"'), " '' ", ('"',)), (_C(r"(\S)(\'\')"), r"\1 \2 ", ("''",)),
    (_C(r"([^' ])('[sS]|'[mM]|'[dD]|') "), r"\1 \2 ", ("'",)),
    (_C(r"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "), r"\1 \2 ", ("'",)),
)
# MacIntyre contractions (CONTRACTIONS2, CONTRACTIONS3); case-insensitive, so guarded on the lower-cased text
_CONTRACTIONS: tuple[_Rule, ...] = (
    (_C(r"(?i)\b(can)(not)\b"), r" \1 \2 ", ("cannot",)), (_C(r"(?i)\b(d)('ye)\b"), r" \1 \2 ", ("d'ye",)),
    (_C(r"(?i)\b(gim)(me)\b"), r" \1 \2 ", ("gimme",)), (_C(r"(?i)\b(gon)(na)\b"), r" \1 \2 ", ("gonna",)),
    (_C(r"(?i)\b(got)(ta)\b"), r" \1 \2 ", ("gotta",)), (_C(r"(?i)\b(lem)(me)\b"), r" \1 \2 ", ("lemme",)),
    (_C(r"(?i)\b(more)('n)\b"), r" \1 \2 ", ("more'n",)), (_C(r"(?i)\b(wan)(na)\s"), r" \1 \2 ", ("wanna",)),
    (_C(r"(?i) ('t)(is)\b"), r" \1 \2 ", ("'tis",)), (_C(r"(?i) ('t)(was)\b"), r" \1 \2 ", ("'twas",)),
)


def _apply(rules: tuple[_Rule, ...], text: str, guard_text: str | None = None) -> str:
    for pattern, repl, needles in rules:
        probe = text if guard_text is None else guard_text
        if any(n in probe for n in needles):
            text = pattern.sub(repl, text)
    return text


def treebank_words(sentence: str) -> list[str]:
    """Treebank word tokens of one sentence (NLTK 3.2.5 rules, no parenthesis conversion)."""
    text = _apply(_ENDING, " " + _apply(_STEPS, sentence) + " ")
    return _apply(_CONTRACTIONS, text, text.lower()).split()


def word_tokenize(text: str, abbreviations: frozenset[str] = ENGLISH_ABBREVIATIONS) -> list[str]:
    """``nltk.word_tokenize`` of NLTK 3.2.5: Treebank tokens of each Punkt sentence."""
    return [tok for sent in punkt_sentences(text, abbreviations) for tok in treebank_words(sent)]


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as Python 2's ``str.lower()`` did on the reference's byte strings."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
