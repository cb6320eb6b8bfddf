"""docs/example.py, the notebook-style walk through the Python API, runs as shipped (issue 17)."""
from __future__ import annotations

import runpy
from pathlib import Path

import pandas as pd

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "example.py"


def test_the_documented_example_runs_and_writes_its_workbook(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert "largest element residual" in out and "P(best net value)" in out
    assert namespace["result"].max_relative_element_residual() < 1e-9
    sheets = pd.read_excel(tmp_path / "example-plan.xlsx", sheet_name=None)
    assert {"summary", "steps", "streams", "gases"} <= set(sheets)
    assert "unit" in sheets["gases"].columns
