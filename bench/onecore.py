"""The environment every measured child process runs in: one thread for OpenMP/BLAS, so a row is one core's work,
and biasaudit's modules read from bytecode, as after ``pip install`` (which byte-compiles every module)."""
from __future__ import annotations

import compileall
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "biasaudit"


def one_core_env(**extra: str) -> dict[str, str]:
    """``os.environ`` with OpenMP, MKL and OpenBLAS held to one thread, plus ``extra``. PYTHONDONTWRITEBYTECODE is
    dropped: with it set (some sandboxes and containers do), an editable install compiles biasaudit's modules
    from source in every measured process (~0.1 s per scan) while the peers' installed modules read bytecode."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_package() -> None:
    """Byte-compile biasaudit (into its ``__pycache__`` folders, as Python itself would) before measuring, so
    that the first measured process does not pay for it either."""
    compileall.compile_dir(PACKAGE, quiet=1)
