"""Shared test set-up: where the project's shared data lives, and how its absence is treated.

``shared/`` sits beside the checkout (override with BIASAUDIT_SHARED). Without it, data-backed tests skip on a
developer machine but FAIL under CI=true, so CI can never pass by silently skipping reference-number tests.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BIASAUDIT_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """Path of a file in shared/; skips the test (fails it under CI) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"shared data {path} not found (set BIASAUDIT_SHARED to the shared/ folder)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
