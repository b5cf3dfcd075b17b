"""The counterfactual swapper's and the self-audit's matching shortcut (``identity.ascii_matches``: in an ASCII text
a term regex is tried only where one of its first words starts) finds exactly what the regexes' own scans find.

Oracles: the previous code, verbatim in spirit (``finditer`` over the whole text; ``search`` for the adjectives;
``finds`` with its word-set prefilter). Texts: real tweets, bench-style texts, every term of the shipped
counterfactual lexicon in many casings and surroundings, and edge cases.
"""
from __future__ import annotations

import random

import pandas as pd
import pytest

from biasaudit.audits.identity import IdentityLexicon, normalise_term
from biasaudit.audits.self_audit import AdjectiveSwaps
from biasaudit.transforms.cda_lexicon import CDALexicon
from biasaudit.transforms.swap import _TITLE_NEXT, _WORD, Swapper
from tests.conftest import shared_path
from tests.generated_texts import generated_texts

ATTRIBUTES = ("gender", "age", "nationality", "race_ethnicity", "religion")
EDGE = [
    "", " ", "Mr. Smith met Mrs. Jones", "MR. SMITH", "mr smith", "Miss Marple and miss you", "his-her", "he_she",
    "2he she2", "He HE hE", "mother-in-law Mother In Law MOTHER-IN-LAW", "Mrs. Dalloway and Mrs Dalloway's sister",
    "Mother Nature mother nature", "grand-mother grandmother", "female doctor", "Female-Doctor", "female  \t doctor",
    "she's he's", "'she' \"he\" (her) [his]", "x-he he-x", "ſhe said", "Hé said", "naïve she", "Indian Ocean",
    "indian ocean indians", "White House white people", "Christian Dior christians", "old man, young woman.",
    "\u212aing and queen", "nul\x00she", "a\u2028she\x1cher\x85him", "she\nher\r\nhim",
]


def _raw_hits_reference(sw: Swapper, text: str, shifts: dict[str, int]) -> list[tuple]:
    out = []
    for name, shift in shifts.items():
        attr = sw.attributes[name]
        if shift % attr.n_groups == 0:
            continue
        for m in sw._regex[name].finditer(text):
            if m.lastgroup == "keep":
                continue
            key = normalise_term(m.group())
            if key not in attr.terms:  # the fix: a case-insensitive match lower() cannot map back was a KeyError
                continue
            if key in attr.title_only and not (m.group()[:1].isupper() and _TITLE_NEXT.match(text, m.end())):
                continue
            out.append((m.start(), m.end(), name, shift, attr.terms[key]))
    return out


def _finds_reference(sw: Swapper, text: str, shifts: dict[str, int]) -> bool:
    words = set(_WORD.findall(text.lower()))
    if not any(words & sw._first_words[name] for name, shift in shifts.items()
               if shift % sw.attributes[name].n_groups):
        return False
    return bool(_raw_hits_reference(sw, text, shifts))


def _term_texts(attributes, rng: random.Random) -> list[str]:
    out = []
    for attr in attributes:
        literals = [w for rows in attr.rows.values() for row in rows for w in row] + list(attr.keep)
        for term in rng.sample(literals, min(len(literals), 150)):
            out += [f"{term} said hi", f"the {term}.", f"{term.upper()} and {term.title()}", f"x{term} {term}_y",
                    f"{term.replace(' ', '-')} {term.replace(' ', '  ')}", f"({term}'s)", f"A {term} doctor"]
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    tweets = pd.read_csv(shared_path("data", "davidson", "labeled_train.csv"), keep_default_na=False)["tweet"]
    attributes = CDALexicon.load().select(ATTRIBUTES)
    return (tweets.tolist()[:6000] + generated_texts("swap-matches", 1500, 300) + EDGE
            + _term_texts(attributes, random.Random(7)))


@pytest.mark.parametrize("shifts", [{"gender": 1}, {"age": 1}, {"nationality": 2}, {"race_ethnicity": 1},
                                    {"religion": 3}, {"gender": 1, "religion": 1, "nationality": 1}])
def test_swapper_hits_and_finds_equal_the_regex_scan(texts, shifts):
    sw = Swapper(CDALexicon.load().select(ATTRIBUTES), pos="rules")
    n_hits = 0
    for text in texts:
        got = [(h.start, h.end, h.attribute.name, h.shift, h.places) for h in sw._raw_hits(text, shifts)]
        expected = _raw_hits_reference(sw, text, shifts)
        assert got == expected, text
        assert sw.finds(text, shifts) == _finds_reference(sw, text, shifts), text
        n_hits += bool(expected)
    assert n_hits > 50  # the comparison is not all-empty


def test_swaps_of_whole_texts_are_unchanged_by_the_shortcut(texts):
    sw = Swapper(CDALexicon.load().select(("gender",)), pos="rules")
    sample = texts[::7]
    got = [s.text for s in sw.swap_many(sample, [{"gender": 1}] * len(sample))]
    reference = Swapper(CDALexicon.load().select(("gender",)), pos="rules")
    reference._starts = dict.fromkeys(reference._starts)  # no first words: the plain regex scan everywhere
    assert got == [s.text for s in reference.swap_many(sample, [{"gender": 1}] * len(sample))]
    assert sum(a != b for a, b in zip(got, sample)) > 100


def test_a_match_that_lower_case_cannot_map_back_is_left_alone():
    sw = Swapper(CDALexicon.load().select(("gender",)), pos="rules")
    assert sw.swap("\u017fhe and he left", {"gender": 1}).text == "\u017fhe and she left"  # was a KeyError
    assert sw.finds("\u017fhe and he left", {"gender": 1})


def test_adjective_find_equals_the_regex_search(texts):
    lexicon = IdentityLexicon.load()
    exclude = frozenset(k for a in CDALexicon.load().select(("gender",)) for k in a.terms)
    adjectives = AdjectiveSwaps(lexicon, exclude)
    extra = [f"{adj} {noun}" for _, _, adj in list(adjectives.index.values())[:80] for noun in ("people", "Person")]
    found = 0
    for text in texts + extra:
        m = adjectives._pattern.search(text)
        hit = adjectives.index[normalise_term(m.group(0))] if m else None
        expected = hit if hit and len(lexicon.swap_terms(hit[0])) > 1 else None
        assert adjectives.find(text) == expected, text
        found += expected is not None
    assert found > 50
