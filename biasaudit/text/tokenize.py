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
from bisect import bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate, filterfalse

from biasaudit.text import memos

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
_CLOSERS = frozenset("\"')]}")


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


_breaks: dict[tuple, bool] = {}
_CACHE_LIMIT = 1 << 14  # entries; cleared when full, so memory stays a few MB


@memos.register
def _clear_memos() -> None:
    _breaks.clear()


def _contains_break_memo(context: str, abbreviations: frozenset[str]) -> bool:
    """``_contains_break``, memoised: contexts are a word, its period and the next word, and they repeat."""
    key = (context, abbreviations)
    out = _breaks.get(key)
    if out is None:
        if len(_breaks) >= _CACHE_LIMIT:
            _breaks.clear()
        out = _breaks[key] = _contains_break(context, abbreviations)
    return out


def _context_breaks(tok: str, after: str, next_tok: str | None, abbreviations: frozenset[str]) -> bool:
    """``_contains_break(tok + after)``, memoised on what it depends on. Punkt's tokens do not cross whitespace,
    so a context ``tok + spaces + next_tok`` has the tokens of ``tok`` then those of ``next_tok``. Without a
    ``.?!`` in ``next_tok`` no token of it can break; then ``next_tok`` counts only through ``_breaks_at``'s test
    of its first token, "punctuation or lower case": that token is one of ``;:,`` (never the start of a longer
    one) or begins with ``next_tok[0]``. So the key is ``tok`` and that test, which repeat far more than
    ``next_tok`` does."""
    if next_tok is None or "." in next_tok or "?" in next_tok or "!" in next_tok:
        return _contains_break_memo(tok + after, abbreviations)
    first = next_tok[0]
    key = (tok, first in ";:," or first.islower(), abbreviations)
    out = _breaks.get(key)
    if out is None:
        if len(_breaks) >= _CACHE_LIMIT:
            _breaks.clear()
        out = _breaks[key] = _contains_break(tok + after, abbreviations)
    return out


def punkt_sentences(text: str, abbreviations: frozenset[str] = ENGLISH_ABBREVIATIONS) -> list[str]:
    """Split ``text`` into sentences as Punkt would on lower-cased text (see the module docstring)."""
    if not any(c in text for c in ".?!"):
        return [text] if text else []
    return _sentences(text, _PERIOD_CONTEXT.finditer(text), 0, abbreviations)


def _sentences(text: str, contexts: Iterable[re.Match], offset: int, abbreviations: frozenset[str]) -> list[str]:
    """The sentences of ``text`` given its period contexts (matches in a string where ``text`` starts at
    ``offset``)."""
    slices, last = [], 0
    for m in contexts:
        tok, after, next_tok = m.group(0, "after_tok", "next_tok")
        if _context_breaks(tok, after, next_tok, abbreviations):
            slices.append([last, m.end() - offset])
            last = (m.start("next_tok") if next_tok else m.end()) - offset
    if not slices:
        return [text] if text else []
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
        # _REALIGN needs a closing quote/bracket there (a cheap test first: most sentences start with a word)
        m = _REALIGN.match(text, nxt[0], nxt[1]) if text[nxt[0]:nxt[0] + 1] in _CLOSERS else None
        if m:  # closing quotes/brackets after the break belong to this sentence
            out.append(text[start:nxt[0] + len(m.group(0).rstrip())])
            realign = m.end() - nxt[0]
        else:
            realign = 0
            if text[start:stop]:
                out.append(text[start:stop])
    return out


# Many texts in one scan: joined by a whitespace character that they do not hold ("record separator"), with the
# lookahead's whitespace run not crossing it, every text's period contexts are the ones it has alone (the
# separator ends a text as the end of the string does: it is neither a token nor whitespace before one).
# Every match starts where its run of non-space starts ("(?<!\S)", so the scan skips positions inside words):
# greedy, it ends at the run's last ".?!" that has its lookahead, so no later one in the run can match, and if
# none matches from the run's start, none matches from inside the run either.
_SEPARATOR = "\x1e"
_PERIOD_CONTEXT_JOINED = re.compile(
    r"(?<!\S)\S*[.?!](?=(?P<after_tok>" + _NON_WORD + r"|[^\S\x1e]+(?P<next_tok>\S+)))")

_CANDIDATE = re.compile(r"[.?!](?=" + _NON_WORD + r"|[^\S\x1e]+\S)")


def punkt_sentences_many(texts: list[str], abbreviations: frozenset[str] = ENGLISH_ABBREVIATIONS
                         ) -> list[list[str]]:
    """``[punkt_sentences(t) for t in texts]``, one regex scan over all of them."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):  # a text holds the separator: one by one
        return [punkt_sentences(t, abbreviations) for t in texts]
    out = [[t] if t else [] for t in texts]
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    # A text has a period context iff one of its ".?!" has the lookahead's context in the text (then the match
    # starting there at least succeeds). Most short texts have none (a final "." ends the text): then scanning
    # only the few that do, one by one, beats the regex scan of the whole batch (tried at every position).
    few: set[int] = set()
    for m in _CANDIDATE.finditer(joined):
        few.add(bisect_right(starts, m.start()) - 1)
        if 4 * len(few) > len(texts):
            break
    else:
        for i in few:
            out[i] = punkt_sentences(texts[i], abbreviations)
        return out
    contexts: dict[int, list[re.Match]] = {}
    for m in _PERIOD_CONTEXT_JOINED.finditer(joined):
        contexts.setdefault(bisect_right(starts, m.start()) - 1, []).append(m)
    for i, matches in contexts.items():
        out[i] = _sentences(texts[i], matches, starts[i], abbreviations)
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


_GROUP_REF = re.compile(r"\\(\d|g<\d+>)")


def _expander(repl: str | Callable[[re.Match], str]) -> str | Callable[[re.Match], str]:
    """``repl`` as a function of the match when it refers to groups (what ``re`` does per match, without its
    Python-level template machinery; an unmatched group gives "", as in ``re``); plain text stays as is."""
    if not isinstance(repl, str):
        return repl
    parts = _GROUP_REF.split(repl)
    literals, groups = parts[0::2], [int(g.strip("g<>")) for g in parts[1::2]]
    if not groups or any("\\" in lit for lit in literals):
        return repl

    def expand(m: re.Match) -> str:
        out = literals[0]
        for group, literal in zip(groups, literals[1:]):
            out += (m.group(group) or "") + literal
        return out
    return expand


class _RuleList:
    """Rules applied in order, each only if one of its needles is in the text. A needle can only be there if its
    first character is in the text or added by a replacement, so which rules to look at depends only on which
    needle-initial characters the text holds: that list is worked out once per such set (C-level set work)."""

    def __init__(self, rules: tuple[_Rule, ...]) -> None:
        self.rules = tuple((pattern, _expander(repl), needles) for pattern, repl, needles in rules)
        self.firsts = frozenset(n[0] for _, _, needles in rules for n in needles)
        # characters a replacement adds to the text (a function adds spaces only); over-counting copies of
        # matched characters is harmless: it only makes more rules candidates
        added = "".join(_GROUP_REF.sub("", repl) for _, repl, _ in rules if isinstance(repl, str))
        self.added = self.firsts.intersection(added)
        self._candidates: dict[frozenset[str], tuple[_Rule, ...]] = {}

    def apply(self, text: str) -> str:
        # a set of a long text's characters costs a pass per character; ``in`` per first character is faster
        key = (self.firsts.intersection(text) if len(text) < 512
               else frozenset(filter(text.__contains__, self.firsts))) | self.added
        todo = self._candidates.get(key)
        if todo is None:
            if len(self._candidates) >= 4096:
                self._candidates.clear()
            todo = self._candidates[key] = tuple(
                rule for rule in self.rules if not key.isdisjoint(n[0] for n in rule[2]))
        for pattern, repl, needles in todo:
            if any(map(text.__contains__, needles)):
                text = pattern.sub(repl, text)
        return text


_STEPS_LIST, _ENDING_LIST = _RuleList(_STEPS), _RuleList(_ENDING)
# Contractions are guarded on the lower-cased text as it is before any of them applies; one search finds
# whether any needle is there at all (most sentences have none).
_ANY_CONTRACTION = re.compile("|".join(re.escape(n) for _, _, needles in _CONTRACTIONS for n in needles))


def treebank_words(sentence: str) -> list[str]:
    """Treebank word tokens of one sentence (NLTK 3.2.5 rules, no parenthesis conversion)."""
    text = _ENDING_LIST.apply(" " + _STEPS_LIST.apply(sentence) + " ")
    lowered = text.lower()
    if _ANY_CONTRACTION.search(lowered):
        for pattern, repl, needles in _CONTRACTIONS:
            if any(map(lowered.__contains__, needles)):
                text = pattern.sub(repl, text)
    return text.split()


def word_tokenize(text: str, abbreviations: frozenset[str] = ENGLISH_ABBREVIATIONS) -> list[str]:
    """``nltk.word_tokenize`` of NLTK 3.2.5: Treebank tokens of each Punkt sentence."""
    return [tok for sent in punkt_sentences(text, abbreviations) for tok in treebank_words(sent)]


# --- The same rules over many sentences at once ------------------------------------------------------------
# Python-level calls, not regex work, dominate on short sentences. Joined by "\n", many sentences take one
# ``sub`` per rule, provided no match can touch a "\n": under re.MULTILINE ``^``/``$`` stop at it, ``\s`` becomes
# "whitespace but \n" and every negated class excludes it. Sentences that hold a "\n" go one by one.
# On a long string a rule that starts with a class is scanned at every position; one that starts with a literal
# jumps from occurrence to occurrence. So where it is provably the same substitution, a rule "(c)X" (c one
# character of a class) is written "X(?<=cX)" and keeps c: the same positions match, because c can never be the
# last character of the previous match (noted per rule), and the replacement drops the copy of c.
def _line_rules(rules: tuple[_Rule, ...]) -> tuple[_Rule, ...]:
    return tuple((_C(p.pattern.replace("[^", r"[^\n").replace(r"\s", r"[^\S\n]"), re.MULTILINE), repl, needles)
                 for p, repl, needles in rules)


class _Replace:
    """``str.replace`` in a rule's pattern slot: the same as ``re.sub`` of a literal (both replace non-overlapping
    occurrences left to right) or of a one-character class whose replacement only adds spaces, one rule per
    character (then no replacement can make or unmake another's match). C-level, no callback per match."""

    def __init__(self, old: str) -> None:
        self.pattern = old

    def sub(self, new: str, text: str) -> str:
        return text.replace(self.pattern, new)


def _spaced(chars: str) -> tuple[_Rule, ...]:
    """A class rule ``[chars]`` -> `` \\g<0> ``, as one ``str.replace`` per character."""
    return tuple((_Replace(c), f" {c} ", (c,)) for c in chars)


def _line(pattern: str) -> re.Pattern:
    return _C(pattern, re.MULTILINE)


_COLON_COMMA = _line_rules(_STEPS[4:5])[0][0]


def _colon_comma_runs(m: re.Match) -> str:
    """The rule ``([:,])([^\\d])`` on one run of ``:``/``,`` and the character after it: within a run, which of
    them get spaced depends on the run (a pair's second character is consumed), so the run goes through it."""
    return _COLON_COMMA.sub(r" \1 \2", m.group())


# Literal replacements where the rule allows it: a replacement function per match (what ``re`` does for group
# references) costs more than the regex work. Each split is argued beside it; tests compare with the rules as
# NLTK writes them (tests/test_fast_paths_equivalence.py, tests/test_tokenize_batch.py).
_STEPS_LINES = _RuleList((
    (_line(r'"(?<=^")'), "``", ('"',)),
    (_Replace("``"), " `` ", ("``",)),
    (_line(r'"(?<=[ (\[{<]")'), " `` ", ('"',)),  # the previous match ends in '"', not in the class
    # word_tokenize's final-period patch, at a line end so at most one match per line (no later "." can be
    # followed only by the class and spaces): with closers/spaces after the period first (it ends the line in
    # a space), then a period that ends the line bare, whose group is empty (a literal replacement)
    (_line(r"\.(?<=[^\n.]\.)([\]\)}>\"\' ]+)[^\S\n]*$"), r" . \1 ", (".",)),
    (_line(r"\.(?<=[^\n.]\.)(?![\]\)}>\"\' ])[^\S\n]*$"), " .  ", (".",)),
    # ([:,])([^\d]) -> " \1 \2": a lone ":" or "," (no ":"/"," either side) followed by one more character
    # only gets spaced (the character is not ":"/",", so it never starts a match); runs go through the rule.
    (_line(r",(?<![:,],)(?=[^\n\d:,])"), " , ", (",",)),
    (_line(r":(?<![:,]:)(?=[^\n\d:,])"), " : ", (":",)),
    (_line(r"[:,]{2,}[^\n\d]?"), _colon_comma_runs, (",,", ",:", ":,", "::")),
    (_line(r",$"), " , ", (",",)), (_line(r":$"), " : ", (":",)),
    (_Replace("..."), " ... ", ("...",)),
    *_spaced(";@#$%&"),
    # Treebank's final period (no space in the class): with closers first, then without (a literal)
    (_line(r"\.(?<=[^\n.]\.)([\]\)}>\"\']+)[^\S\n]*$"), r" .\1 ", (".",)),
    (_line(r"\.(?<=[^\n.]\.)[^\S\n]*$"), " . ", (".",)),
    *_spaced("?!"),
    _line_rules(_STEPS[10:11])[0],  # ([^'])' : the previous match can end in the class (" "), so as it is
    *_spaced("][(){}<>"),
    (_Replace("--"), " -- ", ("--",)),
))
_ENDING_LINES = _RuleList((
    (_Replace('"'), " '' ", ('"',)),
    _line_rules(_ENDING[1:2])[0],
    # '[sSmMdD]? and 'll|'re|'ve|n't (and upper case) followed by " ", after a character not in [\n' ]: both
    # rules only put a space before their match, whose first character is the only "'" or "n" in it, so the
    # space goes in front of that character (a literal replacement); no match changes another's context.
    (_line(r"'(?<=[^\n' ]')(?=[sSmMdD]? |ll |LL |re |RE |ve |VE )"), " '", ("'",)),
    (_line(r"n(?<=[^\n' ]n)(?='t )"), " n", ("n't ",)),
    (_line(r"N(?<=[^\n' ]N)(?='T )"), " N", ("N'T ",)),
))
_CONTRACTION_LINES = _line_rules(_CONTRACTIONS)


def treebank_words_many(sentences: list[str]) -> list[list[str]]:
    """``[treebank_words(s) for s in sentences]``, each rule applied once to all sentences without a newline."""
    return [line.split() for line in _treebank_lines(sentences)]


def _treebank_lines(sentences: list[str]) -> list[str]:
    """Per sentence, its Treebank tokens separated by whitespace (no newline)."""
    if not sentences:
        return []
    joined = "\n".join(sentences)
    alone = [] if joined.count("\n") == len(sentences) - 1 else [i for i, s in enumerate(sentences) if "\n" in s]
    if alone:
        joined = "\n".join(s for s in sentences if "\n" not in s)
    text = _ENDING_LINES.apply(" " + _STEPS_LINES.apply(joined).replace("\n", " \n ") + " ")
    lowered = text.lower()
    if _ANY_CONTRACTION.search(lowered):
        for pattern, repl, needles in _CONTRACTION_LINES:
            if any(map(lowered.__contains__, needles)):
                text = pattern.sub(repl, text)
    lines = text.split("\n")
    if len(lines) != len(sentences) - len(alone):  # cannot happen (no rule adds or removes a newline)
        return [" ".join(treebank_words(s)) for s in sentences]
    for i in alone:
        lines.insert(i, " ".join(treebank_words(sentences[i])))
    return lines


def word_tokenize_many(texts: list[str], abbreviations: frozenset[str] = ENGLISH_ABBREVIATIONS,
                       drop: frozenset[str] = frozenset()) -> list[list[str]]:
    """``[word_tokenize(t) for t in texts]`` with Punkt's scan and each Treebank rule run once over all of them;
    tokens in ``drop`` are left out."""
    splits = punkt_sentences_many(texts, abbreviations)
    lines = _treebank_lines([s for sents in splits for s in sents])
    out, start = [], 0
    dropped = drop.__contains__
    for sents in splits:  # a text's tokens: its lines' tokens (no token holds whitespace), in one split
        n = len(sents)
        words = lines[start].split() if n == 1 else " ".join(lines[start:start + n]).split()
        out.append(list(filterfalse(dropped, words)) if drop else words)
        start += n
    return out


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as Python 2's ``str.lower()`` did on the reference's byte strings."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
