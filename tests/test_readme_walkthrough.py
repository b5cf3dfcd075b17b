"""The README's Henderson et al. (2018) walk-through runs as written, and the table it shows is what it gives.

Each command of the section's bash block is run in-process (``biasaudit ...`` through the CLI's ``main``,
``python -m biasaudit.examples.tiny_model ...`` through that module's ``main``) in a temporary directory.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Model outputs vs their training data (Henderson et al. 2018)"

pytestmark = [pytest.mark.slow, pytest.mark.transformers]


def section_text() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(SECTION, 1)[1].split("\n## ", 1)[0]


def commands() -> list[list[str]]:
    (block,) = re.findall(r"```bash\n(.*?)```", section_text(), flags=re.DOTALL)[:1]
    return [shlex.split(line) for line in block.strip().splitlines()]


def readme_table() -> dict[str, list[str]]:
    rows = [line for line in section_text().splitlines() if line.startswith("| ") and "±" in line]
    return {cells[0]: cells for cells in ([c.strip() for c in r.strip("|").split("|")] for r in rows)}


def test_walkthrough_commands_run_and_the_readme_table_is_their_output(tmp_path, monkeypatch, capsys):
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from biasaudit.cli import main
    from biasaudit.examples import tiny_model
    from biasaudit.report import henderson

    monkeypatch.chdir(tmp_path)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the shared test machine: one thread is faster and gives the same numbers
    try:
        for argv in commands():
            if argv[0] == "biasaudit":
                assert main(argv[1:] + (["--quiet"] if argv[1] in ("scan", "generate") else [])) == 0, argv
            else:
                assert argv[:3] == ["python", "-m", "biasaudit.examples.tiny_model"], argv
                assert tiny_model.main(argv[3:]) == 0
    finally:
        torch.set_num_threads(threads)
    capsys.readouterr()
    import json

    result = json.loads((tmp_path / "comparison" / "compare.json").read_text(encoding="utf-8"))
    produced = {cells[0]: cells for cells in henderson.table_rows(
        [(t["label"], t["section"]) for t in result["table1"]])}
    shown = readme_table()
    assert set(shown) == set(produced) == {"data", "sampling", "beam"}
    # the data row is exactly what the walk-through computes (no model involved)
    expected = produced["data"][:6] + [produced["data"][6].split("%")[0], produced["data"][7].split("%")[0]]
    assert shown["data"] == expected
    for label in ("sampling", "beam"):  # model rows: the same units and counts (weights may vary by CPU)
        assert shown[label][1:3] == produced[label][1:3]
    for name in ("compare.md", "compare.html", "compare.png"):
        assert (tmp_path / "comparison" / name).exists()
    assert any("scoring units" in note for note in result["notes"])
