"""How the scanner built a scored batch's frame before ``scanner._batch_frame`` (main at d9c39aa): a frame of the
records' metadata, one of the analyzer columns, concatenated. The oracle the one-constructor frame must equal."""
from __future__ import annotations

import pandas as pd

from biasaudit.core import column_frame
from biasaudit.io.records import RECORD_COLUMNS


def batch_frame_reference(records, analyzers, columns) -> pd.DataFrame:
    data = {name: [getattr(r, name) for r in records] for name in RECORD_COLUMNS}
    frame = pd.DataFrame(data)
    for name in ("turn", "n_turns"):
        frame[name] = frame[name].astype("Int64")
    return pd.concat([frame, column_frame(analyzers, columns)], axis=1)
