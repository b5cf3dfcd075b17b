"""Masking of listed terms in views: whole words only, case-insensitive, first letter kept."""
from biasaudit.text.masking import is_masked_term, mask_text


def test_masks_listed_words_only():
    # mild profanity is enough to test the mechanism; the list itself is stored as digests
    assert mask_text("What the shit, this is Bullshit!") == "What the s***, this is B*******!"
    assert mask_text("Shitake mushrooms and a cockpit") == "Shitake mushrooms and a cockpit"  # whole words only
    assert mask_text("a lovely day in the park") == "a lovely day in the park"


def test_identity_terms_are_never_masked():
    for word in ("black", "blacks", "white", "whites", "gay", "queer", "muslim", "jewish", "women", "trans"):
        assert not is_masked_term(word), word


def test_empty_and_non_latin_text():
    assert mask_text("") == ""
    assert mask_text("مرحبا shit 你好") == "مرحبا s*** 你好"
