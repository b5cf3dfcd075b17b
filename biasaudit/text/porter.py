"""Porter stemming with exactly the stems of NLTK 3.10.4's ``PorterStemmer().stem`` (mode NLTK_EXTENSIONS).

Why: the hate models' Davidson word block stems every new letter run of a scan, and NLTK's stemmer is pure Python
at ~8 µs a word (per call it builds rule lists, closures and a consonant string for every measure). Here the rules
are tables built once and grouped by last letter, so a word meets only the suffixes it could end with; the measure
m is counted over a prefix of the word in place, without slicing; and the compiled build (C types from porter.pxd)
walks the characters as C integers. The .py runs correctly as pure Python too.

Algorithm: M.F. Porter (1980), "An algorithm for suffix stripping", Program 14(3): 130-137. Behaviour reproduced:
NLTK's ``nltk.stem.porter`` (Apache-2.0, the NLTK Project), default mode, departures from the paper included:

- irregular forms ("skies" -> "sky", "dying" -> "die", ...) are looked up before any rule;
- a word of at most 2 characters (counted before lower-casing) is only lower-cased;
- step 1a: a 4-letter word in "ies" loses only its "s"; step 1b: "ied" -> "ie" (4 letters) or "i";
- step 1b: NLTK's rule table spells "ends in a double consonant" as the pseudo-suffix "*d", so a stem ending
  in the two characters "*d" is tidied as a double consonant would be;
- step 1c: y -> i only after a consonant that is not the word's first letter;
- condition *o also holds for a 2-letter stem vowel + consonant (any consonant);
- step 2: "alli" -> "al" is tried first and its result goes on through step 2; "bli" -> "ble" (not "abli");
  "fulli" -> "ful"; "logi" -> "log" with the "l" counted in the stem's measure;
- in steps 1b-4 the first rule whose suffix matches decides: if its condition fails, no later rule is tried.

tests/test_porter.py compares every stem with NLTK's on real vocabularies and generated words.
"""
from __future__ import annotations

#: What stems the hate models' Davidson word block, for the analyzer's reproducibility record.
DESCRIPTION = "biasaudit.text.porter: a port of NLTK 3.10.4's PorterStemmer (NLTK_EXTENSIONS), tested equal"

# NLTK's table of irregular forms ("errors drawn to Martin Porter's attention over a 20 year period").
_IRREGULAR = {
    "sky": "sky", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "news": "news",
    "innings": "inning", "inning": "inning", "outings": "outing", "outing": "outing",
    "cannings": "canning", "canning": "canning", "howe": "howe",
    "proceed": "proceed", "exceed": "exceed", "succeed": "succeed",
}


class _Rule:
    """One suffix rule of steps 2-4: ``suffix`` -> ``replacement`` if the stem's measure is high enough.

    ``counted``: letters of the suffix that count as stem for the measure (NLTK's "logi"); ``after``: letters
    one of which must end the stem (step 4's "(*S or *T) ION"), or "" for any.
    """

    __slots__ = ("after", "counted", "replacement", "size", "suffix")

    def __init__(self, suffix: str, replacement: str = "", counted: int = 0, after: str = "") -> None:
        self.suffix = suffix
        self.replacement = replacement
        self.size = len(suffix)
        self.counted = counted
        self.after = after


def _by_last_letter(rules: list[_Rule]) -> dict[str, tuple[_Rule, ...]]:
    """The rules grouped by their suffix's last letter, each group in table order (first match decides)."""
    groups: dict[str, list[_Rule]] = {}
    for rule in rules:
        groups.setdefault(rule.suffix[-1], []).append(rule)
    return {letter: tuple(group) for letter, group in groups.items()}


_STEP2 = _by_last_letter([
    _Rule("ational", "ate"), _Rule("tional", "tion"), _Rule("enci", "ence"), _Rule("anci", "ance"),
    _Rule("izer", "ize"), _Rule("bli", "ble"), _Rule("alli", "al"), _Rule("entli", "ent"), _Rule("eli", "e"),
    _Rule("ousli", "ous"), _Rule("ization", "ize"), _Rule("ation", "ate"), _Rule("ator", "ate"),
    _Rule("alism", "al"), _Rule("iveness", "ive"), _Rule("fulness", "ful"), _Rule("ousness", "ous"),
    _Rule("aliti", "al"), _Rule("iviti", "ive"), _Rule("biliti", "ble"), _Rule("fulli", "ful"),
    _Rule("logi", "log", counted=1),
])
_STEP3 = _by_last_letter([
    _Rule("icate", "ic"), _Rule("ative"), _Rule("alize", "al"), _Rule("iciti", "ic"), _Rule("ical", "ic"),
    _Rule("ful"), _Rule("ness"),
])
_STEP4 = _by_last_letter([
    _Rule("al"), _Rule("ance"), _Rule("ence"), _Rule("er"), _Rule("ic"), _Rule("able"), _Rule("ible"),
    _Rule("ant"), _Rule("ement"), _Rule("ment"), _Rule("ent"), _Rule("ion", after="st"), _Rule("ou"),
    _Rule("ism"), _Rule("ate"), _Rule("iti"), _Rule("ous"), _Rule("ive"), _Rule("ize"),
])


def stem(word: str) -> str:
    """NLTK's ``PorterStemmer().stem(word)``: the lower-cased word's Porter stem."""
    lower = word.lower()
    irregular = _IRREGULAR.get(lower)
    if irregular is not None:
        return irregular
    if len(word) <= 2:
        return lower
    stemmed = _step2(_step1c(_step1b(_step1a(lower))))
    return _step5(_apply(_apply(stemmed, _STEP3, 1), _STEP4, 2))


# --- Porter's conditions, on the prefix word[:n] (a consonant's status depends only on the letters before it) --
def _consonant(word: str, i: int) -> bool:
    """Whether ``word[i]`` is a consonant: not a, e, i, o, u, and a y only at the start or after a vowel."""
    char = word[i]
    if char in "aeiou":
        return False
    if char != "y":
        return True
    first = i  # a run of y's alternates, starting from its first y
    while first > 0 and word[first - 1] == "y":
        first -= 1
    starts_consonant = first == 0 or word[first - 1] in "aeiou"
    return starts_consonant != ((i - first) % 2 == 1)


def _measure(word: str, n: int) -> int:
    """Porter's m of ``word[:n]``: how many vowels are followed by a consonant."""
    m = 0
    vowel_before = False
    for i in range(n):
        char = word[i]
        vowel = char in "aeiou" or (char == "y" and i > 0 and not vowel_before)
        if vowel_before and not vowel:
            m += 1
        vowel_before = vowel
    return m


def _has_vowel(word: str, n: int) -> bool:
    """Porter's *v* for ``word[:n]`` (a y after the start follows a consonant when no vowel came before it)."""
    for i in range(n):
        char = word[i]
        if char in "aeiou" or (char == "y" and i > 0):
            return True
    return False


def _ends_cvc(word: str, n: int) -> bool:
    """Porter's *o for ``word[:n]``, with NLTK's 2-letter case (vowel, then any consonant)."""
    if n >= 3:
        return (_consonant(word, n - 3) and not _consonant(word, n - 2) and _consonant(word, n - 1)
                and word[n - 1] not in "wxy")
    return n == 2 and not _consonant(word, 0) and _consonant(word, 1)


# --- the steps -------------------------------------------------------------------------------------------------
def _step1a(word: str) -> str:
    """Plurals: sses -> ss, ies -> i (4 letters: ie), ss stays, s goes."""
    n = len(word)
    if word[n - 1] != "s":
        return word
    if n == 4 and word.endswith("ies"):
        return word[:3]
    if word.endswith(("sses", "ies")):
        return word[:n - 2]
    if word.endswith("ss"):
        return word
    return word[:n - 1]


def _step1b(word: str) -> str:
    """ied -> ie/i; (m>0) eed -> ee; (*v*) ed, ing go, then the stem is tidied (e back, double letter undone)."""
    n = len(word)
    if word.endswith("ied"):
        return word[:n - 1] if n == 4 else word[:n - 2]
    if word.endswith("eed"):
        return word[:n - 1] if _measure(word, n - 3) > 0 else word
    if word.endswith("ed") and _has_vowel(word, n - 2):
        n -= 2
    elif word.endswith("ing") and _has_vowel(word, n - 3):
        n -= 3
    else:
        return word
    word = word[:n]
    if word.endswith(("at", "bl", "iz")):
        return word + "e"
    last = word[n - 1]
    if (n >= 2 and last == word[n - 2] and _consonant(word, n - 1)) or word.endswith("*d"):
        return word if last in "lsz" else word[:n - 2] + last
    if _measure(word, n) == 1 and _ends_cvc(word, n):
        return word + "e"
    return word


def _step1c(word: str) -> str:
    """y -> i after a consonant that is not the first letter."""
    n = len(word)
    if n > 2 and word[n - 1] == "y" and _consonant(word, n - 2):
        return word[:n - 1] + "i"
    return word


def _step2(word: str) -> str:
    """(m>0) double suffixes to single ones, "alli" -> "al" first."""
    n = len(word)
    if word.endswith("alli") and _measure(word, n - 4) > 0:
        word = word[:n - 2]
    return _apply(word, _STEP2, 1)


def _apply(word: str, rules: dict[str, tuple[_Rule, ...]], least: int) -> str:
    """The first rule whose suffix ``word`` ends in, applied if the stem's measure is at least ``least``."""
    n = len(word)
    group = rules.get(word[n - 1])
    if group is None:
        return word
    for rule in group:
        if word.endswith(rule.suffix):
            end = n - rule.size
            if _measure(word, end + rule.counted) >= least and (not rule.after or word[end - 1] in rule.after):
                return word[:end] + rule.replacement
            return word
    return word


def _step5(word: str) -> str:
    """(m>1, or m=1 and not *o) e goes; then (m>1) ll -> l."""
    n = len(word)
    if word[n - 1] == "e":
        m = _measure(word, n - 1)
        if m > 1 or (m == 1 and not _ends_cvc(word, n - 1)):
            n -= 1
            word = word[:n]
    if n >= 2 and word[n - 1] == "l" and word[n - 2] == "l" and _measure(word, n - 1) > 1:
        return word[:n - 1]
    return word
