"""Henderson et al. (2018) Table-1-style summary: bias score (compat and corrected), VADER, % hate, % offensive.

A scan collector (bounded state: moments and counts) whose section is one row per corpus; ``compare`` lays the
rows of several scans side by side. Definitions follow the authors' code (Breakend/EthicsInDialogue):
``get_data_stats.py`` takes ``np.mean``/``np.std`` (population std, ddof=0) over the texts that were scored
(texts of 3 characters or fewer were skipped: NaN here), and the VADER column is the compound score computed
inside their bias code on the same cleaned text (``bias_vader_sentiment_henderson2018``). Hate and offensive
shares are of the texts classified.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from biasaudit.report.stats import Moments, rate

NAME = "henderson2018"
#: Table column -> records.parquet column, as the henderson2018 preset names them.
SCORE_COLUMNS = {"bias_compat": "bias_score_henderson2018", "bias_corrected": "bias_score",
                 "vader": "bias_vader_sentiment_henderson2018"}
LABEL_COLUMN = "hate_label"
RATE_LABELS = ("hate", "offensive")
#: The authors' own experiment outputs (``*_stats.out``): bias mean/std and VADER compound mean. For comparing
#: method and magnitude, not as a target: corpora were scored as whole dialogues, models as single responses.
PUBLISHED = (
    {"what": "Twitter", "unit": "dialogue", "bias_mean": 0.155, "bias_std": 0.380, "vader_mean": 0.400},
    {"what": "Reddit", "unit": "dialogue", "bias_mean": 0.146, "bias_std": 0.383, "vader_mean": -0.178},
    {"what": "Cornell movies", "unit": "dialogue", "bias_mean": 0.162, "bias_std": 0.486, "vader_mean": 0.088},
    {"what": "Ubuntu", "unit": "dialogue", "bias_mean": 0.068, "bias_std": 0.323, "vader_mean": 0.291},
    {"what": "HRED beam-5 (Twitter)", "unit": "response", "bias_mean": 0.090, "bias_std": 0.482,
     "vader_mean": None},
    {"what": "HRED sampling (Twitter)", "unit": "response", "bias_mean": 0.198, "bias_std": 0.557,
     "vader_mean": None},
    {"what": "VHRED beam-5 (Twitter)", "unit": "response", "bias_mean": 0.144, "bias_std": 0.550,
     "vader_mean": None},
    {"what": "VHRED sampling (Twitter)", "unit": "response", "bias_mean": 0.216, "bias_std": 0.568,
     "vader_mean": None},
)


def score_cell(m: Moments) -> dict[str, Any]:
    """Mean and population std (ddof=0, as ``np.std``) of the defined values, with their count."""
    return {"n": m.n, "n_undefined": m.n_nan, "mean": m.mean if m.n else math.nan, "std": m.std(ddof=0)}


class HendersonTable:
    """Collector: one Table-1 row for the scanned corpus (the ``henderson2018`` report section)."""

    name = NAME

    def __init__(self, seed: int = 0, unit: str = "dialogue", lowercase: bool = True) -> None:
        self.unit, self.lowercase = unit, lowercase
        self.n = 0
        self.n_dialogues = 0
        self.moments = {key: Moments() for key in SCORE_COLUMNS}
        self.label_counts: dict[str, int] = {}
        self.n_labelled = 0

    def update(self, frame: pd.DataFrame) -> None:
        self.n += len(frame)
        self.n_dialogues += int((frame["conversation_id"].notna() & frame["turn"].isna()).sum())
        for key, column in SCORE_COLUMNS.items():
            if column in frame.columns:
                self.moments[key].update(frame[column].to_numpy(dtype=np.float64))
        if LABEL_COLUMN in frame.columns:
            labels = frame[LABEL_COLUMN].dropna().astype(str)
            self.n_labelled += len(labels)
            for label, k in labels.value_counts(sort=False).items():
                self.label_counts[label] = self.label_counts.get(label, 0) + int(k)

    def finish(self) -> dict[str, Any]:
        row: dict[str, Any] = {"n": self.n, "n_dialogues": self.n_dialogues,
                               "n_single_texts": self.n - self.n_dialogues}
        row.update({key: score_cell(m) for key, m in self.moments.items()})
        row.update({label: rate(self.label_counts.get(label, 0), self.n_labelled) for label in RATE_LABELS})
        return {"row": row, "columns": dict(SCORE_COLUMNS, rates=LABEL_COLUMN),
                "settings": {"unit": self.unit, "lowercase": self.lowercase, "std": "population (ddof=0)"},
                "published": list(PUBLISHED)}

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "version": "1", "settings": {"unit": self.unit, "lowercase": self.lowercase}}


# ---------------------------------------------------------------------------------------------------- views
def _mean_std(cell: dict[str, Any] | None) -> str:
    if not cell or cell.get("mean") is None:
        return "-"
    std = cell.get("std")
    return f"{cell['mean']:.3f} ± {std:.3f}" if std is not None else f"{cell['mean']:.3f}"


def _pct(cell: dict[str, Any] | None) -> str:
    if not cell or cell.get("rate") is None:
        return "-"
    return f"{100 * cell['rate']:.2f}% [{100 * cell['ci_low']:.2f}, {100 * cell['ci_high']:.2f}]"


TABLE_HEADER = ["", "unit", "n", "bias (henderson2018 compat)", "bias (hutto2015 corrected)", "VADER",
                "% hate [95% CI]", "% offensive [95% CI]"]


def table_rows(rows: list[tuple[str, dict[str, Any]]]) -> list[list[str]]:
    """Table-1 cells (formatted) for (label, section) pairs; the label is the scan's name."""
    out = []
    for label, section in rows:
        r = section["row"]
        unit = ("dialogue" if r["n_dialogues"] == r["n"] and r["n"] else
                "utterance" if not r["n_dialogues"] else "mixed")
        out.append([label, unit, f"{r['n']:,}", _mean_std(r.get("bias_compat")), _mean_std(r.get("bias_corrected")),
                    _mean_std(r.get("vader")), _pct(r.get("hate")), _pct(r.get("offensive"))])
    return out


def published_markdown() -> list[str]:
    lines = [("Henderson et al.'s own numbers (experiment outputs `*_stats.out`, buggy compat score), for "
              "comparing method only:"), "", "| corpus / model | unit | bias | VADER mean |", "|---|---|---|---|"]
    for p in PUBLISHED:
        vader = "-" if p["vader_mean"] is None else f"{p['vader_mean']:.3f}"
        lines.append(f"| {p['what']} | {p['unit']} | {p['bias_mean']:.3f} ± {p['bias_std']:.3f} | {vader} |")
    return lines + [""]


def rows_markdown(rows: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = ["| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_rows(rows)]
    return lines + [""]


def henderson_markdown(section: dict[str, Any]) -> list[str]:
    """The report section: this corpus's row, how it was computed, and the published rows beside it."""
    s = section["settings"]
    lines = [("Table 1 of Henderson et al. (2018), computed as they did: scores are mean ± population std over "
              f"the texts scored (unit: {s['unit']}; text lower-cased: {s['lowercase']}). The compat score "
              "keeps their bug (single-word list matches zeroed); the corrected one is Hutto et al.'s model."), ""]
    return lines + rows_markdown([("this corpus", section)]) + published_markdown()
