"""Pattern 2.6's epistemic ``modality()`` and ``mood()`` over a parsed sentence (word tables: Pattern, BSD-3).

Scores exactly as Pattern does, dead entries ("I", "ill-defined, inadequate") and double counts included; must
not round (callers round) and must not re-tokenise (takes ``sentence.Word`` lists).
"""
from __future__ import annotations

from functools import lru_cache

from oracles.pattern_en_reference.sentence import Word


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


def modality(words: list[Word]) -> float:
    """Epistemic modality in [-1, 1]; 1.0 when nothing modal is found. Unrounded."""
    n, m = 0.0, 0
    r = " ".join(w.string for w in words).rstrip(" .!")
    for phrase, k in WEASEL_PHRASES:
        if phrase in r:
            n += k
            m += 2
    prev = None
    for w in words:
        tag = w.type
        if tag:
            key = w.lemma or w.string.lower()
            boost = prev in _MODIFIERS
            negated = prev in _NEGATIONS
            for table, weight in _tables_for(tag):
                k = table.get(key)
                if k is not None:
                    weight += boost
                    n += weight * (-k * 0.5 if negated else k)
                    m += weight
            if tag in _FACTUAL:
                n += 0.75
                m += 1
        prev = w.string.lower()
    if m == 0:
        return 1.0
    return max(-1.0, min(n / m, 1.0))
