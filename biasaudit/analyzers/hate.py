"""``hate``: hate speech / offensive language / neither per text (Davidson et al. 2017; Henderson et al. 2018).

Variants: ``default`` (word + character n-grams, tuned hate threshold), ``davidson2017`` (faithful
re-implementation), ``transformers`` (a local fine-tuned model). Scores texts only; knows nothing of files or CLI.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from biasaudit.analyzers.base import Analyzer, AnalyzerInfo, Column
from biasaudit.analyzers.hate_model import CLASSES, MODEL_FILE, WEIGHTS_FILE, HateLinearModel
from biasaudit.errors import UsageError
from biasaudit.resources import package_data_path, sha256_file
from biasaudit.text import porter
from biasaudit.text.batch import TextBatch
from biasaudit.text.vader import batch_polarity, vader_version

_COLUMNS = (
    Column("hate_label", "label", "hate speech, offensive language or neither (classifier decision)", CLASSES),
    Column("p_hate", "score", "classifier probability that the text is hate speech"),
    Column("p_offensive", "score", "probability that it is offensive language but not hate speech"),
    Column("p_neither", "score", "probability that it is neither"),
)
POS_SHARED_KEY = "davidson_pos_tags"


@lru_cache(maxsize=8)
def _load(model_dir: str) -> HateLinearModel:
    return HateLinearModel.load(model_dir)


def shipped_model_dir(variant: str) -> Path:
    """Folder of the model shipped for ``variant`` (``default`` or ``davidson2017``)."""
    return package_data_path("models", "hate", variant)


class HateAnalyzer(Analyzer):
    """Hate / offensive / neither classifier with probabilities; ``model_path`` loads a retrained model.

    Options: ``model_path`` (a folder written by ``biasaudit train hate``, or a transformers model folder),
    ``device`` and ``batch_size`` (transformers variant only), ``self_audit`` (add the classifier's own bias
    audit to the report, default on).
    """

    name = "hate"
    version = "1.0"
    variants = ("default", "davidson2017", "transformers")

    def __init__(self, variant: str | None = None, *, model_path: str | Path | None = None, device: str = "cpu",
                 batch_size: int = 32, self_audit: bool = True, **options: Any) -> None:
        super().__init__(variant, **options)
        self.self_audit = bool(self_audit)
        self.model_path = Path(model_path) if model_path is not None else None
        self._tf = None
        self._model: HateLinearModel | None = None
        if self.variant == "transformers":
            if self.model_path is None:
                raise UsageError("hate:transformers needs model_path (a local fine-tuned model folder); "
                                 "nothing is downloaded")
            from biasaudit.analyzers.hate_transformers import TransformersHateModel

            self._tf = TransformersHateModel(str(self.model_path), device=device, batch_size=batch_size)
            return
        if device != "cpu" or batch_size != 32:
            raise UsageError("options device and batch_size apply to the hate:transformers variant only")
        model_dir = self.model_path or shipped_model_dir(self.variant)
        model = _load(str(Path(model_dir).resolve()))
        declared = model.spec.get("variant")
        if declared != self.variant:
            raise UsageError(f"the model at {model_dir} is a {declared!r} model; select it as hate:{declared}")
        if model.needs_pos:
            from biasaudit.analyzers.hate_features import spacy_tagger_name

            if spacy_tagger_name() is None:
                raise UsageError(f"the model at {model_dir} was trained with spaCy POS features; install an "
                                 "English spaCy pipeline (en_core_web_sm) or use a model trained without POS")
        self._model = model
        self._model_dir = Path(model_dir)

    @property
    def columns(self) -> tuple[Column, ...]:
        return _COLUMNS

    def _proba_batch(self, batch: TextBatch) -> np.ndarray:
        if self._tf is not None:
            return np.asarray(self._tf.predict_proba(batch.texts), dtype=np.float64)
        model = self._model
        vader = batch_polarity(batch) if model.needs_vader else None
        pos = None
        if model.needs_pos:
            from biasaudit.analyzers.hate_features import pos_tag_strings

            pos = batch.shared(POS_SHARED_KEY, pos_tag_strings)
        return model.predict_proba(batch.texts, vader, pos)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """``(n, 3)`` probabilities, columns (hate, offensive, neither)."""
        return self._proba_batch(TextBatch(list(texts)))

    def predict(self, texts: list[str]) -> list[str]:
        """Label per text (``hate``, ``offensive`` or ``neither``) under the model's decision rule."""
        return [CLASSES[i] for i in self.labels(self.predict_proba(texts))]

    def labels(self, proba: np.ndarray) -> np.ndarray:
        """Class index per row of ``predict_proba`` output under this model's decision rule (the self-audit
        uses it so counterfactual flips follow the tuned hate threshold)."""
        if self._model is not None:
            return self._model.labels(proba)
        return proba.argmax(axis=1)

    def analyze_batch(self, batch: TextBatch):
        proba = self._proba_batch(batch)
        labels = np.asarray(CLASSES, dtype=object)[self.labels(proba)] if len(proba) else np.array([], object)
        return {"hate_label": list(labels), "p_hate": proba[:, 0], "p_offensive": proba[:, 1],
                "p_neither": proba[:, 2]}

    def info(self) -> AnalyzerInfo:
        if self._tf is not None:
            return AnalyzerInfo(self.name, self.variant, self.version,
                                settings={"model_path": str(self.model_path), **dict(self._tf.info())})
        spec = self._model.spec
        training = spec.get("training", {})
        settings: dict[str, Any] = {
            "model": "shipped" if self.model_path is None else str(self.model_path),
            "decision": spec.get("decision"), "link": spec.get("link"),
            "seed": training.get("seed"), "n_train": training.get("n_train"),
            "training_data_sha256": training.get("data_sha256"), "settings": training.get("settings"),
            "pos_features": "spacy" if self._model.needs_pos else "none (fallback: trained without POS)",
            "self_audit": self.self_audit,
        }
        if self._model.needs_pos:
            settings["pos_tagger"] = next(b.get("tagger") for b in spec["blocks"] if b["kind"] == "pos")
        if self._model.needs_vader:
            settings["vaderSentiment"] = vader_version()
        if any(b["kind"] == "davidson_words" for b in spec["blocks"]):
            settings["stemmer"] = porter.DESCRIPTION
        resources = {f"hate/{self.variant}/{f}": sha256_file(str(self._model_dir / f))
                     for f in (MODEL_FILE, WEIGHTS_FILE)}
        return AnalyzerInfo(self.name, self.variant, self.version, settings=settings, resources=resources)

    def collectors(self) -> list[Any]:
        """The classifier's self-audit, streamed over the scan's batches (bounded memory)."""
        if not self.self_audit:
            return []
        from biasaudit.audits.self_audit import HateSelfAudit

        return [HateSelfAudit(self)]

