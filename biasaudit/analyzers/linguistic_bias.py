"""``linguistic_bias``: the sentence bias score of Hutto, Folds & Appling (2015), and Henderson et al.'s copy.

Reproduces the reference's numbers (spec ``hutto2015.md``), quirks included; knows nothing of files or the CLI.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

import numpy as np

from biasaudit.analyzers.base import Analyzer, AnalyzerInfo, Column
from biasaudit.errors import UsageError
from biasaudit.resources import lexicon_path, sha256_tree
from biasaudit.text import pattern_en, vader
from biasaudit.text.batch import TextBatch
from biasaudit.text.lexicon import LexiconMatcher, read_word_list
from biasaudit.text.tokenize import ascii_lower, word_tokenize, word_tokenize_many

INTERCEPT = -0.5581467
#: The 14 model features and their OLS coefficients, in the reference's order of summation
#: (``compute_bias`` of cjhutto/bsd@f98aef4:bs_detector/bias.py).
COEFFICIENTS: tuple[tuple[str, float], ...] = (
    ("vader_sentiment", 0.3477007), ("opinion_rto", -2.0461103), ("modality", 0.5164345),
    ("liwc_3pp_rto", 8.3551389), ("liwc_tent_rto", 4.5965115), ("liwc_achiev_rto", 5.737545),
    ("liwc_discr_rto", 5.6573254), ("bias_rto", -0.953181), ("liwc_work_rto", 9.811681),
    ("factive_rto", -16.6359498), ("hedge_rto", 3.059548), ("assertive_rto", -3.5770891),
    ("subj_strong_rto", 5.0959142), ("subj_weak_rto", 4.872367),
)
#: Reference word lists (files in ``lexicons/hutto2015/``), model ones first, then the unused ones.
REF_LISTS = {"opinion": "ref_vader_words", "bias": "ref_bias_words", "factive": "ref_factive_verbs",
             "hedge": "ref_hedge_words", "assertive": "ref_assertive_verbs", "subj_strong": "ref_subj_strong",
             "subj_weak": "ref_subj_weak"}
EXTRA_REF_LISTS = {"implicative": "ref_implicative_verbs", "coherence": "ref_coherence_markers",
                   "degree_modifier": "ref_degree_modifiers"}
LIWC_CATEGORIES = ("3pp", "tent", "achiev", "discr", "work")
EXTRA_LIWC_CATEGORIES = ("aux", "adv", "prep", "conj", "cert", "causn")
#: Category names of a LIWC ``.dic`` file (LIWC2007 / LIWC2015 spellings) that feed each list.
LIWC_DIC_NAMES = {"3pp": ("shehe", "they"), "tent": ("tentat",), "achiev": ("achieve", "achiev"),
                  "discr": ("discrep",), "work": ("work",), "aux": ("auxverb",), "adv": ("adverb", "adverbs"),
                  "prep": ("preps", "prep"), "conj": ("conj",), "cert": ("certain",), "causn": ("cause",)}
SHORT_INPUT_TOKENS = 4
MOODS = ("indicative", "imperative", "conditional", "subjunctive")
#: Henderson et al. (2018) ``get_raw_data_for_features``: markup removed, in this order, before scoring.
HENDERSON_MARKUP = ("</s> ", "<first_speaker> ", "<second_speaker> ", "<third_speaker>", "<at> ", "</d> ",
                    " </s>", " </d>", "__eou__ ", " __eou__", "@@ ", "__eot__ ")
_HENDERSON_SPEAKER = re.compile(r"<speaker_\d+> ")
_DROPPED_TOKENS = ".?!,;:'s\"$"  # the reference drops every token that is a substring of this
_DROPPED_SUBSTRINGS = frozenset(_DROPPED_TOKENS[i:j] for i in range(len(_DROPPED_TOKENS) + 1)
                                for j in range(i, len(_DROPPED_TOKENS) + 1))  # "" included


def column_name(feature: str) -> str:
    """Output column of a model feature (``bias_rto`` keeps its name, the others get a ``bias_`` prefix)."""
    return feature if feature.startswith("bias_") else f"bias_{feature}"


def reference_tokens(text: str) -> list[str]:
    """The reference's filtered tokens: lower-case, ``word_tokenize``, drop substrings of ``.?!,;:'s"$``."""
    return [w for w in word_tokenize(ascii_lower(text)) if w and w not in _DROPPED_TOKENS]


def reference_tokens_many(texts: list[str]) -> list[list[str]]:
    """``[reference_tokens(t) for t in texts]``, tokenised together (fewer Python-level regex calls)."""
    return word_tokenize_many([ascii_lower(t) for t in texts], drop=_DROPPED_SUBSTRINGS)


def round4(values: np.ndarray) -> np.ndarray:
    """``round(x, 4)`` as Python 2 did it (exact binary value, ties away from zero); NaN stays NaN."""
    out = np.round(values, 4)
    scaled = np.abs(values) * 1e4
    near = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)  # possible ties: decide exactly
    for i in near:
        if np.isfinite(values[i]):
            out[i] = float(Decimal(float(values[i])).quantize(Decimal("0.0001"), ROUND_HALF_UP))
    return out


def ratio4(counts: np.ndarray, word_count: np.ndarray) -> np.ndarray:
    """``round(count / word_count, 4)`` per row, NaN where there are no tokens."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return round4(np.where(word_count > 0, counts / np.maximum(word_count, 1), np.nan))


def hutto2015_score(features: Mapping[str, np.ndarray]) -> np.ndarray:
    """The 2015 OLS score from the 14 rounded features (keys as in ``COEFFICIENTS``), summed in the
    reference's order so that the doubles are identical."""
    score = INTERCEPT + COEFFICIENTS[0][1] * np.asarray(features[COEFFICIENTS[0][0]], float)
    for name, coef in COEFFICIENTS[1:]:
        score = score + coef * np.asarray(features[name], float)
    return score


def henderson_preprocess(text: str) -> str | None:
    """Henderson et al.'s clean-up; ``None`` where they skipped the text (3 characters or fewer)."""
    for markup in HENDERSON_MARKUP:
        text = text.replace(markup, "")
    text = _HENDERSON_SPEAKER.sub("", text).replace(";", "").replace(",", "")
    text = text.encode("ascii", "ignore").decode("ascii")
    return text if len(text) > 3 else None


def read_liwc_source(source: str | Path, categories: tuple[str, ...]) -> dict[str, list[str]]:
    """LIWC lists from a folder of ``liwc_<category>.txt`` files (one entry a line) or a LIWC ``.dic`` file."""
    path = Path(source)
    if path.is_dir():
        missing = [c for c in categories if not (path / f"liwc_{c}.txt").is_file()]
        if missing:
            raise UsageError(f"LIWC folder {path} lacks " + ", ".join(f"liwc_{c}.txt" for c in missing))
        return {c: [e for e in read_word_list(path / f"liwc_{c}.txt") if e] for c in categories}
    if path.suffix.lower() != ".dic" or not path.is_file():
        raise UsageError(f"LIWC source {path} must be a folder of liwc_<category>.txt files or a .dic file")
    return _read_dic(path, categories)


def _read_dic(path: Path, categories: tuple[str, ...]) -> dict[str, list[str]]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(marks) < 2:
        raise UsageError(f"{path}: not a LIWC .dic file (expected a category block between two '%' lines)")
    ids: dict[str, str] = {}
    for line in lines[marks[0] + 1:marks[1]]:
        parts = line.split()
        if len(parts) >= 2:
            ids[parts[1].lower()] = parts[0]
    wanted: dict[str, set[str]] = {}
    for cat in categories:
        found = [ids[n] for n in LIWC_DIC_NAMES[cat] if n in ids]
        if not found:
            raise UsageError(f"{path}: no category named {' or '.join(LIWC_DIC_NAMES[cat])}")
        wanted[cat] = set(found)
    out: dict[str, list[str]] = {c: [] for c in categories}
    for line in lines[marks[1] + 1:]:
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) < 2:
            continue
        codes = set(parts[1:])
        for cat, cat_ids in wanted.items():
            if codes & cat_ids:
                out[cat].append(ascii_lower(parts[0].strip()))
    return out


class LinguisticBiasAnalyzer(Analyzer):
    """Hutto et al. (2015) sentence bias score (0 = unbiased ... 3 = extremely biased; unbounded).

    Variants: ``hutto2015`` (the reference model, its quirks reproduced) and ``henderson2018`` (Henderson et
    al.'s copy: their pre-processing and their bug that zeroes single-word matches of the nine reference lists).
    Options: ``extras`` adds the features the reference computed but the model does not use (implicative,
    coherence, degree-modifier and six LIWC ratios, unique word count, Pattern mood); not among them: Pattern
    subjectivity (needs Pattern's ``en-sentiment.xml``, which biasaudit does not have) and textstat's FK grade
    (not ported yet);
    ``liwc`` names a folder of ``liwc_<category>.txt`` files or a licensed LIWC ``.dic`` to use instead of the
    shipped lists; ``liwc_wildcards`` is ``"reference"`` (prefix entries never match, as the coefficients were
    fitted) or ``"prefix"`` (correct LIWC matching, a different instrument); ``modality=False`` skips the
    Pattern modality (then ``bias_modality`` and ``bias_score`` are NaN); ``suffix`` appends ``_<suffix>`` to
    every column name, so that both variants can run in one scan (the henderson2018 preset names the compat
    variant's columns ``bias_score_henderson2018`` etc.).
    """

    name = "linguistic_bias"
    version = "1.0"
    variants = ("hutto2015", "henderson2018")

    def __init__(self, variant: str | None = None, *, extras: bool = False, liwc: str | Path | None = None,
                 liwc_wildcards: Literal["reference", "prefix"] = "reference", modality: bool = True,
                 suffix: str = "", **options: Any) -> None:
        super().__init__(variant, **options)
        if liwc_wildcards not in ("reference", "prefix"):
            raise UsageError(f"liwc_wildcards must be 'reference' or 'prefix', not {liwc_wildcards!r}")
        if not isinstance(suffix, str) or (suffix and not re.fullmatch(r"[A-Za-z0-9_]+", suffix)):
            raise UsageError(f"suffix must be letters, digits and underscores, not {suffix!r}")
        self.suffix = f"_{suffix}" if suffix else ""
        self.extras, self.liwc_source, self.liwc_wildcards = bool(extras), liwc, liwc_wildcards
        self.use_modality = bool(modality)
        ref_names = {**REF_LISTS, **(EXTRA_REF_LISTS if extras else {})}
        self._ref = LexiconMatcher({k: read_word_list(lexicon_path("hutto2015", f)) for k, f in ref_names.items()},
                                   ngrams=True)
        cats = LIWC_CATEGORIES + (EXTRA_LIWC_CATEGORIES if extras else ())
        liwc_lists = read_liwc_source(liwc if liwc is not None else lexicon_path("hutto2015", "liwc"), cats)
        self._liwc = LexiconMatcher({f"liwc_{c}": v for c, v in liwc_lists.items()},
                                    globs="literal" if liwc_wildcards == "reference" else "prefix")
        self._columns = self._build_columns()

    def _build_columns(self) -> tuple[Column, ...]:
        cols = [Column("bias_score", "score", "Hutto et al. (2015) degree of bias, ~0 (fair) .. 3 (extreme); "
                       "unbounded, extreme on very short inputs")]
        cols += [Column(column_name(f), "score", f"model feature {f} (rounded to 4 decimals as in the reference)",
                        headline=False) for f, _ in COEFFICIENTS]
        cols.append(Column("bias_word_count", "score", "tokens the ratios divide by (reference tokenisation)",
                           headline=False))
        cols.append(Column("bias_short_input", "flag", f"fewer than {SHORT_INPUT_TOKENS} tokens: score unreliable"))
        if self.extras:
            cols += [Column(f"bias_{k}_rto", "score", f"unused reference feature {k}_rto", headline=False)
                     for k in (*EXTRA_REF_LISTS, *(f"liwc_{c}" for c in EXTRA_LIWC_CATEGORIES))]
            cols.append(Column("bias_unique_word_count", "score", "distinct tokens (unused by the model)",
                               headline=False))
            cols.append(Column("bias_mood", "label", "Pattern 2.6 mood (unused by the model)", MOODS,
                               headline=False))
        if self.suffix:
            cols = [replace(c, name=c.name + self.suffix,
                            description=f"{c.description} [linguistic_bias:{self.variant}]") for c in cols]
        return tuple(cols)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def analyze_batch(self, batch: TextBatch) -> dict[str, Any]:
        henderson = self.variant == "henderson2018"
        texts = [henderson_preprocess(t) for t in batch.texts] if henderson else batch.texts
        usable = [t is not None for t in texts]
        texts = [t if t is not None else "" for t in texts]
        docs = reference_tokens_many(texts)
        n_words = np.fromiter(map(len, docs), np.int64, len(docs))
        ref_uni, ref_grams = self._ref.count(docs)
        ref_counts = ref_grams if henderson else ref_uni + ref_grams
        liwc_counts = sum(self._liwc.count(docs))
        feats: dict[str, np.ndarray] = {}
        for i, name in enumerate(self._ref.names):
            feats[f"{name}_rto"] = ratio4(ref_counts[:, i], n_words)
        for i, name in enumerate(self._liwc.names):
            feats[f"{name}_rto"] = ratio4(liwc_counts[:, i], n_words)
        feats["vader_sentiment"] = (vader.polarity(texts)[:, 0] if henderson
                                    else vader.batch_polarity(batch)[:, 0]).copy()
        scored = (n_words > 0) & np.asarray(usable, bool)
        feats["modality"], moods = self._pattern_features(texts, scored)
        feats["vader_sentiment"][~scored] = np.nan
        out: dict[str, Any] = {"bias_score": hutto2015_score(feats)}
        out.update({column_name(f): feats[f] for f, _ in COEFFICIENTS})
        out["bias_word_count"] = np.where(usable, n_words, np.nan).astype(float)
        out["bias_short_input"] = n_words < SHORT_INPUT_TOKENS
        if self.extras:
            for k in (*EXTRA_REF_LISTS, *(f"liwc_{c}" for c in EXTRA_LIWC_CATEGORIES)):
                out[f"bias_{k}_rto"] = feats[f"{k}_rto"]
            out["bias_unique_word_count"] = np.array([len(set(d)) for d in docs], float)
            out["bias_mood"] = moods
        return {k + self.suffix: v for k, v in out.items()} if self.suffix else out

    def _pattern_features(self, texts: list[str], scored: np.ndarray) -> tuple[np.ndarray, list | None]:
        """Pattern modality (rounded as the reference did) and, with ``extras``, mood: one parse per text."""
        modality = np.full(len(texts), np.nan)
        moods: list | None = [None] * len(texts) if self.extras else None
        for i in np.flatnonzero(scored) if (self.use_modality or self.extras) else ():
            if self.use_modality and self.extras:
                modality[i], moods[i] = pattern_en.modality_and_mood(texts[i])
            elif self.use_modality:
                modality[i] = pattern_en.modality(texts[i])
            else:
                moods[i] = pattern_en.mood(texts[i])
        return round4(modality), moods

    def info(self) -> AnalyzerInfo:
        resources = {"lexicons/hutto2015": sha256_tree(lexicon_path("hutto2015"))}
        if self.liwc_source is not None:
            resources["liwc"] = sha256_tree(self.liwc_source)
        settings = {"extras": self.extras, **({"suffix": self.suffix[1:]} if self.suffix else {}), "liwc": str(self.liwc_source or "shipped (bsd f98aef4 lists)"),
                    "liwc_wildcards": self.liwc_wildcards, "vaderSentiment": vader.vader_version(),
                    "modality": "pattern_en port" if self.use_modality else "off",
                    "tokenizer": "biasaudit punkt+treebank (NLTK 3.2.5 rules, hand-written abbreviations)"}
        return AnalyzerInfo(self.name, self.variant, self.version, settings=settings, resources=resources)
