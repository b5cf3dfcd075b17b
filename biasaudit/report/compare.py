"""Compare scans: every score's mean and std and every label's rate per scan, differences against a reference
scan with seeded bootstrap intervals and a significance test, and amplification ratios (scan mean / reference
mean: model vs data, as in Henderson et al. 2018).

Reads each scan's report.json (column kinds, settings) and records.parquet (one column at a time). Statistics:

- score: mean, sample std (ddof=1), 95% percentile bootstrap interval of the mean (records resampled with
  replacement, ``bootstrap`` draws); NaN values (undefined scores) are left out and counted.
- rate (a label value, or a flag): share with its Wilson 95% interval; its bootstrap draws are binomial, which is
  what resampling the records' 0/1 indicators gives.
- difference (scan - reference): the 95% interval of the difference of independent draws; p-value from Welch's
  t-test (scores) or Fisher's exact test (rates), both two-sided, and Holm-adjusted over every test of the run.
- ratio (scan / reference): reported only when the reference is clearly away from zero: for a score, its
  bootstrap interval excludes 0 (else the ratio of two near-zero means is noise, or flips sign); for a rate, its
  count is above 0. A negative ratio means the sign flipped. Its interval is the percentile interval of the
  ratio of draws.

Same scans, seed and draws give the same numbers: each (metric, scan) has its own seeded stream.
"""
from __future__ import annotations

import math
import os
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow.parquet as pq

from biasaudit.errors import InputError, UsageError
from biasaudit.report.stats import wilson_interval
from biasaudit.resources import sha256_file

FORMAT = "biasaudit.compare/1"
CONFIDENCE = 0.95
_MAX_CELLS = 2_000_000  # resampled values held at once (draws x records)


@dataclass
class ScanInput:
    label: str
    path: Path
    report: dict[str, Any]

    @property
    def records_path(self) -> Path:
        return self.path / "records.parquet"


@dataclass(frozen=True)
class Metric:
    """A compared quantity: a score column's mean, or the rate of one label value (or a flag)."""

    key: str
    column: str
    kind: str  # "score" or "rate"
    label: str | None = None  # the label value whose rate this is; None for a score or a flag


def load_scan(spec: str | os.PathLike | tuple[str, str | os.PathLike]) -> ScanInput:
    """A scan directory given as ``DIR``, ``LABEL=DIR`` or ``(label, DIR)``."""
    if isinstance(spec, tuple):
        label, path = spec[0], Path(spec[1])
    else:
        text = str(spec)
        label, sep, rest = text.partition("=")
        if sep and label and not Path(text).exists():
            path = Path(rest)
        else:
            label, path = "", Path(text)
        label = label or path.resolve().name
    report_path = path / "report.json"
    if not report_path.is_file() or not (path / "records.parquet").is_file():
        raise InputError("expected a scan directory with report.json and records.parquet (biasaudit scan --out)",
                         file=str(path))
    try:
        report = orjson.loads(report_path.read_bytes())
    except orjson.JSONDecodeError as err:
        raise InputError(f"report.json is not valid JSON ({err})", file=str(report_path)) from None
    if not str(report.get("format", "")).startswith("biasaudit.scan/"):
        raise InputError("report.json is not a biasaudit scan report", file=str(report_path))
    return ScanInput(label, path, report)


def select_metrics(scans: Sequence[ScanInput], columns: Sequence[str] | None,
                   include_detail: bool) -> tuple[list[Metric], list[str]]:
    """Metrics present in every scan (headline columns unless ``include_detail`` or named), and notes."""
    notes: list[str] = []
    infos = [s.report["columns"] for s in scans]
    common = [c for c in infos[0] if all(c in info for info in infos[1:])]
    if columns:
        missing = [c for c in columns if c not in common]
        if missing:
            raise UsageError(f"column(s) {', '.join(missing)} not in every scan; common columns: "
                             f"{', '.join(common)}")
        chosen = list(columns)
    else:
        chosen = [c for c in common if include_detail or infos[0][c].get("headline", True)]
        only_some = sorted({c for info in infos for c in info} - set(common))
        if only_some:
            notes.append(f"Columns not in every scan, left out: {', '.join(only_some)}.")
    metrics: list[Metric] = []
    for col in chosen:
        kind = infos[0][col]["kind"]
        specs = {info[col].get("analyzer") for info in infos}
        if len(specs) > 1:
            notes.append(f"`{col}` comes from different analyzers across scans ({', '.join(sorted(specs))}): "
                         "its differences mix the analyzers with the data.")
        if kind == "score":
            metrics.append(Metric(col, col, "score"))
        elif kind == "flag":
            metrics.append(Metric(f"{col}_rate", col, "rate"))
        else:
            labels = list(infos[0][col].get("labels", []))
            for s in scans:
                labels += [lab for lab in s.report["labels"].get(col, {}) if lab not in labels]
            metrics += [Metric(f"{col}={lab}", col, "rate", lab) for lab in labels]
    return metrics, notes


def scored_unit(scan: ScanInput) -> str:
    """What the scan's records are: ``dialogue`` (whole conversations), ``utterance`` (turns, lines, model
    responses) or ``mixed``; from the records, since a dialogue-unit scan leaves single texts single."""
    table = pq.read_table(scan.records_path, columns=["conversation_id", "turn"])
    joined = pd.Series(table.column("conversation_id").is_valid().to_numpy(zero_copy_only=False)) & pd.Series(
        table.column("turn").is_null().to_numpy(zero_copy_only=False))
    n_joined = int(joined.sum())
    return "dialogue" if n_joined == len(joined) and n_joined else "utterance" if n_joined == 0 else "mixed"


def _settings_notes(scans: Sequence[ScanInput], units: dict[str, str]) -> list[str]:
    notes = []
    for name, what in (("unit", "scoring units"), ("lowercase", "lower-casing")):
        values = units if name == "unit" else \
            {s.label: s.report["reproducibility"]["settings"].get(name) for s in scans}
        if len(set(map(str, values.values()))) > 1:
            notes.append(f"The scans differ in {what} ({', '.join(f'{k}: {v}' for k, v in values.items())}), so "
                         "their differences mix that choice with the data or model. (Henderson et al. compared "
                         "whole dialogues of the data with single model responses.)")
    return notes


def _rng(seed: int, metric: Metric, scan_index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(metric.key.encode()), scan_index]))


def _bootstrap_means(values: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    n = values.size
    if n == 0:
        return np.full(draws, np.nan)
    out = np.empty(draws)
    chunk = max(1, _MAX_CELLS // n)
    for start in range(0, draws, chunk):
        k = min(chunk, draws - start)
        out[start:start + k] = values[rng.integers(0, n, size=(k, n))].mean(axis=1)
    return out


def _interval(draws: np.ndarray) -> tuple[float, float]:
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return (math.nan, math.nan)
    lo, hi = np.quantile(finite, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    return (float(lo), float(hi))


def _column(scan: ScanInput, column: str) -> np.ndarray:
    return pq.read_table(scan.records_path, columns=[column]).column(0).to_numpy(zero_copy_only=False)


def _summarise(scan: ScanInput, index: int, metric: Metric, draws: int,
               seed: int) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """(per-scan cell, bootstrap draws, the values a test needs: scores, or [count, n] for a rate)."""
    rng = _rng(seed, metric, index)
    raw = _column(scan, metric.column)
    if metric.kind == "score":
        values = raw.astype(np.float64)
        finite = values[~np.isnan(values)]
        boot = _bootstrap_means(finite, draws, rng)
        lo, hi = _interval(boot)
        cell = {"n": int(finite.size), "n_undefined": int(values.size - finite.size),
                "mean": float(finite.mean()) if finite.size else math.nan,
                "std": float(finite.std(ddof=1)) if finite.size > 1 else math.nan, "ci_low": lo, "ci_high": hi}
        return cell, boot, finite
    if metric.label is None:  # a flag
        k, n = int(np.count_nonzero(raw.astype(bool))), int(raw.size)
    else:
        labels = pd.Series(raw, dtype=object).dropna().astype(str)
        k, n = int((labels == metric.label).sum()), int(labels.size)
    boot = rng.binomial(n, k / n, size=draws) / n if n else np.full(draws, np.nan)
    lo, hi = wilson_interval(k, n)
    cell = {"count": k, "n": n, "rate": k / n if n else math.nan, "ci_low": lo, "ci_high": hi,
            "boot_ci_low": _interval(boot)[0], "boot_ci_high": _interval(boot)[1]}
    return cell, boot, np.array([k, n])


def _test(metric: Metric, ref: np.ndarray, other: np.ndarray) -> dict[str, Any]:
    from scipy import stats

    if metric.kind == "score":
        if ref.size < 2 or other.size < 2:
            return {"test": "Welch t-test", "statistic": None, "df": None, "p": None}
        with warnings.catch_warnings():  # identical values (zero variance) warn; the result says NaN itself
            warnings.simplefilter("ignore", RuntimeWarning)
            res = stats.ttest_ind(other, ref, equal_var=False)
        return {"test": "Welch t-test", "statistic": float(res.statistic), "df": float(getattr(res, "df", math.nan)),
                "p": float(res.pvalue)}
    (k1, n1), (k2, n2) = ref, other
    if n1 == 0 or n2 == 0:
        return {"test": "Fisher exact", "statistic": None, "p": None}
    res = stats.fisher_exact([[int(k2), int(n2 - k2)], [int(k1), int(n1 - k1)]])
    return {"test": "Fisher exact", "statistic": float(res.statistic), "p": float(res.pvalue)}


def _ratio(metric: Metric, ref_cell: dict, cell: dict, ref_boot: np.ndarray, boot: np.ndarray) -> dict[str, Any]:
    if metric.kind == "score":
        value, base = cell["mean"], ref_cell["mean"]
        defined = ref_cell["n"] > 0 and (ref_cell["ci_low"] > 0 or ref_cell["ci_high"] < 0)
        why = "the reference mean's 95% interval includes 0"
    else:
        value, base = cell["rate"], ref_cell["rate"]
        defined = ref_cell["count"] > 0
        why = "the reference rate is 0"
    if not defined or math.isnan(value):
        return {"ratio": None, "ci_low": None, "ci_high": None, "undefined_because": why}
    with np.errstate(divide="ignore", invalid="ignore"):
        lo, hi = _interval(boot / ref_boot)
    return {"ratio": value / base, "ci_low": lo, "ci_high": hi, "undefined_because": None}


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment (family-wise error) of the p-values that are not None."""
    order = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    out: list[float | None] = [None] * len(pvalues)
    running, m = 0.0, len(order)
    for rank, (p, i) in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def compare_scans(scans: Sequence[str | os.PathLike | tuple[str, str | os.PathLike]], *,
                  reference: str | int = 0, bootstrap: int = 2000, seed: int = 0,
                  columns: Sequence[str] | None = None, include_detail: bool = False) -> dict[str, Any]:
    """The comparison as a JSON-able dict (what compare.json holds); see the module docstring for the method."""
    from biasaudit import __version__

    if len(scans) < 2:
        raise UsageError("compare needs at least two scan directories")
    if bootstrap < 100:
        raise UsageError(f"bootstrap needs at least 100 draws, got {bootstrap}")
    loaded = [load_scan(s) for s in scans]
    labels = [s.label for s in loaded]
    if len(set(labels)) < len(labels):
        raise UsageError(f"scan labels must differ ({', '.join(labels)}); name them LABEL=DIR")
    if isinstance(reference, str) and not reference.lstrip("-").isdigit():
        if reference not in labels:
            raise UsageError(f"no scan labelled {reference!r}; labels: {', '.join(labels)}")
        ref_index = labels.index(reference)
    else:
        ref_index = int(reference)
        if not 0 <= ref_index < len(loaded):
            raise UsageError(f"reference index {ref_index} out of range")
    metrics, notes = select_metrics(loaded, columns, include_detail)
    units = {s.label: scored_unit(s) for s in loaded}
    notes = _settings_notes(loaded, units) + notes
    results = []
    for metric in metrics:
        cells, boots, samples = zip(*(_summarise(s, i, metric, bootstrap, seed) for i, s in enumerate(loaded)))
        ref_label = labels[ref_index]
        diffs = {}
        for i, label in enumerate(labels):
            if i == ref_index:
                continue
            est = "mean" if metric.kind == "score" else "rate"
            lo, hi = _interval(boots[i] - boots[ref_index])
            diffs[label] = {"difference": cells[i][est] - cells[ref_index][est], "ci_low": lo, "ci_high": hi,
                            **_test(metric, samples[ref_index], samples[i]),
                            "amplification": _ratio(metric, cells[ref_index], cells[i], boots[ref_index], boots[i])}
        results.append({"key": metric.key, "column": metric.column, "kind": metric.kind, "label": metric.label,
                        "per_scan": dict(zip(labels, cells)), "reference": ref_label, "differences": diffs})
    all_diffs = [d for r in results for d in r["differences"].values()]
    for d, adjusted in zip(all_diffs, holm([d["p"] for d in all_diffs])):
        d["p_holm"] = adjusted
    table1 = [{"label": s.label, "section": s.report["sections"]["henderson2018"]} for s in loaded
              if "henderson2018" in s.report.get("sections", {})]
    return {
        "format": FORMAT,
        "reference": labels[ref_index],
        "scans": [{"label": s.label, "path": str(s.path), "records_sha256": sha256_file(s.records_path),
                   "records": s.report["counts"]["scored"], "analyzers": s.report["analyzers"],
                   "unit": units[s.label],
                   **{k: s.report["reproducibility"]["settings"].get(k) for k in ("preset", "lowercase")}}
                  for s in loaded],
        "settings": {"bootstrap": bootstrap, "seed": seed, "confidence": CONFIDENCE,
                     "columns": list(columns) if columns else None, "include_detail": include_detail},
        "metrics": results,
        "table1": table1,
        "notes": notes,
        "reproducibility": {"biasaudit": __version__,
                            "packages": {p: version(p) for p in ("numpy", "scipy", "pandas", "pyarrow")}},
    }
