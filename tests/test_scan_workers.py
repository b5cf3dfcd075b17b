"""--workers N: scoring in worker processes changes nothing in the outputs but the recorded setting."""
import pandas as pd

import biasaudit
from biasaudit.io import example_path


def test_default_analyzers_in_two_workers_give_the_one_process_report_and_records(tmp_path):
    runs = {w: biasaudit.scan(example_path(), out=tmp_path / f"w{w}", dialogue=True, batch_size=16, workers=w,
                              progress=False) for w in (1, 2)}
    reports = {w: r.report for w, r in runs.items()}
    assert reports[2]["reproducibility"]["settings"].pop("workers") == 2
    assert reports[1]["reproducibility"]["settings"].pop("workers") == 1
    assert reports[1]["counts"]["scored"] > 16 * 4  # several batches went through the pool
    assert "hate_self_audit" in reports[1]["sections"]  # collectors (fed in the main process) included
    assert reports[2] == reports[1]  # every number, extreme, breakdown and section, to the last bit
    pd.testing.assert_frame_equal(runs[2].records, runs[1].records)
