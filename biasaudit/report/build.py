"""Assemble report.json: counts, inputs, statistics, analyzer sections and the reproducibility block.

JSON is the source of truth; Markdown and HTML only render this dict. No statistics are computed here.
"""
from __future__ import annotations

import platform
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import orjson

from biasaudit.analyzers.base import Analyzer
from biasaudit.compiled import in_use as compiled_in_use

REPORT_FORMAT = "biasaudit.scan/1"
_PACKAGES = ("numpy", "pandas", "pyarrow", "scikit-learn", "vaderSentiment", "spacy")


def _package_versions() -> dict[str, str]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def json_ready(obj: Any) -> Any:
    """The object as report.json will hold it (NaN -> null, numpy -> Python), so API and file agree."""
    return orjson.loads(orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS))


def build_report(*, analyzers: Sequence[Analyzer], summary: dict[str, Any], read_stats: Any, n_rejected: int,
                 rejected_reasons: dict[str, int], settings: dict[str, Any],
                 sections: dict[str, Any]) -> dict[str, Any]:
    from biasaudit import __version__

    inputs = read_stats.as_dict()["sources"]
    n_scored = summary["n"]
    columns = {c.name: {"analyzer": a.spec, "kind": c.kind, "description": c.description,
                        "headline": c.headline, **({"labels": list(c.labels)} if c.labels else {})}
               for a in analyzers for c in a.columns}
    return {
        "format": REPORT_FORMAT,
        "counts": {"read": n_scored + n_rejected, "scored": n_scored, "rejected": n_rejected,
                   "rejected_by_reason": dict(sorted(rejected_reasons.items()))},
        "inputs": inputs,
        "analyzers": [a.spec for a in analyzers],
        "columns": columns,
        "scores": summary["scores"],
        "labels": summary["labels"],
        "flags": summary["flags"],
        "breakdowns": summary["breakdowns"],
        "sections": sections,
        "reproducibility": {
            "biasaudit": __version__,
            "python": platform.python_version(),
            "packages": _package_versions(),
            # Cython builds of hot modules (same results; see biasaudit.compiled): which ones ran, if any
            "compiled": compiled_in_use(),
            "analyzers": [a.info().as_dict() for a in analyzers],
            "settings": settings,
            "input_sha256": {i["path"]: i.get("sha256") for i in inputs},
        },
    }
