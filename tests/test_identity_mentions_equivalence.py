"""``IdentityLexicon.mentions`` (word-run shortcut + per-record regex) equals the straightforward version.

The oracle below is the previous implementation, kept verbatim in spirit: each family's regex over every
text (pandas ``str.findall``), matches normalised and looked up per subgroup.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biasaudit.audits.identity import IdentityLexicon, _family_regex, normalise_term
from tests.conftest import shared_path
from tests.generated_texts import generated_texts

EDGE = [
    "", " ", "!!!", "\U0001F600 women \U0001F600", "WOMEN Women wOmEn", "trans-women trans   women trans\twomen",
    "non-binary non binary nonbinary non--binary", "lgbtq+ lgbtq lgbtqia+ x", "mother's day", "grandmothers'",
    "womenfolk superwoman", "_women women_ 2women women2", "\u212aid \u017fon \u0130slam islam \u0131slam",
    "mu\u00f1oz gentlemen", "caf\u00e9 men", "men\u00e9", "\u00e9men", "the old man, the young woman.",
    "a\u2028man\x1cboy\x85girl\xa0son\u3000wife", "nul\x00man", "MAN-made men-only", "asian-american americans",
]


def mentions_oracle(lexicon: IdentityLexicon, texts) -> pd.DataFrame:
    """The straightforward computation: every family regex on every text."""
    s = pd.Series(texts, dtype=object) if not isinstance(texts, pd.Series) else texts
    index = s.index
    s = s.where(s.notna(), "").astype(str).reset_index(drop=True)
    out = {}
    for family, subs in lexicon.groups.items():
        found = s.str.findall(_family_regex(tuple(t for terms in subs.values() for t in terms))).explode().dropna()
        keys = found.map(normalise_term)
        rows = found.index.to_numpy()
        any_col = np.zeros(len(s), dtype=bool)
        for sub, terms in subs.items():
            col = np.zeros(len(s), dtype=bool)
            col[rows[keys.isin({normalise_term(t) for t in terms}).to_numpy()]] = True
            out[f"{family}/{sub}"] = col
            any_col |= col
        out[family] = any_col
    return pd.DataFrame(out, index=index, columns=lexicon.columns)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    tweets = pd.read_csv(shared_path("data", "davidson", "labeled_train.csv"), keep_default_na=False)["tweet"]
    return tweets.tolist()[:6000] + generated_texts("identity-equivalence", 1500, 1500) + EDGE


def test_shipped_lexicon_matches_the_oracle(texts):
    lexicon = IdentityLexicon.load()
    fast, slow = lexicon.mentions(texts), mentions_oracle(lexicon, texts)
    pd.testing.assert_frame_equal(fast, slow)
    assert slow.to_numpy().sum() > 1000  # the texts do mention groups: the comparison is not all-False


def test_series_with_missing_values_and_an_index():
    lexicon = IdentityLexicon.load()
    s = pd.Series(["two women", None, np.nan, 3, "a man"] + EDGE, index=range(100, 105 + len(EDGE)))
    pd.testing.assert_frame_equal(lexicon.mentions(s), mentions_oracle(lexicon, s))


def test_terms_the_shortcut_cannot_prove_fall_back_to_the_regex(texts):
    """A non-ASCII term, a term starting with a non-word character, terms shared by two subgroups."""
    groups = {"demo": {"accents": ("caf\u00e9 owner", "\u0131stanbul", "men"), "tags": ("#tag", "men", "son")},
              "plain": {"one": ("woman", "women", "old man"), "two": ("old", "girl")}}
    swaps = {f: {s: () for s in subs} for f, subs in groups.items()}
    lexicon = IdentityLexicon(groups, swaps, "test", "0")
    extra = ["#tag men", "a #TAG", "Caf\u00c9 Owner", "istanbul", "ISTANBUL", "\u0130stanbul", "x#tag", "old  man"]
    sample = texts[::5] + extra
    pd.testing.assert_frame_equal(lexicon.mentions(sample), mentions_oracle(lexicon, sample))
    assert lexicon.mentions(extra)["demo/tags"].sum() >= 2
