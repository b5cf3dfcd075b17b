"""The environment every measured child process runs in: one thread for OpenMP/BLAS, so a row is one core's work."""
from __future__ import annotations

import os


def one_core_env(**extra: str) -> dict[str, str]:
    """``os.environ`` with OpenMP, MKL and OpenBLAS held to one thread, plus ``extra``."""
    return dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", **extra)
