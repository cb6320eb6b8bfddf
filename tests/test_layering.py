"""Layering (issue 17): analysis modules do not import the report layer or the CLI, and no module
other than cli.py prints."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "recycle"
REPORT = PACKAGE / "report"           # the report layer: JSON, tables, documents, drawings, files
PRESENTATION = {"report"} | {p.stem for p in REPORT.glob("*.py") if p.stem != "__init__"}
ANALYSIS = sorted(p for p in PACKAGE.rglob("*.py")
                  if REPORT not in p.parents and p.name != "__init__.py" and "examples" not in p.parts)


def test_the_report_layer_is_one_package():
    """Presentation lives in recycle/report/ only (issue 17: it was spread over nine modules)."""
    stray = sorted(p.name for p in PACKAGE.glob("*.py")
                   if p.stem in {"html_report", "audit_report", "charts", "sensitivity_chart", "svg", "output",
                                 "inventory_summary", "workbook", "report"})
    assert not stray, stray


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[-1])
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[-1] for a in node.names}
    return names


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_analysis_modules_do_not_import_presentation_or_the_cli(path):
    bad = imported_modules(path) & (PRESENTATION | {"cli"})
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_only_the_cli_prints():
    """No module of the package prints, echoes, writes to stdout or stderr, or draws on a console:
    the report layer returns text, tables and renderables, and cli.py shows them."""
    printing = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                if getattr(func, "id", None) == "print" or getattr(func, "attr", None) in ("print", "echo", "secho"):
                    printing.append(where)
            elif isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr") \
                    and getattr(node.value, "id", None) == "sys":
                printing.append(where)
        imports = imported_modules(path)
        if imports & {"typer", "click", "console"} or "Console" in imports:
            printing.append(f"{path.relative_to(PACKAGE)}: imports a console or CLI library")
    assert not printing, printing


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_analysis_modules_return_typed_results_not_json(path):
    """Issue 17: the {"value", "unit"} JSON shape is made in the report layer only
    (recycle/report/jsondoc.py); analyses return dataclasses whose fields name their unit."""
    shaped = [node.lineno for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Dict)
              and {"value", "unit"} <= {k.value for k in node.keys if isinstance(k, ast.Constant)}]
    assert not shaped, f"{path.name} builds {{'value', 'unit'}} dicts at lines {shaped}"


def test_the_case_rows_are_defined_once():
    """Issue 17: the expected and worst-case row constants were defined in seven modules (one
    used -1); recycle.cases defines the Case type and every other module indexes rows with it."""
    import re

    defining = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                if p.name != "cases.py" and re.search(r"^(EXP|WORST|EXPECTED|ROW|CASES)\s*=", p.read_text(), re.M)]
    assert not defining, defining


def test_case_indexes_the_case_axis():
    import numpy as np

    from recycle.cases import CASES, Case

    rows = np.array([[1.0, 5.0], [3.0, 2.0]])
    assert [c.label for c in CASES] == ["expected", "worst case"]
    assert rows[Case.WORST].tolist() == [3.0, 2.0] and rows[Case.EXPECTED, 1] == 5.0
