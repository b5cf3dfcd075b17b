"""Who gets filtered out: identity-group shares among kept vs dropped records, score quantiles, threshold sweep.

Fed the texts and decisions of every batch of a filter run (or scan with a policy); ``finish()`` is a JSON-able
section. A filter that removes text mentioning one group far more often than others shows up here before the
data is trained on. Scores of the swept columns go to temporary files (``report.spill``), so memory stays flat
however long the stream, and their quantiles, mean and sweep counts are still exact.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from biasaudit.analyzers.base import Analyzer
from biasaudit.analyzers.registry import parse_spec
from biasaudit.audits.filter_simulation import kept_vs_dropped
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.errors import InputError
from biasaudit.filtering.hook import Decisions, FilterHook
from biasaudit.filtering.policy import OPERATORS, Policy
from biasaudit.report.spill import SpilledColumn
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
        self._scores = {c: SpilledColumn() for c in self.swept}

    def update(self, texts: Sequence[str], decisions: Decisions, mentions: np.ndarray | None = None) -> None:
        """``mentions``: the lexicon's tagging of ``texts`` when already done (a scan shares it per batch)."""
        dropped = np.asarray(decisions.flagged, dtype=bool)
        self.n += len(dropped)
        self.n_dropped += int(dropped.sum())
        for reason in decisions.reasons:
            if reason is not None:
                self.reasons[reason] = self.reasons.get(reason, 0) + 1
        found = self.lexicon.mentions(list(texts)).to_numpy(dtype=bool) if mentions is None else mentions
        self.mentions += found.sum(axis=0)
        self.mentions_dropped += found[dropped].sum(axis=0)
        for col in self.swept:
            self._scores[col].append(decisions.columns[col])

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
        values = self._scores[col]  # its non-NaN values, on disk
        rule = next((r for r in self.policy.rules if r.column == col and isinstance(r.value, float)), None)
        op = rule.op if rule is not None else ">"
        thresholds = set(self.policy.sweep.get(col, ()))
        wanted = QUANTILES if thresholds or not values.n else QUANTILES + DEFAULT_SWEEP_QUANTILES
        found = values.quantiles(wanted) if values.n else [None] * len(wanted)
        quantiles = {f"p{round(q * 100):02d}": v for q, v in zip(QUANTILES, found)}
        if not thresholds and values.n:
            thresholds = {round(v, 4) for v in found[len(QUANTILES):]}
        if rule is not None:
            thresholds.add(float(rule.value))
        sweep = [{"threshold": t, "rule": f"{col}{op}{t}",
                  **rate(values.count(lambda v, t=t: OPERATORS[op](v, t)), values.n)} for t in sorted(thresholds)]
        return {"n": values.n, "mean": values.mean() if values.n else None, "quantiles": quantiles, "sweep": sweep}

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "identity_lexicon": self.lexicon.info(), "swept": list(self.swept)}


def render_markdown(section: dict[str, Any]) -> str:
    """The section as Markdown, headed for the filter summary."""
    return "\n".join(["## Who gets filtered out", "", *filtered_out_markdown(section)]) + "\n"


def filtered_out_markdown(section: dict[str, Any]) -> list[str]:
    """Markdown lines (paragraphs and pipe tables, which the HTML view converts and escapes): the groups
    mentioned (most over-represented among dropped records first) and each swept score's threshold table."""
    from biasaudit.report.markdown import fmt, fmt_rate

    lines = []
    policy = section.get("policy")
    if policy:
        how = " (applied by default because the scan ran its analyzers)" if section.get("automatic") else ""
        lines += [f"Policy {_code(policy['source'])}{how}: {policy['action']} when "
                  + " or ".join(_code(r) for r in policy["rules"]) + ".", ""]
    lines += [f"{fmt(section['n'])} records, {fmt_rate(section['dropped'])} dropped ({section['meaning']}).", ""]
    lines += [f"- {_code(reason)}: {fmt(count)}" for reason, count in section["reasons"].items()]
    groups = [g for g in section["identity"]["groups"] if g["mentions"]]
    groups.sort(key=lambda g: (-(g["dropped_vs_kept"] or 0), g["group"]))
    lines += ["", ("Share of records mentioning each identity group among kept and dropped records "
              "(95% Wilson intervals), and the drop rate of records that mention it:"), "",
              "| group | mentions | share of kept | share of dropped | dropped/kept | drop rate |",
              "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {g['group']} | {fmt(g['mentions'])} | {fmt_rate(g['kept'])} | "
              f"{fmt_rate(g['dropped'])} | {fmt(g['dropped_vs_kept'], 2)} | {fmt_rate(g['drop_rate'])} |"
              for g in groups]
    if not groups:
        lines.append("| (no record mentions a listed group) | | | | | |")
    for col, s in section["scores"].items():
        q = s["quantiles"]
        lines += ["", f"{_code(col)}: n {fmt(s['n'])}, mean {fmt(s['mean'])}; quantiles "
                  + ", ".join(f"{k} {fmt(v)}" for k, v in q.items()) + ".", "",
                  "| rule | records it would drop | share |", "|---|---:|---:|"]
        lines += [f"| {_code(row['rule'])} | {fmt(row['count'])} | {fmt_rate(row)} |" for row in s["sweep"]]
    return lines + [""]


def _code(text: str) -> str:
    """A rule, column or path as an inert Markdown code span that cannot break a table row."""
    return "`" + " ".join(str(text).split()).replace("`", "'").replace("|", "/") + "`"


# ------------------------------------------------------------------------------------------- scan collector
class FilteredOutCollector:
    """The scan's "who gets filtered out" section: the policy's rules applied to the scan's own columns.

    It builds nothing: the rules read columns the scan's analyzers already produced, so the section costs one
    identity-term pass over the texts, and every engine (local, workers, Ray) feeds it the same batches.
    """

    name = FilterAccount.name

    def __init__(self, policy: Policy, analyzers: Sequence[Analyzer], automatic: bool = False) -> None:
        self.hook = FilterHook(policy, analyzers=analyzers)
        self.automatic = automatic
        scores = [c.name for c in self.hook.columns if c.kind == "score"]
        self.account = FilterAccount(policy, scores)
        self._read = list(dict.fromkeys([*(r.column for r in policy.rules), *self.account.swept]))

    def update(self, frame: pd.DataFrame) -> None:
        decisions = self.hook.decide({name: frame[name].to_numpy() for name in self._read})
        self.account.update(frame["text"].tolist(), decisions, self.account.lexicon.batch_mentions(frame))

    def finish(self) -> dict[str, Any]:
        policy = self.hook.policy.as_dict()
        return {"policy": {k: policy[k] for k in ("source", "action", "rules")}, "automatic": self.automatic,
                **self.account.finish()}

    def info(self) -> dict[str, Any]:
        return {**self.account.info(), "policy": self.hook.policy.as_dict(),
                "policy_sha256": policy_sha256(self.hook.policy), "automatic": self.automatic}


def policy_sha256(policy: Policy) -> str:
    """The policy file's sha256 (the shipped default's for ``default``), else that of the policy as applied."""
    import hashlib

    from biasaudit.filtering.policy import default_policy_path
    from biasaudit.resources import sha256_file

    path = default_policy_path() if policy.source == "default" else Path(policy.source)
    if policy.source != "<dict>" and path.is_file():
        return sha256_file(path)
    return hashlib.sha256(orjson.dumps(policy.as_dict(), option=orjson.OPT_SORT_KEYS)).hexdigest()


def scan_policy(policy: Any, analyzers: list[Analyzer], analyzer_options: dict[str, dict] | None,
                ) -> tuple[list[Analyzer], dict[str, dict], FilteredOutCollector | None]:
    """Analyzers, options and collector of a scan run with ``policy``.

    ``policy``: a YAML path, dict or Policy; ``"default"`` (the shipped policy); ``"none"``/False (no section);
    None (automatic: the default policy when the scan's analyzers produce its columns, i.e. ``hate`` ran). An
    explicit policy whose analyzers the scan lacks adds them, with the policy's options under the caller's.
    """
    from biasaudit.analyzers.registry import build_many

    options = {k: dict(v) for k, v in (analyzer_options or {}).items()}
    if policy is False or (isinstance(policy, str) and policy.lower() == "none"):
        return analyzers, options, None
    automatic = policy is None
    policy = Policy.load(None if automatic or policy == "default" else policy)
    if automatic:
        try:
            return analyzers, options, FilteredOutCollector(policy, analyzers, automatic=True)
        except InputError:  # the scan did not run the policy's analyzers: no section
            return analyzers, options, None
    have = {a.name for a in analyzers}
    missing = [spec for spec in policy.analyzers if parse_spec(spec)[0] not in have]
    for spec in missing:
        name = parse_spec(spec)[0]
        options[name] = {**policy.analyzer_options.get(name, {}), **options.get(name, {})}
    analyzers = [*analyzers, *build_many(missing, options)] if missing else analyzers
    return analyzers, options, FilteredOutCollector(policy, analyzers)
