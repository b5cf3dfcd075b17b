"""What a score threshold would remove from a corpus, and from whom: the filter simulator behind the dashboard.

Filtering by a toxicity score is a common data-cleaning step, and it can remove text that merely mentions an
identity group far more often than other text (Dodge et al. 2021). Here, for a threshold on one score column,
every identity family's share of the records is compared between those kept and those dropped, and its own drop
rate with the corpus drop rate, each with a Wilson 95% interval.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from biasaudit.audits.identity import IdentityLexicon
from biasaudit.report.stats import rate


@dataclass
class FilterSimulation:
    """``dropped`` is a boolean mask over the records; ``groups`` one row per identity family (or subgroup)."""

    column: str
    threshold: float
    dropped: np.ndarray
    overall: dict[str, float | int]
    groups: pd.DataFrame


def simulate_filter(records: pd.DataFrame, column: str, threshold: float, *,
                    mentions: pd.DataFrame | None = None, lexicon: IdentityLexicon | None = None,
                    subgroups: bool = False, op: str = ">=") -> FilterSimulation:
    """Drop records whose ``column`` ``op`` ``threshold`` holds (default: at or above; a filter policy rule's
    operator otherwise; NaN scores are kept) and compare groups.

    ``mentions`` (``IdentityLexicon.mentions`` of the texts) may be passed in to reuse it across thresholds.
    """
    from biasaudit.filtering.policy import OPERATORS

    values = records[column].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        dropped = OPERATORS[op](values, threshold)  # NaN compares False: kept
    if mentions is None:
        mentions = (lexicon or IdentityLexicon.load()).mentions(records["text"])
    names = [c for c in mentions.columns if ("/" in c) == subgroups]
    n, n_drop = len(records), int(dropped.sum())
    rows = []
    for name in names:
        mask = mentions[name].to_numpy(dtype=bool)
        in_dropped = int((mask & dropped).sum())
        rates = kept_vs_dropped(int(mask.sum()), in_dropped, n, n_drop)
        row = {"group": name, "records": int(mask.sum()), "dropped": in_dropped}
        for key, prefix in (("drop_rate", "drop_rate"), ("kept", "share_kept"), ("dropped", "share_dropped")):
            r = rates[key]
            row.update({prefix: r["rate"], f"{prefix}_low": r["ci_low"], f"{prefix}_high": r["ci_high"]})
        rows.append(row)
    return FilterSimulation(column, float(threshold), dropped, rate(n_drop, n), pd.DataFrame(rows))


def kept_vs_dropped(mentions: int, mentions_dropped: int, n: int, n_dropped: int) -> dict[str, dict]:
    """One group's Wilson rates: its share of the kept and of the dropped records, and its own drop rate.

    Shared by this simulator and the filter run's "who gets filtered out" section (biasaudit.report.filtered).
    """
    return {"kept": rate(mentions - mentions_dropped, n - n_dropped), "dropped": rate(mentions_dropped, n_dropped),
            "drop_rate": rate(mentions_dropped, mentions)}
