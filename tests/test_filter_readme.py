"""The README's filtering snippets run as written (each Python block, with its library installed)."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Filtering pre-training data"


def blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.parametrize("index", [0, 1, pytest.param(2, marks=pytest.mark.slow)])
def test_python_snippets_run(index):
    code = blocks("python")[index]
    needs = {"datasets": "datasets", "datatrove": "datatrove", "ray": "ray"}
    for marker, module in needs.items():
        if (f"import {marker}" in code or f"from {marker}" in code) and importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} not installed")
    if "import ray" in code:
        import ray

        if ray.is_initialized():
            pytest.skip("a Ray session is already running in this process")
    exec(compile(code, f"README python block {index}", "exec"), {})  # noqa: S102 -- the README's own code


def test_policy_example_is_valid():
    import yaml

    from biasaudit.filtering import FilterHook

    (policy,) = blocks("yaml")
    hook = FilterHook(yaml.safe_load(policy))
    assert [r.text for r in hook.policy.rules] == ["p_hate>0.5", "bias_score>2.0"]
    assert hook.policy.action == "tag"
    hook.policy.check_columns(hook.columns)
