"""``--fail-on`` gates: ``metric OP number`` expressions checked against a finished report.

Metric names come from the columns (``hate_rate``, ``bias_score_mean``, ``vader_compound_p95``) plus counts;
parsing and validation happen before a scan starts so a typo costs seconds, not a scan.
"""
from __future__ import annotations

import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from biasaudit.analyzers.base import Column
from biasaudit.errors import UsageError
from biasaudit.report.aggregate import QUANTILES

_OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">": operator.gt,
        "<": operator.lt}
_GATE = re.compile(r"^\s*([A-Za-z_][\w.:]*)\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_COUNTS = ("read", "scored", "rejected", "rejected_rate")
_SCORE_STATS = ("mean", "std", "min", "max") + tuple(f"p{round(q * 100):02d}" for q in QUANTILES)


@dataclass(frozen=True)
class Gate:
    expr: str
    metric: str
    op: str
    threshold: float


def parse_gates(exprs: Sequence[str] | None) -> list[Gate]:
    """Parse ``["hate_rate>0.01", "bias_score_mean>=1"]`` (each item may hold several, comma-separated)."""
    gates = []
    for item in exprs or []:
        for expr in item.split(","):
            if not expr.strip():
                continue
            m = _GATE.match(expr)
            if not m:
                raise UsageError(f"bad --fail-on expression {expr.strip()!r}: expected METRIC OP NUMBER, "
                                 f"e.g. 'hate_rate>0.01' (OP one of {', '.join(_OPS)})")
            gates.append(Gate(expr.strip(), m.group(1), m.group(2), float(m.group(3))))
    return gates


def metric_names(columns: Sequence[Column]) -> list[str]:
    """Every metric a gate may name, for the selected analyzers' columns."""
    names = list(_COUNTS)
    for col in columns:
        if col.kind == "score":
            names += [f"{col.name}_{s}" for s in _SCORE_STATS]
        elif col.kind == "flag":
            names.append(f"{col.name}_rate")
        else:
            names += [f"{label}_rate" for label in col.labels]
    return names


def validate_gates(gates: Sequence[Gate], columns: Sequence[Column]) -> None:
    known = set(metric_names(columns))
    for gate in gates:
        if gate.metric not in known:
            examples = ", ".join(m for m in metric_names(columns) if m.endswith(("_rate", "_mean")))
            raise UsageError(f"--fail-on {gate.expr!r}: unknown metric {gate.metric!r}; known: {examples}, "
                             f"any score's _std/_min/_max/_p01.._p99, read, scored, rejected")


def metric_value(report: dict[str, Any], metric: str) -> float | None:
    counts = report["counts"]
    if metric in ("read", "scored", "rejected"):
        return counts[metric]
    if metric == "rejected_rate":
        return counts["rejected"] / counts["read"] if counts["read"] else None
    for name, stats in report["scores"].items():
        prefix = name + "_"
        if metric.startswith(prefix):
            stat = metric[len(prefix):]
            if stat in _SCORE_STATS:
                return (stats.get("quantiles") or {}).get(stat) if stat.startswith("p") else stats.get(stat)
    if metric.endswith("_rate"):
        key = metric[: -len("_rate")]
        if key in report["flags"]:
            return report["flags"][key]["rate"]
        for labels in report["labels"].values():
            if key in labels:
                return labels[key]["rate"]
    raise UsageError(f"metric {metric!r} is not in this report")


def evaluate_gates(gates: Sequence[Gate], report: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per gate; ``passed`` is False when the expression holds (the gate fires).

    An undefined metric (e.g. a mean over zero scored records) does not fire, and says so.
    """
    results = []
    for gate in gates:
        value = metric_value(report, gate.metric)
        undefined = value is None or (isinstance(value, float) and math.isnan(value))
        fired = False if undefined else _OPS[gate.op](value, gate.threshold)
        results.append({"expr": gate.expr, "metric": gate.metric, "value": None if undefined else value,
                        "passed": not fired, **({"note": "metric undefined"} if undefined else {})})
    return results
