"""Scan presets: a named study's analyzers, options, scoring unit, text handling and report section in one word.

``henderson2018`` is the audit of Henderson et al. (2018, "Ethical Challenges in Data-Driven Dialogue
Systems"): VADER, the Hutto et al. (2015) bias score in their buggy copy (``linguistic_bias:henderson2018``,
columns suffixed ``_henderson2018``) beside the corrected one (``bias_score``), the Davidson et al. (2017)
classifier re-implemented (``hate:davidson2017``), text lower-cased as their readers did, and corpora scored as
whole dialogues (they scored each dialogue as one text; model responses, which are single texts, stay single).
Its report gains the Table-1 section (``biasaudit.report.henderson``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from biasaudit.errors import UsageError


@dataclass(frozen=True)
class Preset:
    name: str
    analyzers: tuple[str, ...]
    analyzer_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    unit: str = "utterance"
    lowercase: bool = False
    collectors: tuple[str, ...] = ()


PRESETS: dict[str, Preset] = {
    "henderson2018": Preset(
        name="henderson2018",
        analyzers=("sentiment", "linguistic_bias:hutto2015", "linguistic_bias:henderson2018", "hate:davidson2017"),
        analyzer_options={"linguistic_bias:henderson2018": {"suffix": "henderson2018"}},
        unit="dialogue", lowercase=True, collectors=("henderson2018",)),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UsageError(f"unknown preset {name!r}; available: {', '.join(PRESETS)}") from None


def preset_options(preset: Preset, user_options: dict[str, dict] | None) -> dict[str, dict]:
    """The preset's analyzer options with the user's on top (e.g. ``hate.model_path`` for a retrained model)."""
    merged = {key: dict(value) for key, value in preset.analyzer_options.items()}
    for key, value in (user_options or {}).items():
        merged.setdefault(key, {}).update(value)
    return merged
