"""Counterfactual data augmentation (CDA) of a corpus: swapped copies added, or counterfactual substitution.

Modes (Lu et al. 2018; Maudslay et al. 2019, "It's All in the Name"):

- ``augment``: every record is kept; for each attribute, every document holding at least one of its words gets
  counterfactual copies: one for a two-group attribute (gender), and for k groups the k-1 rotations of the
  groups, so that original + copies put every context with every group exactly once.
- ``replace`` (counterfactual substitution): each document is replaced by one of the k rotations (the original
  among them) drawn uniformly with a seeded ``numpy`` Generator, per attribute: for two groups, swapped with
  probability 0.5. Draws do not depend on the text, so the same seed gives the same choices.

A document is a conversation (dialogue input) or a record, and gets one decision, so names and pronouns stay
consistent across its turns. Output: JSON lines, each record's own fields (``keep_fields``) with the text
replaced, plus ``record_id``, ``augmented_from`` (the source record's id, or null) and ``swaps``; beside it
``<stem>.meta.json`` (settings, seed, lexicon sha256, inputs, counts) and ``<stem>.rejected.jsonl``.
"""
from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from biasaudit.errors import UsageError
from biasaudit.io.records import Record
from biasaudit.io.stats import ReadStats
from biasaudit.report.writers import atomic_writer, dumps_json
from biasaudit.transforms.cda_lexicon import Attribute, CDALexicon
from biasaudit.transforms.documents import RejectLog, SwapReadSettings, documents, progress_bar
from biasaudit.transforms.swap import Swapped, Swapper

MODES = ("augment", "replace")
META_FORMAT = "biasaudit.augment/1"
_BATCH_RECORDS = 512


@dataclass
class AugmentSettings(SwapReadSettings):
    mode: str = "augment"
    seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.mode not in MODES:
            raise UsageError(f"unknown mode {self.mode!r}; expected one of {', '.join(MODES)}")


def sidecar_paths(out: str | os.PathLike) -> tuple[Path, Path]:
    """(``<stem>.meta.json``, ``<stem>.rejected.jsonl``) beside ``out`` (stem: ``out`` without ``.jsonl``)."""
    out = Path(out)
    stem = out.name.removesuffix(".jsonl")
    return out.with_name(stem + ".meta.json"), out.with_name(stem + ".rejected.jsonl")


def copy_suffix(attr: Attribute, shift: int) -> str:
    """``#cf-gender`` for a two-group attribute, ``#cf-religion-2`` for the second rotation of more groups."""
    return f"#cf-{attr.name}" if attr.n_groups == 2 else f"#cf-{attr.name}-{shift}"


def _with_text(fields: dict[str, Any], path: str, text: str) -> dict[str, Any]:
    """A copy of ``fields`` with the text at ``path`` (a key, or a dotted path into nested objects) replaced."""
    if path in fields or "." not in path:
        return {**fields, path: text}
    out = copy.deepcopy(fields)
    node = out
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    node[last] = text
    return out


def output_record(rec: Record, text: str, settings: AugmentSettings, *, record_id: str,
                  augmented_from: str | None, swaps: list[dict[str, Any]],
                  conversation_id: str | None = None) -> dict[str, Any]:
    """The JSON object written for ``rec`` with ``text``: its own fields when the reader kept them (else its
    text and dialogue fields), then ``record_id``, ``augmented_from`` and ``swaps``."""
    if rec.fields is not None:
        path = settings.text_field
        if rec.conversation_id is not None and path == "text" and "text" not in rec.fields:
            path = "content"  # a chat-format turn ({"role", "content"}): its content is the text
        obj = _with_text(rec.fields, path, text)
    else:
        obj = {settings.text_field if "." not in settings.text_field else "text": text}
        if rec.speaker is not None:
            obj["speaker"] = rec.speaker
        if rec.role is not None:
            obj["role"] = rec.role
    if rec.conversation_id is not None:
        obj["conversation_id"] = conversation_id or rec.conversation_id
        obj["turn"] = rec.turn
    if settings.id_field and augmented_from is not None and settings.mode == "augment" \
            and settings.id_field in obj:
        obj[settings.id_field] = record_id  # copies need ids of their own
    obj["record_id"] = record_id
    obj["augmented_from"] = augmented_from
    obj["swaps"] = swaps
    return obj


@dataclass
class AugmentResult:
    out: str
    meta: dict[str, Any]

    @property
    def counts(self) -> dict[str, Any]:
        return self.meta["counts"]


class _Writer:
    def __init__(self, fh) -> None:
        self.fh, self.n = fh, 0

    def write(self, obj: dict[str, Any]) -> None:
        self.fh.write(orjson.dumps(obj, default=str) + b"\n")
        self.n += 1


def augment(source: str | os.PathLike | Sequence[str | os.PathLike], out: str | os.PathLike, *,
            lexicon: CDALexicon | str | os.PathLike | None = None, progress: bool | None = None,
            **options: Any) -> AugmentResult:
    """Write the augmented corpus of ``source`` to ``out`` (JSON lines) and its sidecars; return the metadata.

    ``options`` are the fields of ``AugmentSettings`` (``attributes``, ``mode``, ``seed``, ``pos``,
    ``format``, ``text_field``, ``id_field``, ``dialogue``, ``on_error``, ``max_record_bytes``).
    """
    settings = AugmentSettings(**options)
    lex = lexicon if isinstance(lexicon, CDALexicon) else CDALexicon.load(lexicon)
    attrs = lex.select(settings.attributes)
    swapper = Swapper(attrs, pos=settings.pos)
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a directory; expected a file path such as {out / 'augmented.jsonl'}")
    out.parent.mkdir(parents=True, exist_ok=True)
    meta_path, rejected_path = sidecar_paths(out)
    stats = ReadStats()
    items = settings.read(source, stats, keep_fields=True)
    rng = np.random.default_rng(settings.seed)
    counts = {"records_in": 0, "documents": 0, "originals_written": 0, "copies_added": 0,
              "records_changed": 0, "swaps": {a.name: 0 for a in attrs}}
    with atomic_writer(out, binary=True) as fh, atomic_writer(rejected_path, binary=True, keep_empty=False) as rf, \
            progress_bar(progress, "augmenting") as bar:
        rejects = RejectLog(rf, settings.on_error)
        writer = _Writer(fh)
        for batch in _batches(documents(items, rejects)):
            n = sum(len(d) for d in batch)
            if settings.mode == "augment":
                _augment_batch(batch, swapper, attrs, settings, writer, counts)
            else:
                _replace_batch(batch, swapper, attrs, settings, writer, counts, rng)
            counts["records_in"] += n
            counts["documents"] += len(batch)
            bar.update(n)
    counts["records_out"] = writer.n
    counts.update(rejects.summary())
    counts["read"] = counts["records_in"] + counts["rejected"]
    meta = _meta(settings, lex, swapper, stats, counts, out, rejected_path if rejects.count else None)
    with atomic_writer(meta_path, binary=True) as fh:
        fh.write(dumps_json(meta) + b"\n")
    return AugmentResult(str(out), meta)


def _batches(docs: Iterable[list[Record]]) -> Iterable[list[list[Record]]]:
    batch: list[list[Record]] = []
    size = 0
    for doc in docs:
        batch.append(doc)
        size += len(doc)
        if size >= _BATCH_RECORDS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _count(swaps: list[dict[str, Any]], counts: dict[str, Any]) -> None:
    for s in swaps:
        counts["swaps"][s["attribute"]] += 1


def _augment_batch(batch: list[list[Record]], swapper: Swapper, attrs: list[Attribute],
                   settings: AugmentSettings, writer: _Writer, counts: dict[str, Any]) -> None:
    records = [r for doc in batch for r in doc]
    texts = [r.text for r in records]
    variants: list[tuple[Attribute, int, list[Swapped]]] = []
    for attr in attrs:
        for shift in range(1, attr.n_groups):
            variants.append((attr, shift, swapper.swap_many(texts, [{attr.name: shift}] * len(texts))))
    i = 0
    for doc in batch:
        for rec in doc:
            writer.write(output_record(rec, rec.text, settings, record_id=rec.id, augmented_from=None, swaps=[]))
        counts["originals_written"] += len(doc)
        for attr, shift, results in variants:
            doc_results = results[i:i + len(doc)]
            if not any(r.swaps for r in doc_results):
                continue
            suffix = copy_suffix(attr, shift)
            for rec, res in zip(doc, doc_results):
                conv = rec.conversation_id + suffix if rec.conversation_id is not None else None
                writer.write(output_record(rec, res.text, settings, record_id=rec.id + suffix,
                                           augmented_from=rec.id, swaps=res.swaps, conversation_id=conv))
                counts["copies_added"] += 1
                counts["records_changed"] += bool(res.swaps)
                _count(res.swaps, counts)
        i += len(doc)


def _replace_batch(batch: list[list[Record]], swapper: Swapper, attrs: list[Attribute],
                   settings: AugmentSettings, writer: _Writer, counts: dict[str, Any],
                   rng: np.random.Generator) -> None:
    plans = []
    for doc in batch:
        # One draw per attribute per document, whatever the text: the choices depend on the seed only.
        plan = {a.name: int(rng.integers(0, a.n_groups)) for a in attrs}
        plans.extend([plan] * len(doc))
    records = [r for doc in batch for r in doc]
    results = swapper.swap_many([r.text for r in records], plans)
    by_name = {a.name: a for a in attrs}
    i = 0
    for doc in batch:
        plan, doc_results = plans[i], results[i:i + len(doc)]
        i += len(doc)
        if not any(r.swaps for r in doc_results):
            for rec in doc:
                writer.write(output_record(rec, rec.text, settings, record_id=rec.id, augmented_from=None, swaps=[]))
            counts["originals_written"] += len(doc)
            continue
        # The whole document becomes its counterfactual, turns without a swap included (one conversation id).
        suffix = "".join(copy_suffix(by_name[name], shift) for name, shift in plan.items() if shift)
        for rec, res in zip(doc, doc_results):
            conv = rec.conversation_id + suffix if rec.conversation_id is not None else None
            writer.write(output_record(rec, res.text, settings, record_id=rec.id + suffix, augmented_from=rec.id,
                                       swaps=res.swaps, conversation_id=conv))
            counts["records_changed"] += bool(res.swaps)
            _count(res.swaps, counts)


def _meta(settings: AugmentSettings, lex: CDALexicon, swapper: Swapper, stats: ReadStats,
          counts: dict[str, Any], out: Path, rejected: Path | None) -> dict[str, Any]:
    from biasaudit import __version__

    inputs = stats.as_dict()["sources"]
    return {"format": META_FORMAT, "output": out.name, "rejected_file": rejected.name if rejected else None,
            "counts": counts, "settings": asdict(settings) | swapper.info(),
            "lexicon": lex.info(settings.attributes), "inputs": inputs,
            "reproducibility": {"biasaudit": __version__,
                                "input_sha256": {i["path"]: i.get("sha256") for i in inputs}}}

