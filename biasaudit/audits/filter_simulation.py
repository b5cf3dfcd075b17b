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
                    subgroups: bool = False) -> FilterSimulation:
    """Drop records whose ``column`` is at or above ``threshold`` (NaN scores are kept) and compare groups.

    ``mentions`` (``IdentityLexicon.mentions`` of the texts) may be passed in to reuse it across thresholds.
    """
    values = records[column].to_numpy(dtype=np.float64)
    dropped = np.nan_to_num(values, nan=-np.inf) >= threshold
    if mentions is None:
        mentions = (lexicon or IdentityLexicon.load()).mentions(records["text"])
    names = [c for c in mentions.columns if ("/" in c) == subgroups]
    n, n_drop = len(records), int(dropped.sum())
    rows = []
    for name in names:
        mask = mentions[name].to_numpy(dtype=bool)
        in_kept, in_dropped = int((mask & ~dropped).sum()), int((mask & dropped).sum())
        share_kept, share_dropped = rate(in_kept, n - n_drop), rate(in_dropped, n_drop)
        drop_rate = rate(in_dropped, int(mask.sum()))
        rows.append({"group": name, "records": int(mask.sum()), "dropped": in_dropped,
                     "drop_rate": drop_rate["rate"], "drop_rate_low": drop_rate["ci_low"],
                     "drop_rate_high": drop_rate["ci_high"],
                     "share_kept": share_kept["rate"], "share_kept_low": share_kept["ci_low"],
                     "share_kept_high": share_kept["ci_high"],
                     "share_dropped": share_dropped["rate"], "share_dropped_low": share_dropped["ci_low"],
                     "share_dropped_high": share_dropped["ci_high"]})
    return FilterSimulation(column, float(threshold), dropped, rate(n_drop, n), pd.DataFrame(rows))
