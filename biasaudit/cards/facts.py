"""The facts a data card states, picked out of report.json (and record ids out of records.parquet).

Selection only, never arithmetic on the report's numbers: every number a card shows is a value of report.json,
so a card and its report cannot disagree. The same facts feed the card's text and its YAML ``bias_audit`` block.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Any

import pandas as pd

from biasaudit.cards.metadata import CardOptions, hub_fields, input_name, unconfirmed
from biasaudit.cards.scan_outputs import ScanOutputs
from biasaudit.report.aggregate import MISSING, OTHER

SELF_AUDIT = "hate_self_audit"
ASSOCIATIONS = "associations"
FLAGS = ("hate", "offensive")
#: Subgroups shown per flag as "most affected".
TOP_GROUPS = 5
#: Label column and probability column of the records listed for review, per label.
REVIEW = (("hate", "p_hate"), ("offensive", "p_offensive"))


def headline_scores(report: dict[str, Any]) -> list[str]:
    return [n for n in report["scores"] if report["columns"].get(n, {}).get("headline", True)]


def self_audit(report: dict[str, Any]) -> dict[str, Any] | None:
    section = report["sections"].get(SELF_AUDIT)
    return section if isinstance(section, dict) and "group_rates" in section else None


def most_affected(section: dict[str, Any], flag: str, k: int = TOP_GROUPS) -> list[dict[str, Any]]:
    """Identity subgroups with records flagged ``flag``, most affected first: by the low end of the Wilson
    interval, as the self-audit ranks over-flagged groups, so a 1-of-1 subgroup does not outrank a
    well-supported one."""
    g = section["group_rates"]
    base = g["corpus"][flag]["rate"]
    rows = [{"group": f"{family}/{sub}", **r[flag],
             "above_corpus": base is not None and r[flag]["ci_low"] is not None and r[flag]["ci_low"] > base}
            for family, fam in g["families"].items() for sub, r in fam["subgroups"].items() if r[flag]["count"]]
    rows.sort(key=lambda r: (-r["ci_low"], r["group"]))
    return rows[:k]


def identity_mentions(section: dict[str, Any]) -> list[dict[str, Any]]:
    """Records mentioning each identity family, with the subgroups that occur (counts from the report)."""
    g = section["group_rates"]
    return [{"family": family, "n": fam["n"],
             "subgroups": {sub: r["n"] for sub, r in fam["subgroups"].items() if r["n"]}}
            for family, fam in g["families"].items()]


def distinct_values(report: dict[str, Any], dim: str) -> tuple[int, bool] | None:
    """How many distinct values a breakdown saw (and whether the report pooled some under '(other)')."""
    groups = report["breakdowns"].get(dim)
    if not groups:
        return None
    keys = [k for k in groups if k not in (MISSING, OTHER)]
    return len(keys), OTHER in groups


def breakdown_groups(report: dict[str, Any], dim: str) -> dict[str, Any]:
    """A breakdown keyed as a card shows it (sources by file name only)."""
    groups = report["breakdowns"].get(dim) or {}
    return {input_name(k) if dim == "source" and k not in (MISSING, OTHER) else k: g for k, g in groups.items()}


def lexicon_hashes(report: dict[str, Any]) -> dict[str, str]:
    """sha256 of every word list the scan used: analyzer resources under lexicons/ and the self-audit lexicon."""
    out = {k: v for a in report["reproducibility"]["analyzers"] for k, v in a["resources"].items()
           if k.startswith("lexicons/")}
    section = self_audit(report)
    if section and section.get("lexicon", {}).get("sha256"):
        source = PurePath(str(section["lexicon"].get("source", "identity")))
        key = f"lexicons/{source.name}" if source.parent.name == "lexicons" else f"identity lexicon {source.name}"
        out[key] = section["lexicon"]["sha256"]
    return dict(sorted(out.items()))


def model_hashes(report: dict[str, Any]) -> dict[str, str]:
    return {k: v for a in report["reproducibility"]["analyzers"] for k, v in a["resources"].items()
            if not k.startswith("lexicons/")}


def review_records(outputs: ScanOutputs, label: str, prob: str, k: int) -> pd.DataFrame | None:
    """The ``k`` records labelled ``label`` with the highest ``prob`` (ties by id), or None without the columns."""
    rec = outputs.records
    if rec is None or "hate_label" not in rec.columns or prob not in rec.columns:
        return None
    chosen = rec[rec["hate_label"].astype(str) == label].assign(_id=lambda f: f["id"].astype(str))
    return chosen.sort_values([prob, "_id"], ascending=[False, True], kind="stable").head(k)


def extreme_ids(report: dict[str, Any], score: str, end: str) -> list[str]:
    return [str(e["id"]) for e in report["scores"][score].get("extremes", {}).get(end, [])]


def association_tests(report: dict[str, Any]) -> list[dict[str, Any]]:
    section = report["sections"].get(ASSOCIATIONS)
    return list(section.get("tests", [])) if isinstance(section, dict) else []


def sampling(report: dict[str, Any]) -> dict[str, Any]:
    s = report["reproducibility"]["settings"]
    return {k: s.get(k) for k in ("sample", "limit", "seed")}


def bias_audit_block(outputs: ScanOutputs, options: CardOptions) -> dict[str, Any]:
    """The front matter's ``bias_audit`` block: the report's raw numbers the card shows, and their provenance."""
    report = outputs.report
    repro = report["reproducibility"]
    block: dict[str, Any] = {
        "tool": "biasaudit",
        "tool_version": repro["biasaudit"],
        "report_format": report["format"],
        "records": {k: report["counts"][k] for k in ("read", "scored", "rejected")},
        "sampling": sampling(report),
        "inputs": [{"file": input_name(i["path"]), "format": i.get("format"), "records": i.get("records"),
                    "sha256": i.get("sha256")} for i in report["inputs"]],
        "analyzers": [{"spec": f"{a['name']}:{a['variant']}", "version": a["version"]}
                      for a in repro["analyzers"]],
        "lexicons": lexicon_hashes(report),
        "models": model_hashes(report),
        "labels": report["labels"],
        "flags": report["flags"],
        "scores": {n: {k: report["scores"][n][k] for k in ("n", "mean", "std")} for n in headline_scores(report)},
    }
    section = self_audit(report)
    if section:
        s = section["summary"]
        block["identity_groups"] = {
            "corpus": section["group_rates"]["corpus"],
            "most_affected": {flag: [{k: r[k] for k in ("group", "n", "count", "rate", "ci_low", "ci_high")}
                                     for r in most_affected(section, flag)] for flag in FLAGS},
            "over_flagged": {flag: [r["group"] for r in s[f"over_flagged_{flag}"]] for flag in FLAGS},
            "max_template_p_hate_spread": s["max_template_p_hate_spread"],
            "record_label_flip_rate": s["record_label_flip_rate"],
        }
    tests = [t for t in association_tests(report) if t.get("status") == "ok"]
    if tests:
        block["associations"] = [{"test": t["test"], "effect_size": t["effect_size"], "p_value": t["p_value"],
                                  **{k: (t.get("bootstrap") or {}).get(k) for k in ("ci_low", "ci_high")}}
                                 for t in tests]
    block["unconfirmed_metadata"] = unconfirmed(options)
    block["provenance"] = {"report_sha256": outputs.report_sha256, "python": repro["python"],
                           "packages": repro["packages"]}
    return block


def front_matter(outputs: ScanOutputs, options: CardOptions, default_name: str) -> dict[str, Any]:
    return {**hub_fields(outputs.report, options, default_name), "bias_audit": bias_audit_block(outputs, options)}
