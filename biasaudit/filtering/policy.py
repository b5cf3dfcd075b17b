"""A filter ``Policy``: which analyzers score documents, which column thresholds flag one, and what to do then.

Read from YAML or a dict and validated up front (errors name the file and key), so a typo fails before any model
loads or any document is read. It decides nothing itself: ``FilterHook`` applies it to scored batches.
"""
from __future__ import annotations

import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from biasaudit.analyzers.base import Column
from biasaudit.errors import InputError
from biasaudit.resources import load_yaml

ACTIONS = ("drop", "tag")
OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
             "==": operator.eq, "!=": operator.ne}
_RULE = re.compile(r"^\s*([A-Za-z_][\w/]*)\s*(>=|<=|==|!=|>|<)\s*([^<>=!\s].*?)\s*$")
_KEYS = {"analyzers", "analyzer_options", "action", "rules", "tag_key", "sweep", "identity_lexicon"}
DEFAULT_TAG_KEY = "biasaudit"


def default_policy_path() -> Path:
    """The shipped default policy: the hate classifier's ``p_hate`` above 0.5 drops a document."""
    return Path(__file__).with_name("policies") / "default.yaml"


@dataclass(frozen=True)
class Rule:
    """``column op value``: a document whose column satisfies it is flagged; ``text`` is its reason."""

    column: str
    op: str
    value: float | str | bool

    @property
    def text(self) -> str:
        value = str(self.value).lower() if isinstance(self.value, bool) else self.value
        return f"{self.column}{self.op}{value}"


@dataclass(frozen=True)
class Policy:
    """Analyzers to run, rules (any one that fires flags a document), and the action (``drop`` or ``tag``).

    In ``tag`` mode every document is kept and its scores, flag and reason go into its metadata under
    ``tag_key``; in ``drop`` mode flagged documents are removed with the first firing rule as reason.
    ``sweep`` maps a score column to thresholds the report counts drops at (defaults are chosen per column).
    """

    analyzers: tuple[str, ...]
    rules: tuple[Rule, ...]
    action: str = "drop"
    analyzer_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tag_key: str = DEFAULT_TAG_KEY
    sweep: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    identity_lexicon: str | None = None
    source: str = "<dict>"

    @classmethod
    def load(cls, policy: str | Path | Mapping[str, Any] | Policy | None = None) -> Policy:
        """A policy from a YAML path, a dict, a Policy (passed through) or None (the shipped default)."""
        if isinstance(policy, Policy):
            return policy
        if policy is None:
            return cls.from_dict(load_yaml(default_policy_path().read_text(encoding="utf-8")), "default")
        if isinstance(policy, Mapping):
            return cls.from_dict(policy)
        path = Path(policy)
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("policy file not found", file=str(path)) from None
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise InputError(f"not valid YAML: {err}", file=str(path)) from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Any, source: str = "<dict>") -> Policy:
        def bad(what: str, key: str | None = None) -> InputError:
            return InputError(what, file=source, field=key)

        if not isinstance(data, Mapping):
            raise bad("a policy must be a mapping with 'analyzers' and 'rules'")
        unknown = set(data) - _KEYS
        if unknown:
            raise bad(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected some of "
                      f"{', '.join(sorted(_KEYS))}", min(map(str, unknown)))
        analyzers = data.get("analyzers", ["hate"])
        if isinstance(analyzers, str):
            analyzers = [a.strip() for a in analyzers.split(",") if a.strip()]
        if not isinstance(analyzers, list) or not analyzers or not all(isinstance(a, str) for a in analyzers):
            raise bad("expected a non-empty list of analyzer specs, e.g. [hate]", "analyzers")
        options = data.get("analyzer_options") or {}
        if not isinstance(options, Mapping) or not all(isinstance(v, Mapping) for v in options.values()):
            raise bad("expected a mapping of analyzer name to its options", "analyzer_options")
        action = data.get("action", "drop")
        if action not in ACTIONS:
            raise bad(f"expected one of {', '.join(ACTIONS)}, got {action!r}", "action")
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise bad("expected a non-empty list of rules such as 'p_hate > 0.5'", "rules")
        rules = tuple(_parse_rule(r, source, f"rules[{i}]") for i, r in enumerate(raw_rules))
        tag_key = data.get("tag_key", DEFAULT_TAG_KEY)
        if not isinstance(tag_key, str) or not tag_key:
            raise bad("expected a non-empty string", "tag_key")
        sweep = data.get("sweep") or {}
        if not isinstance(sweep, Mapping):
            raise bad("expected a mapping of score column to a list of thresholds", "sweep")
        parsed_sweep = {}
        for col, values in sweep.items():
            if not isinstance(values, list) or not values or not all(_is_number(v) for v in values):
                raise bad("expected a non-empty list of numbers", f"sweep.{col}")
            parsed_sweep[str(col)] = tuple(sorted({float(v) for v in values}))
        lexicon = data.get("identity_lexicon")
        if lexicon is not None and not isinstance(lexicon, str):
            raise bad("expected a path to an identity lexicon folder or file", "identity_lexicon")
        if lexicon is not None and source != "<dict>" and not Path(lexicon).is_absolute():
            lexicon = str(Path(source).parent / lexicon)
        return cls(tuple(analyzers), rules, action, {str(k): dict(v) for k, v in options.items()}, tag_key,
                   parsed_sweep, lexicon, source)

    def check_columns(self, columns: list[Column]) -> None:
        """Every rule and sweep names a column the analyzers produce, with a value of the column's kind."""
        by_name = {c.name: c for c in columns}
        for i, rule in enumerate(self.rules):
            where = f"rules[{i}]"
            col = by_name.get(rule.column)
            if col is None:
                raise InputError(f"no analyzer of {', '.join(self.analyzers)} produces column {rule.column!r}; "
                                 f"columns: {', '.join(by_name)}", file=self.source, field=where)
            if col.kind == "score" and not _is_number(rule.value):
                raise InputError(f"{rule.column} is a score: expected a number, got {rule.value!r}",
                                 file=self.source, field=where)
            if col.kind == "label" and (rule.op not in ("==", "!=") or rule.value not in col.labels):
                raise InputError(f"{rule.column} is a label: expected == or != one of {', '.join(col.labels)}",
                                 file=self.source, field=where)
            if col.kind == "flag" and (rule.op not in ("==", "!=") or not isinstance(rule.value, bool)):
                raise InputError(f"{rule.column} is a flag: expected == true or == false",
                                 file=self.source, field=where)
        for name in self.sweep:
            if by_name.get(name) is None or by_name[name].kind != "score":
                raise InputError(f"{name!r} is not a score column of the analyzers", file=self.source,
                                 field=f"sweep.{name}")

    def as_dict(self) -> dict[str, Any]:
        """The policy as it was applied, for summaries and reports."""
        return {"source": self.source, "analyzers": list(self.analyzers), "action": self.action,
                "rules": [r.text for r in self.rules], "analyzer_options": {k: dict(v) for k, v in
                                                                          self.analyzer_options.items()},
                "tag_key": self.tag_key, "sweep": {k: list(v) for k, v in self.sweep.items()},
                "identity_lexicon": self.identity_lexicon}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parse_rule(raw: Any, source: str, where: str) -> Rule:
    """``"p_hate > 0.5"`` or ``{column: p_hate, op: ">", value: 0.5}``."""
    if isinstance(raw, str):
        m = _RULE.match(raw)
        if not m:
            raise InputError(f"expected 'COLUMN OP VALUE' with OP one of {' '.join(OPERATORS)}, got {raw!r}",
                             file=source, field=where)
        column, op, text = m.groups()
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
    elif isinstance(raw, Mapping) and set(raw) == {"column", "op", "value"}:
        column, op, value = raw["column"], raw["op"], raw["value"]
        if not isinstance(column, str) or op not in OPERATORS:
            raise InputError(f"expected a column name and an op among {' '.join(OPERATORS)}", file=source,
                             field=where)
    else:
        raise InputError("expected 'COLUMN OP VALUE' or a mapping with column, op and value", file=source,
                         field=where)
    if not isinstance(value, (int, float, str, bool)):
        raise InputError(f"expected a number, a label or true/false, got {value!r}", file=source, field=where)
    if not isinstance(value, bool) and isinstance(value, (int, float)) and not math.isfinite(value):
        raise InputError("expected a finite threshold", file=source, field=where)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = float(value)
    return Rule(column, op, value)
