"""Debias word vectors and measure them before and after: the job behind ``biasaudit debias``.

``debias_matrix`` transforms vectors in memory (hard debiasing or INLP), ``measure`` compares two sets of vectors
(gender direction, DirectBias, projections of professions, WEAT), ``debias_file`` reads a vector file, writes the
debiased vectors in the input's format and returns the report (JSON-ready dict).
"""
from __future__ import annotations

import platform
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from biasaudit.errors import InputError, UsageError
from biasaudit.transforms.debias_lists import DebiasLists, load_debias_lists
from biasaudit.transforms.word_matrix import WordMatrix

METHODS = ("hard", "inlp")
REPORT_FORMAT = "biasaudit.debias/1"


@dataclass(frozen=True)
class DebiasSettings:
    """Every choice that changes the output or the measurements (recorded in the report)."""

    method: str = "hard"
    seed: int = 0
    n_components: int = 10
    iterations: int = 35
    classifier: str = "svm"
    inlp_pair: tuple[str, str] = ("he", "she")
    n_per_class: int = 7500
    neutral_threshold: float = 0.03
    max_vocab: int = 150_000
    weat_tests: tuple[str, ...] = ("weat6", "weat7", "weat8")
    weat_lowercase: bool = False
    permutations: int = 100_000
    direct_bias_c: float = 1.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise UsageError(f"unknown debiasing method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.n_components < 1 or self.iterations < 1 or self.n_per_class < 2 or self.max_vocab < 1:
            raise UsageError("n_components, iterations and max_vocab must be at least 1, n_per_class at least 2")
        if self.permutations < 1 or self.direct_bias_c <= 0:
            raise UsageError("permutations must be at least 1 and the DirectBias exponent c positive")


def debias_matrix(matrix: WordMatrix, settings: DebiasSettings, lists: DebiasLists, *,
                  progress: bool = False) -> tuple[WordMatrix, dict]:
    """The debiased vectors and what the method did (JSON-ready)."""
    if settings.method == "hard":
        from biasaudit.transforms.hard_debias import hard_debias

        r = hard_debias(matrix, lists.definitional, lists.equalize, lists.gender_specific,
                        n_components=settings.n_components, progress=progress)
        kept = sum(1 for w in lists.gender_specific if w in matrix)
        return r.matrix, {"neutralized": r.neutralized, "gender_specific_in_vectors": kept,
                          "equalized_pairs": [list(p) for p in r.equalized],
                          "equalize_pairs_absent": [list(p) for p in r.equalize_pairs_absent],
                          "zero_vectors": r.zero_vectors, "unit_normalised": True}
    from biasaudit.transforms.inlp import inlp_debias

    r = inlp_debias(matrix, pair=settings.inlp_pair, n_iterations=settings.iterations,
                    classifier=settings.classifier, n_per_class=settings.n_per_class,
                    neutral_threshold=settings.neutral_threshold, max_vocab=settings.max_vocab, seed=settings.seed,
                    progress=progress)
    return r.matrix, {"classifier": settings.classifier, "classes": list(r.training.class_names),
                      "training_words": r.training.info, "split": r.split, "iterations": r.model.iterations_,
                      "rank_removed": int(r.model.iterations_[-1]["rank_removed"]),
                      "test_accuracy": r.test_accuracy, "unit_normalised": False}


def measure(before: WordMatrix, after: WordMatrix, settings: DebiasSettings, lists: DebiasLists) -> dict:
    """Gender direction (PCA of the definitional pairs), DirectBias over the neutral professions and their
    projections, measured on both sets of vectors with the direction found BEFORE; WEAT on both."""
    from biasaudit.transforms.debias_metrics import cosines, direct_bias, neutral_words
    from biasaudit.transforms.hard_debias import gender_direction

    out: dict = {}
    try:
        g_before = gender_direction(before, lists.definitional, n_components=settings.n_components)
    except InputError as err:
        out["direction"] = {"not_computed": err.reason}
    else:
        g = g_before.direction
        try:  # none after, e.g. when INLP removed every dimension
            g_after = gender_direction(after, lists.definitional, n_components=settings.n_components)
        except InputError:
            g_after = None
        out["direction"] = {
            "pairs_used": [list(p) for p in g_before.pairs_used],
            "pairs_missing": [list(p) for p in g_before.pairs_missing],
            "oriented_towards": [p[0] for p in g_before.pairs_used],
            "explained_variance_ratio": {
                "before": list(g_before.explained_variance_ratio),
                "after": [0.0] * len(g_before.explained_variance_ratio) if g_after is None
                else list(g_after.explained_variance_ratio)},
            "cosine_after_before": None if g_after is None else float(abs(g_after.direction @ g))}
        neutral = neutral_words(lists.professions, before, lists.gender_specific)
        out["direct_bias"] = {"c": settings.direct_bias_c, "words": len(neutral["words"]),
                              "left_out_gender_specific": neutral["gender_specific"],
                              "missing": neutral["missing"]}
        if not neutral["words"]:
            out["direct_bias"]["not_computed"] = "no neutral profession is in the vectors"
            return {**out, "weat": _weat(before, after, settings)}
        out["direct_bias"].update(before=direct_bias(before, neutral["words"], g, c=settings.direct_bias_c),
                                  after=direct_bias(after, neutral["words"], g, c=settings.direct_bias_c))
        out["profession_projections"] = {
            "words": neutral["words"],
            "before": [round(float(x), 6) for x in cosines(before, neutral["words"], g)],
            "after": [round(float(x), 6) for x in cosines(after, neutral["words"], g)]}
    return {**out, "weat": _weat(before, after, settings)}


def _weat(before: WordMatrix, after: WordMatrix, settings: DebiasSettings) -> list[dict]:
    from biasaudit.associations.weat import load_tests
    from biasaudit.transforms.debias_metrics import weat_before_after

    tests = load_tests(list(settings.weat_tests)) if settings.weat_tests else []
    return weat_before_after(before, after, tests, lowercase=settings.weat_lowercase,
                             permutations=settings.permutations, seed=settings.seed)


def _versions() -> dict[str, str]:
    from biasaudit import __version__

    out = {"biasaudit": __version__, "python": platform.python_version()}
    for name in ("numpy", "scikit-learn"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def debias_file(embeddings: str | Path, out: str | Path, settings: DebiasSettings, *, format: str = "auto",
                out_format: str | None = None, lists: DebiasLists | None = None,
                progress: bool = False) -> dict:
    """Read ``embeddings``, debias, write ``out`` (the input's format unless ``out_format``), return the report."""
    from biasaudit.associations.embeddings import load_vectors
    from biasaudit.associations.embeddings_writer import WRITABLE_FORMATS, write_vectors
    from biasaudit.associations.weat import load_tests
    from biasaudit.resources import sha256_file

    lists = lists or load_debias_lists()
    if settings.weat_tests:  # an unknown test name fails now, not after the long part
        load_tests(list(settings.weat_tests))
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError("the output folder does not exist", file=str(out.parent))
    try:
        emb = load_vectors(embeddings, format=format)
    except OSError as err:  # unreadable file (permissions, a folder that is not spaCy's, a bad gzip stream)
        raise InputError(f"cannot read the vectors: {err.strerror or err}", file=str(embeddings)) from None
    fmt = out_format or emb.format
    if fmt not in WRITABLE_FORMATS:
        raise UsageError(f"{emb.format} vectors cannot be written back in their own format; choose --out-format "
                         f"among {', '.join(WRITABLE_FORMATS)}")
    if len(emb) == 0:
        raise InputError("the file holds no vectors", file=str(embeddings))
    source = emb.info()
    before = WordMatrix.from_embeddings(emb)
    del emb  # the matrix holds the vectors now
    after, details = debias_matrix(before, settings, lists, progress=progress)
    try:
        write_vectors(out, after.words, after.vectors, format=fmt)
    except OSError as err:
        raise InputError(f"cannot write the vectors: {err.strerror or err}", file=str(out)) from None
    measured = measure(before, after, settings, lists)
    return {
        "format": REPORT_FORMAT,
        "method": settings.method,
        "input": {**source, "duplicate_words_dropped": source["vocab_size"] - source["loaded"]},
        "output": {"path": str(out), "format": fmt, "words": len(after.words), "dim": after.dim,
                   "sha256": sha256_file.__wrapped__(out)},
        "lists": lists.sources,
        settings.method: details,
        **measured,
        "reproducibility": {**_versions(), "settings": {**asdict(settings), "format": format,
                                                         "out_format": fmt}},
    }
