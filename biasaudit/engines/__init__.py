"""Execution engines other than the local process pool (scan/filter ``--engine``); imported only when chosen."""
