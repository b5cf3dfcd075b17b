"""Counterfactual evaluation: score each record and its attribute-swapped counterfactual, report paired changes.

For every record that holds a word of an attribute (and every rotation of its groups), the pair (original,
counterfactual) is scored by the analyzers. Per score column: mean original and counterfactual score, the mean
paired delta (counterfactual - original) with a paired t 95% interval, the mean absolute delta, each again per
direction ("male -> female", "female -> male", "mixed" when a text moves both ways). Per label or flag
column: the share of pairs whose value flips (Wilson interval) and the transitions. Largest changes are listed
by id with masked text. Only headline columns are evaluated unless ``all_columns``. No corpus text is kept
beyond the current batch and the largest changes.
"""
from __future__ import annotations

import heapq
import math
import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from biasaudit.analyzers.base import Column
from biasaudit.analyzers.registry import build_many
from biasaudit.audits.t975 import t_quantile_975
from biasaudit.core import column_frame, run_batch
from biasaudit.errors import UsageError
from biasaudit.io.records import Record, Rejected
from biasaudit.io.stats import ReadStats
from biasaudit.report.build import json_ready
from biasaudit.report.stats import rate
from biasaudit.report.writers import atomic_writer
from biasaudit.text.masking import mask_text
from biasaudit.transforms.augment import copy_suffix
from biasaudit.transforms.cda_lexicon import CDALexicon
from biasaudit.transforms.documents import RejectLog, SwapReadSettings, progress_bar
from biasaudit.transforms.swap import Swapper

REPORT_FORMAT = "biasaudit.counterfactual/1"
MIXED = "mixed"


@dataclass
class CounterfactualSettings(SwapReadSettings):
    limit: int | None = None
    batch_size: int = 1024
    top: int = 10
    all_columns: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.limit is not None and self.limit < 1:
            raise UsageError("limit must be at least 1")
        if self.batch_size < 1 or self.top < 0:
            raise UsageError("batch_size must be at least 1 and top at least 0")


def direction(swaps: list[dict[str, Any]]) -> str:
    """``"from_group -> to_group"`` when every swap of a pair goes the same way, else ``"mixed"``."""
    ways = {(s["from_group"], s["to_group"]) for s in swaps}
    if len(ways) != 1:
        return MIXED
    (src, dst), = ways
    return f"{src} -> {dst}"


def paired_summary(original: np.ndarray, counterfactual: np.ndarray) -> dict[str, Any]:
    """Means, mean paired delta with its t 95% interval, SD and mean absolute delta; NaN pairs left out."""
    ok = ~(np.isnan(original) | np.isnan(counterfactual))
    o, c = original[ok], counterfactual[ok]
    d = c - o
    n = int(d.size)
    out: dict[str, Any] = {"n": n, "n_undefined": int((~ok).sum())}
    if n == 0:
        return out | {"mean_original": math.nan, "mean_counterfactual": math.nan, "mean_delta": math.nan,
                      "ci_low": math.nan, "ci_high": math.nan, "sd_delta": math.nan, "mean_abs_delta": math.nan}
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else math.nan
    half = t_quantile_975(n - 1) * sd / math.sqrt(n) if n > 1 else math.nan
    return out | {"mean_original": float(o.mean()), "mean_counterfactual": float(c.mean()), "mean_delta": mean,
                  "ci_low": mean - half, "ci_high": mean + half, "sd_delta": sd,
                  "mean_abs_delta": float(np.abs(d).mean())}


def flip_summary(original: np.ndarray, counterfactual: np.ndarray) -> dict[str, Any]:
    """Share of pairs whose label (or flag) differs, with its Wilson interval and the transitions."""
    changed = original != counterfactual
    trans: dict[str, int] = {}
    for a, b in zip(original[changed], counterfactual[changed]):
        key = f"{a} -> {b}"
        trans[key] = trans.get(key, 0) + 1
    return {**rate(int(changed.sum()), int(original.size)), "transitions": dict(sorted(trans.items()))}


class PairStats:
    """One attribute's pairs: per column the original and counterfactual values, directions, largest changes."""

    def __init__(self, columns: list[Column], top: int) -> None:
        self.columns, self.top = columns, top
        self.values: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {c.name: [] for c in columns}
        self.directions: list[str] = []
        self.largest: dict[str, list[tuple]] = {c.name: [] for c in columns if c.kind == "score"}
        self._seq = 0

    def add(self, ids: list[str], cf_ids: list[str], texts: list[str], cf_texts: list[str], dirs: list[str],
            orig: pd.DataFrame, cf: pd.DataFrame) -> None:
        self.directions.extend(dirs)
        for col in self.columns:
            a, b = orig[col.name].to_numpy(), cf[col.name].to_numpy()
            self.values[col.name].append((a, b))
            if col.kind != "score" or not self.top:
                continue
            delta = np.abs(b - a)
            heap = self.largest[col.name]
            for i in np.argsort(-np.nan_to_num(delta, nan=-1.0), kind="stable")[:self.top]:
                if np.isnan(delta[i]) or delta[i] == 0:
                    break  # unchanged pairs are not "changes"
                # (|delta|, -sequence) keeps the earliest record first among equal changes: deterministic.
                item = (float(delta[i]), -(self._seq + int(i)), ids[i], cf_ids[i], float(a[i]), float(b[i]),
                        texts[i], cf_texts[i])
                if len(heap) < self.top:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
        self._seq += len(ids)

    def finish(self) -> dict[str, Any]:
        dirs = np.asarray(self.directions, dtype=object)
        out: dict[str, Any] = {"pairs": int(dirs.size),
                               "directions": dict(sorted(pd.Series(dirs).value_counts().items())),
                               "scores": {}, "labels": {}, "largest_changes": {}}
        for col in self.columns:
            parts = self.values[col.name]
            a = np.concatenate([p[0] for p in parts]) if parts else np.array([])
            b = np.concatenate([p[1] for p in parts]) if parts else np.array([])
            summarise = paired_summary if col.kind == "score" else flip_summary
            if col.kind == "score":
                a, b = a.astype(np.float64), b.astype(np.float64)
            entry = summarise(a, b)
            entry["by_direction"] = {d: summarise(a[dirs == d], b[dirs == d]) for d in sorted(set(self.directions))}
            out["scores" if col.kind == "score" else "labels"][col.name] = entry
        for name, heap in self.largest.items():
            out["largest_changes"][name] = [
                {"id": rid, "counterfactual_id": cid, "original_score": sa, "counterfactual_score": sb,
                 "delta": sb - sa, "original": mask_text(t), "counterfactual": mask_text(ct)}
                for _, _, rid, cid, sa, sb, t, ct in sorted(heap, reverse=True)]
        return out


def counterfactual_eval(source: str | os.PathLike | Sequence[str | os.PathLike], *, analyzers: Any = None,
                        analyzer_options: dict[str, dict] | None = None,
                        lexicon: CDALexicon | str | os.PathLike | None = None, out: str | os.PathLike | None = None,
                        progress: bool | None = None, **options: Any) -> dict[str, Any]:
    """The counterfactual report of ``source`` (a dict, as counterfactual.json holds it); ``out``: write
    counterfactual.json, counterfactual.md and, when records were bad, rejected.jsonl to that folder.

    ``options`` are the fields of ``CounterfactualSettings``.
    """
    settings = CounterfactualSettings(**options)
    lex = lexicon if isinstance(lexicon, CDALexicon) else CDALexicon.load(lexicon)
    attrs = lex.select(settings.attributes)
    swapper = Swapper(attrs, pos=settings.pos)
    built = build_many(analyzers, analyzer_options)
    columns = [c for a in built for c in a.columns if c.headline or settings.all_columns]
    stats = ReadStats()
    items = settings.read(source, stats)
    pairs = {a.name: PairStats(columns, settings.top) for a in attrs}
    n_records = 0
    batch: list[Record] = []
    with ExitStack() as stack:
        rejected_fh = None
        if out is not None:
            Path(out).mkdir(parents=True, exist_ok=True)
            rejected_fh = stack.enter_context(atomic_writer(Path(out) / "rejected.jsonl", binary=True,
                                                            keep_empty=False))
        rejects = RejectLog(rejected_fh, settings.on_error)
        bar = stack.enter_context(progress_bar(progress, "counterfactuals"))
        for item in items:
            if item.__class__ is Rejected:
                rejects.add(item)
                continue
            if settings.limit is not None and n_records >= settings.limit:
                break
            n_records += 1
            batch.append(item)
            if len(batch) == settings.batch_size:
                _score_batch(batch, swapper, attrs, built, pairs)
                bar.update(len(batch))
                batch = []
        if batch:
            _score_batch(batch, swapper, attrs, built, pairs)
            bar.update(len(batch))
    report = _report(settings, lex, swapper, built, stats, n_records, rejects, pairs)
    if out is not None:
        from biasaudit.audits.counterfactual_report import write_counterfactual

        write_counterfactual(report, out)
    return report


def _score_batch(batch: list[Record], swapper: Swapper, attrs, built, pairs: dict[str, PairStats]) -> None:
    texts = [r.text for r in batch]
    jobs = []  # (attribute, shift, record index, swapped)
    for attr in attrs:
        for shift in range(1, attr.n_groups):
            for i, res in enumerate(swapper.swap_many(texts, [{attr.name: shift}] * len(texts))):
                if res.swaps:
                    jobs.append((attr, shift, i, res))
    if not jobs:
        return
    originals = sorted({i for _, _, i, _ in jobs})
    scored_texts = [texts[i] for i in originals] + [res.text for *_, res in jobs]
    frame = column_frame(built, run_batch(built, scored_texts))
    row_of = {i: k for k, i in enumerate(originals)}
    for attr in attrs:
        mine = [(k, job) for k, job in enumerate(jobs) if job[0] is attr]
        if not mine:
            continue
        orig = frame.iloc[[row_of[job[2]] for _, job in mine]].reset_index(drop=True)
        cf = frame.iloc[[len(originals) + k for k, _ in mine]].reset_index(drop=True)
        ids = [batch[job[2]].id for _, job in mine]
        cf_ids = [batch[job[2]].id + copy_suffix(attr, job[1]) for _, job in mine]
        pairs[attr.name].add(ids, cf_ids, [texts[job[2]] for _, job in mine], [job[3].text for _, job in mine],
                             [direction(job[3].swaps) for _, job in mine], orig, cf)


def _report(settings: CounterfactualSettings, lex: CDALexicon, swapper: Swapper, built, stats: ReadStats,
            n_records: int, rejects: RejectLog, pairs: dict[str, PairStats]) -> dict[str, Any]:
    from biasaudit import __version__

    inputs = stats.as_dict()["sources"]
    return json_ready({
        "format": REPORT_FORMAT,
        "counts": {"read": n_records + rejects.count, "records": n_records, **rejects.summary()},
        "analyzers": [a.spec for a in built],
        "attributes": {name: p.finish() for name, p in pairs.items()},
        "settings": asdict(settings) | swapper.info(),
        "lexicon": lex.info(settings.attributes),
        "inputs": inputs,
        "reproducibility": {"biasaudit": __version__,
                            "analyzers": [a.info().as_dict() for a in built],
                            "input_sha256": {i["path"]: i.get("sha256") for i in inputs}},
    })

