"""The Cython builds of the hot modules (biasaudit.compiled): same outputs as pure Python, used only when current.

The oracle-equivalence tests already run against whatever this process imported (the compiled modules when built);
here the same corpus goes through the analyzers and a scan in two fresh processes, one with BIASAUDIT_PURE_PYTHON=1,
and every column, record and report byte must agree. Without a build the comparisons skip locally but FAIL under
CI=true, where the README's install command must have built them.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from test_fast_paths_equivalence import equivalence_corpus

import biasaudit.compiled

# Each run: (name, analyzer specs, analyzer options, how many texts of the corpus).
RUNS = [("default", "sentiment,linguistic_bias,hate", {}, None),
        ("variants", "linguistic_bias:henderson2018,hate:davidson2017", {"linguistic_bias": {"extras": True}}, 600)]
CHILD = r"""
import json, sys
from pathlib import Path
import pandas as pd
import biasaudit, biasaudit.compiled
from biasaudit.analyzers.registry import build_many
from biasaudit.core import run_batch
from biasaudit.io import example_path

corpus, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
texts = json.loads(corpus.read_text())
for name, specs, options, n in runs:
    built, part = build_many(specs, options), texts[:n]
    frames = [pd.DataFrame(run_batch(built, part[i:i + 1000])) for i in range(0, len(part), 1000)]
    pd.concat(frames, ignore_index=True).to_parquet(out / f"{name}.parquet")
biasaudit.scan(example_path(), out=out / "scan", dialogue=True, batch_size=16, progress=False)
(out / "compiled.json").write_text(json.dumps(biasaudit.compiled.in_use()))
"""


def _compiled_here(least: int = 1) -> list[str]:
    """The modules compiled and current in this checkout; skip locally (fail under CI) if fewer than ``least``."""
    status = biasaudit.compiled.status()
    names = [name for name, state in status.items() if state == "compiled"]
    if len(names) < least:
        message = f"compiled modules active here: {status}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " (build them: `pip install -e .` or `python setup.py build_ext --inplace`)")
    return names


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    _compiled_here()
    tmp = tmp_path_factory.mktemp("compiled")
    corpus = tmp / "corpus.json"
    texts = equivalence_corpus()
    random.Random(1).shuffle(texts)  # the shorter variants run sees every kind of text
    corpus.write_text(json.dumps(texts))
    procs = {}
    for mode in ("pure", "compiled"):
        (tmp / mode).mkdir()
        env = dict(os.environ, BIASAUDIT_PURE_PYTHON="1" if mode == "pure" else "0", OMP_NUM_THREADS="1")
        procs[mode] = subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), str(tmp / mode), json.dumps(RUNS)],
                                       cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    for mode, proc in procs.items():
        _, err = proc.communicate()
        assert proc.returncode == 0, f"{mode} run failed:\n{err}"
    return {mode: tmp / mode for mode in procs}


def test_the_runs_were_pure_and_compiled(outputs):
    pure, compiled = (json.loads((outputs[m] / "compiled.json").read_text()) for m in ("pure", "compiled"))
    assert pure == {"cython": None, "modules": []}
    assert compiled["modules"] == sorted(_compiled_here())  # the runs used every compiled module


@pytest.mark.parametrize("run", [r[0] for r in RUNS])
def test_analyzer_columns_are_identical(outputs, run):
    pure, compiled = (pd.read_parquet(outputs[m] / f"{run}.parquet") for m in ("pure", "compiled"))
    assert len(pure) >= 600 and pure.shape[1] > 10
    pd.testing.assert_frame_equal(compiled, pure, check_exact=True)  # floats to the last bit


def test_scan_records_and_reports_are_identical_but_for_the_compiled_record(outputs):
    pure, compiled = (outputs[m] / "scan" for m in ("pure", "compiled"))
    pd.testing.assert_frame_equal(pd.read_parquet(compiled / "records.parquet"),
                                  pd.read_parquet(pure / "records.parquet"), check_exact=True)
    for name in ("report.md", "report.html"):
        assert (compiled / name).read_bytes() == (pure / name).read_bytes(), name
    reports = {m: json.loads((outputs[m] / "scan" / "report.json").read_text()) for m in outputs}
    assert reports["pure"]["reproducibility"].pop("compiled")["modules"] == []
    assert reports["compiled"]["reproducibility"].pop("compiled")["modules"]
    assert reports["compiled"] == reports["pure"]


def test_an_edited_source_runs_as_written_and_the_rest_stays_compiled(tmp_path):
    edited, kept = _compiled_here(least=2)[:2]
    package = Path(biasaudit.compiled.__file__).parent
    copy = tmp_path.resolve() / "biasaudit"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "models"))
    source = copy.joinpath(*edited.split(".")[1:]).with_suffix(".py")
    with open(source, "a", encoding="utf-8") as fh:
        fh.write("\nEDITED_AFTER_THE_BUILD = True\n")
    code = (f"import json, importlib, biasaudit.compiled as c\n"
            f"e, k = importlib.import_module({edited!r}), importlib.import_module({kept!r})\n"
            f"print(json.dumps([e.EDITED_AFTER_THE_BUILD, e.__file__, k.__file__, c.status()]))")
    proc = subprocess.run([sys.executable, "-c", code], check=False, cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, BIASAUDIT_PURE_PYTHON="0", PYTHONPATH=str(tmp_path)))
    assert proc.returncode == 0, proc.stderr
    ran_edit, edited_file, kept_file, status = json.loads(proc.stdout)
    assert ran_edit is True and edited_file == str(source)
    assert status[edited] == "pure Python (source changed since the build)"
    assert kept_file.startswith(str(copy / "_compiled")) and status[kept] == "compiled"


def test_every_module_setup_py_lists_is_compiled_under_ci():
    """CI installs with the README's command: it must end with every listed module compiled and current."""
    if not os.environ.get("CI") and set(biasaudit.compiled.status().values()) != {"compiled"}:
        pytest.skip(f"not every module is compiled and current here: {biasaudit.compiled.status()}")
    tree = ast.parse((ROOT / "setup.py").read_text())
    (listed,) = [ast.literal_eval(n.value) for n in tree.body
                 if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "COMPILED"]
    status = biasaudit.compiled.status()
    assert status == {path[:-3].replace("/", "."): "compiled" for path in listed}
    from biasaudit.text.pattern_en import tagger

    assert Path(tagger.__file__).parent.parent.parent.name == "_compiled"


def test_an_augmenting_pxd_is_part_of_the_source_digest(tmp_path):
    """C types declared in a .pxd beside a module change the build, so editing, adding or removing one must retire
    it just as editing the .py does."""
    source = tmp_path / "mod.py"
    source.write_text("def f(x):\n    return x\n")
    alone = biasaudit.compiled.source_digest(source)
    assert alone == hashlib.sha256(source.read_bytes()).hexdigest()
    pxd = tmp_path / "mod.pxd"
    pxd.write_text("cpdef object f(long x)\n")
    typed = biasaudit.compiled.source_digest(source)
    pxd.write_text("cpdef object f(double x)\n")
    assert len({alone, typed, biasaudit.compiled.source_digest(source)}) == 3
    pxd.unlink()
    assert biasaudit.compiled.source_digest(source) == alone
