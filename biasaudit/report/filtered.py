"""Who gets filtered out: identity-group shares among kept vs dropped records, score quantiles, threshold sweep.

Fed the texts and decisions of every batch of a filter run (or scan with a policy); ``finish()`` is a JSON-able
section. A filter that removes text mentioning one group far more often than others shows up here before the
data is trained on. Scores of the swept columns are held (8 bytes per record and column) for exact quantiles.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from biasaudit.audits.filter_simulation import kept_vs_dropped
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.filtering.hook import Decisions
from biasaudit.filtering.policy import OPERATORS, Policy
from biasaudit.report.stats import rate

QUANTILES = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)
DEFAULT_SWEEP_QUANTILES = (0.5, 0.75, 0.9, 0.95, 0.99)


class FilterAccount:
    """Streams (texts, decisions) batches; counts identity mentions among kept and dropped records."""

    name = "filtered_out"

    def __init__(self, policy: Policy, score_columns: Sequence[str], lexicon: IdentityLexicon | None = None):
        self.policy = policy
        self.lexicon = lexicon or IdentityLexicon.load(policy.identity_lexicon)
        rule_scores = [r.column for r in policy.rules if isinstance(r.value, float)]
        self.swept = [c for c in dict.fromkeys([*rule_scores, *policy.sweep]) if c in score_columns]
        self.n = 0
        self.n_dropped = 0
        self.reasons: dict[str, int] = {}
        groups = self.lexicon.columns
        self.mentions = np.zeros(len(groups), dtype=np.int64)
        self.mentions_dropped = np.zeros(len(groups), dtype=np.int64)
        self._scores: dict[str, list[np.ndarray]] = {c: [] for c in self.swept}

    def update(self, texts: Sequence[str], decisions: Decisions) -> None:
        dropped = np.asarray(decisions.flagged, dtype=bool)
        self.n += len(dropped)
        self.n_dropped += int(dropped.sum())
        for reason in decisions.reasons:
            if reason is not None:
                self.reasons[reason] = self.reasons.get(reason, 0) + 1
        found = self.lexicon.mentions(list(texts)).to_numpy(dtype=bool)
        self.mentions += found.sum(axis=0)
        self.mentions_dropped += found[dropped].sum(axis=0)
        for col in self.swept:
            self._scores[col].append(np.asarray(decisions.columns[col], dtype=np.float64))

    def finish(self) -> dict[str, Any]:
        groups = []
        for name, k, k_drop in zip(self.lexicon.columns, self.mentions.tolist(), self.mentions_dropped.tolist()):
            rates = kept_vs_dropped(k, k_drop, self.n, self.n_dropped)
            kept, dropped = rates["kept"], rates["dropped"]
            ratio = dropped["rate"] / kept["rate"] if kept["rate"] else None
            groups.append({"group": name, "mentions": k, "kept": kept, "dropped": dropped,
                           "drop_rate": rates["drop_rate"],
                           "dropped_vs_kept": None if ratio is None or np.isnan(ratio) else ratio})
        return {
            "meaning": "'dropped' = flagged by the policy (removed in drop mode, tagged in tag mode)",
            "n": self.n, "dropped": rate(self.n_dropped, self.n), "reasons": dict(sorted(self.reasons.items())),
            "identity": {"lexicon": {"source": self.lexicon.source, "sha256": self.lexicon.sha256},
                         "groups": groups},
            "scores": {col: self._score_section(col) for col in self.swept},
        }

    def _score_section(self, col: str) -> dict[str, Any]:
        values = np.concatenate(self._scores[col]) if self._scores[col] else np.array([])
        values = values[~np.isnan(values)]
        rule = next((r for r in self.policy.rules if r.column == col and isinstance(r.value, float)), None)
        op = rule.op if rule is not None else ">"
        quantiles = {f"p{round(q * 100):02d}": float(np.quantile(values, q)) if len(values) else None
                     for q in QUANTILES}
        thresholds = set(self.policy.sweep.get(col, ()))
        if not thresholds and len(values):
            thresholds = {round(float(np.quantile(values, q)), 4) for q in DEFAULT_SWEEP_QUANTILES}
        if rule is not None:
            thresholds.add(float(rule.value))
        sweep = [{"threshold": t, "rule": f"{col}{op}{t}", **rate(int(OPERATORS[op](values, t).sum()), len(values))}
                 for t in sorted(thresholds)]
        return {"n": len(values), "mean": float(values.mean()) if len(values) else None,
                "quantiles": quantiles, "sweep": sweep}

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "identity_lexicon": self.lexicon.info(), "swept": list(self.swept)}


def render_markdown(section: dict[str, Any]) -> str:
    """The section as Markdown tables: groups mentioned (most over-represented among dropped first), scores."""
    from biasaudit.report.markdown import fmt, fmt_rate

    lines = ["## Who gets filtered out", "",
             f"{fmt(section['n'])} records, {fmt_rate(section['dropped'])} dropped ({section['meaning']}).", ""]
    for reason, count in section["reasons"].items():
        lines.append(f"- `{reason}`: {fmt(count)}")
    groups = [g for g in section["identity"]["groups"] if g["mentions"]]
    groups.sort(key=lambda g: (-(g["dropped_vs_kept"] or 0), g["group"]))
    lines += ["", ("Share of records mentioning each identity group among kept and dropped records "
              "(95% Wilson intervals), and the drop rate of records that mention it:"), "",
              "| group | mentions | share of kept | share of dropped | dropped/kept | drop rate |",
              "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {g['group']} | {fmt(g['mentions'])} | {fmt_rate(g['kept'])} | {fmt_rate(g['dropped'])} | "
              f"{fmt(g['dropped_vs_kept'], 2)} | {fmt_rate(g['drop_rate'])} |" for g in groups]
    if not groups:
        lines.append("| (no record mentions a listed group) | | | | | |")
    for col, s in section["scores"].items():
        q = s["quantiles"]
        lines += ["", f"### {col}", "", f"n {fmt(s['n'])}, mean {fmt(s['mean'])}; quantiles: "
                  + ", ".join(f"{k} {fmt(v)}" for k, v in q.items()), "",
                  "| rule | records it would drop | share |", "|---|---:|---:|"]
        lines += [f"| `{row['rule']}` | {fmt(row['count'])} | {fmt_rate(row)} |" for row in s["sweep"]]
    return "\n".join(lines) + "\n"
