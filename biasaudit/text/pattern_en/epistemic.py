"""Pattern 2.6's epistemic ``modality()`` and ``mood()`` over a parsed sentence (word tables: Pattern, BSD-3).

Scores exactly as Pattern does, dead entries ("I", "ill-defined, inadequate") and double counts included; must
not round (callers round) and must not re-tokenise (takes ``sentence.Word`` lists).
"""
from __future__ import annotations

import re
from functools import lru_cache

from biasaudit.text import memos
from biasaudit.text.pattern_en.sentence import Word, _word, _words_literally, sentence_pieces


def _table(buckets: dict[float, str]) -> dict[str, float]:
    """word -> score. No word sits in two buckets of one table, so Pattern's bucket order does not matter."""
    return {w: k for k, words in buckets.items() for w in words.split("|")}


_MD = _table({-0.5: "would", -0.25: "could|dare|might", 0.0: "can|ca|may", 0.25: "ought|should",
              0.5: "shall|sha", 0.75: "will|'ll|wo", 1.0: "have|has|must|need"})
_VB = _table({
    -0.5: "dispute|disputed|doubt|question", -0.25: "hope|want|wish", 0.0: "guess|imagine|seek",
    0.25: "appear|bet|feel|hear|rumor|rumour|say|said|seem|seemed|sense|speculate|suspect|suppose|wager",
    0.5: "allude|anticipate|assume|claim|claimed|believe|believed|conjecture|consider|considered|decide|expect|"
         "find|found|hypothesize|imply|indicate|infer|postulate|predict|presume|propose|report|reported|suggest|"
         "suggested|tend|think|thought",
    0.75: "know|known|look|see|show|shown", 1.0: "certify|demonstrate|prove|proven|verify"})
_RB = _table({
    -1.0: "impossibly", -0.75: "hardly",
    -0.5: "presumptively|rarely|scarcely|seldomly|uncertainly|unlikely",
    -0.25: "almost|allegedly|debatably|nearly|presumably|purportedly|reportedly|reputedly|rumoredly|rumouredly|"
           "supposedly",
    0.0: "barely|hypothetically|maybe|occasionally|perhaps|possibly|putatively|sometimes|sporadically|"
         "traditionally|widely",
    0.25: "admittedly|apparently|arguably|believably|conceivably|feasibly|fairly|hopefully|likely|ostensibly|"
          "potentially|probably|quite|seemingly",
    0.5: "commonly|credibly|defendably|defensibly|effectively|frequently|generally|largely|mostly|normally|"
         "noticeably|often|plausibly|reasonably|regularly|relatively|typically|usually",
    0.75: "assuredly|certainly|clearly|doubtless|evidently|evitably|manifestly|necessarily|nevertheless|observably|"
          "ostensively|patently|plainly|positively|really|surely|truly|undoubtably|undoubtedly|verifiably",
    1.0: "absolutely|always|definitely|incontestably|indisputably|indubitably|ineluctably|inescapably|inevitably|"
         "invariably|obviously|unarguably|unavoidably|undeniably|unquestionably"})
_JJ = _table({
    -1.0: "absurd|prepostoreous|ridiculous", -0.75: "inconceivable|unthinkable",
    -0.5: "misleading|scant|unlikely|unreliable",
    # "ill-defined, inadequate" is one entry in Pattern (a missing comma), so neither word ever matches.
    -0.25: "customer-centric|doubtful|ever|ill-defined, inadequate|late|uncertain|unclear|unrealistic|"
           "unspecified|unsure|wild",
    0.0: "dynamic|possible|unknown",
    0.25: "according|creative|likely|local|innovative|interesting|potential|probable|several|some|talented|viable",
    0.5: "certain|generally|many|notable|numerous|performance-oriented|promising|putative|well-known",
    0.75: "concrete|credible|famous|important|major|necessary|original|positive|significant|real|robust|"
          "substantial|sure",
    1.0: "confirmed|definite|prime|undisputable"})
_NN = _table({
    -1.0: "fantasy|fiction|lie|myth|nonsense", -0.75: "controversy", -0.5: "criticism|debate|doubt",
    -0.25: "belief|chance|faith|luck|perception|speculation",
    0.0: "challenge|guess|feeling|hunch|opinion|possibility|question",
    0.25: "assumption|expectation|hypothesis|notion|others|team", 0.5: "example|proces|theory",
    0.75: "conclusion|data|evidence|majority|proof|symptom|symptoms", 1.0: "fact|truth|power"})
_CC_DT_IN = _table({0.0: "either|whether", 0.25: "however|some", 1.0: "despite"})
_PRP = _table({0.25: "I|my", 0.5: "our", 0.75: "we"})  # "I" is dead: lemmas are lower-case

#: (phrase, score): a phrase found as a case-sensitive substring of the sentence adds score (weight 2).
WEASEL_PHRASES = tuple((p, k) for k, ps in {
    -0.75: "popular belief", -0.5: "but that|but this|have sought|might have|seems to",
    -0.25: "may also|may be|may have|may have been|some have|sort of",
    0.0: "been argued|believed to|considered to|claimed to|is considered|is possible|overall solutions|"
         "regarded as|said to",
    0.25: "a number of|in some|one of|some of|many modern|many people|most people|some people|some cases|"
          "some studies|scientists|researchers",
    0.5: "in several|is likely|many of|many other|of many|of the most|such as|several reasons|several studies|"
         "several universities|wide range",
    0.75: "almost always|and many|and some|around the world|by many|in many|in order to|most likely",
    1.0: "i.e.|'s most|of course|There are|without doubt",
}.items() for p in ps.split("|"))



def _spaced_search(phrases: tuple[str, ...]) -> re.Pattern:
    """One search that finds whether any phrase holding a space is a substring. It starts at a space (a literal
    the regex engine scans for fast), tries what follows the phrase's first space (grouped by first character)
    and only then looks back for the whole phrase: far fewer tries than from every character."""
    by_first: dict[str, list[str]] = {}
    for p in sorted(phrases):
        rest = p.split(" ", 1)[1]
        by_first.setdefault(rest[0], []).append(f"{re.escape(rest[1:])}(?<={re.escape(p)})")
    return re.compile(" (?:" + "|".join(f"{re.escape(c)}(?:{'|'.join(alt)})" for c, alt in by_first.items()) + ")")


_SPACED_WEASEL = _spaced_search(tuple(p for p, _ in WEASEL_PHRASES if " " in p))
_SOLID_WEASEL = tuple(p for p, _ in WEASEL_PHRASES if " " not in p)  # three words: one ``in`` each


def _may_hold_weasel(r: str) -> bool:
    """Whether any weasel phrase is a substring of ``r``."""
    if _SPACED_WEASEL.search(r) is not None:
        return True
    for phrase in _SOLID_WEASEL:
        if phrase in r:
            return True
    return False

_BY_PREFIX = (("MD", _MD, 4), ("VB", _VB, 2), ("RB", _RB, 2), ("JJ", _JJ, 1), ("NN", _NN, 1),
              ("CC", _CC_DT_IN, 1), ("DT", _CC_DT_IN, 1), ("IN", _CC_DT_IN, 1),
              ("PRP", _PRP, 1), ("PRP$", _PRP, 1), ("WP", _PRP, 1))
_MODIFIERS = frozenset(("fully", "highly", "most", "much", "strongly", "very"))
_NEGATIONS = frozenset(("not", "n't", "never", "without"))
_FACTUAL = frozenset(("CD", '"', "'", ":", "("))


@lru_cache(maxsize=1024)
def _tables_for(tag: str) -> tuple[tuple[dict[str, float], int], ...]:
    """The (table, weight) pairs a tag is scored against: every prefix it starts with (PRP$ hits PRP twice)."""
    return tuple((table, weight) for prefix, table, weight in _BY_PREFIX if tag.startswith(prefix))


# What the previous word does to a score: nothing, a modifier (weight + 1) or a negation (k -> -k / 2).
_PLAIN, _BOOSTED, _NEGATED = 0, 1, 2
_Terms = tuple[tuple[float, ...], int]  # the increments of n, in Pattern's order, and of m


def _terms(tag: str | None, key: str) -> tuple[_Terms, _Terms, _Terms] | None:
    """The terms one word adds to n (in the order Pattern adds them, so the float sum is the same) and to m,
    after a plain word, a modifier and a negation; None when it adds none."""
    hits = []  # (weight, k) per table holding the word
    if tag:
        for table, weight in _tables_for(tag):
            k = table.get(key)
            if k is not None:
                hits.append((weight, k))
    factual = bool(tag) and tag in _FACTUAL
    if not hits and not factual:
        return None
    extra = ((0.75,), 1) if factual else ((), 0)
    plain = (tuple(w * k for w, k in hits) + extra[0], sum(w for w, _ in hits) + extra[1])
    boosted = (tuple((w + True) * k for w, k in hits) + extra[0], sum(w + True for w, _ in hits) + extra[1])
    negated = (tuple(w * (-k * 0.5) for w, k in hits) + extra[0], sum(w for w, _ in hits) + extra[1])
    return plain, boosted, negated


_PieceInfo = tuple[int, tuple[_Terms, _Terms, _Terms] | None, str]
_infos: dict[Word | tuple[str, str], _PieceInfo] = {}
_CACHE_LIMIT = 1 << 14  # entries; cleared when full, so memory stays a few MB


@memos.register
def _clear_memos() -> None:
    _infos.clear()


def _info(piece: Word | tuple[str, str]) -> _PieceInfo | None:
    """(what this word does to the next one, its terms after a plain/modifier/negation word or None, its
    string) for a ``Word`` or a (token, tag) key of ``sentence_pieces``; None when the key's token string holds
    a space (then only Pattern's literal route knows the words)."""
    w = _word(*piece) if len(piece) == 2 else piece  # a key, else a Word (or any (string, type, lemma))
    if w is None:
        return None
    if len(_infos) >= _CACHE_LIMIT:
        _infos.clear()
    lower = w.string.lower()
    effect = _BOOSTED if lower in _MODIFIERS else _NEGATED if lower in _NEGATIONS else _PLAIN
    info = _infos[piece] = (effect, _terms(w.type, w.lemma or lower), w.string)
    return info


def modality(words: list[Word]) -> float:
    """Epistemic modality in [-1, 1]; 1.0 when nothing modal is found. Unrounded."""
    known = _infos.get
    return _score([known(w) or _info(w) for w in words])


def text_modality(text: str) -> float:
    """``modality(sentence_words(text))`` without building the words: one memoised look-up per word."""
    pieces, sentences = sentence_pieces(text)
    if pieces is not None:
        known = _infos.get
        infos = [known(piece) or _info(piece) for piece in pieces]
        if None not in infos:
            return _score(infos)
    return modality(_words_literally(sentences))


def _score(infos: list[_PieceInfo]) -> float:
    """Pattern's score over the words' infos. The sum runs over the same terms in the same order as Pattern's
    loop, so the result is the same double."""
    n, m = 0.0, 0
    r = " ".join([string for _, _, string in infos]).rstrip(" .!")
    if _may_hold_weasel(r):  # rare; then Pattern's loop, for its order of summation
        for phrase, k in WEASEL_PHRASES:
            if phrase in r:
                n += k
                m += 2
    before = _PLAIN
    for effect, terms, _ in infos:
        if terms is not None:
            increments, dm = terms[before]
            for d in increments:
                n += d
            m += dm
        before = effect
    if m == 0:
        return 1.0
    return max(-1.0, min(n / m, 1.0))
