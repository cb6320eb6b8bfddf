"""Terminal tables (issue 17): engineering numbers, and tables that fit the terminal."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from recycle.report.terminal import eng, rich_table, table_text


@pytest.mark.parametrize("x, text", [
    (106300.0, "106300"), (-1.0634e5, "-106300"), (2.384e-10, "238.4e-12"), (0.2035, "0.2035"), (0.0, "0"),
    (12.5, "12.5"), (3.0, "3"), (1.0e6, "1e6"), (123456789.0, "123.5e6"), (4.5e-7, "450e-9"), (0.001, "0.001"),
])
def test_engineering_numbers(x, text):
    assert eng(x) == text
    assert float(text) == pytest.approx(x, rel=5e-4)          # four significant figures survive


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_wide_table_fits_an_80_column_terminal_and_prints_plain_when_piped(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    df = pd.DataFrame([{f"a rather long column heading {i}": 1.23456e-9 * 10 ** i for i in range(12)}] * 3)
    from rich.console import Console

    screen = Terminal()
    Console(file=screen).print(rich_table(df))                      # what cli.py does on a terminal
    visible = re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())        # without the colour codes
    assert max(len(line) for line in visible.splitlines()) <= 80
    piped = table_text(df)                                          # and what it writes to a pipe
    assert len(piped.splitlines()) == 4                             # header + one line per row
    assert "1.235e-09" not in piped and "1.235e-08" not in piped    # not Python's %g
    assert "1.235e-9" in piped and "12.35e-9" in piped and "0.001235" in piped


@pytest.mark.parametrize("name, label", [
    ("AL(cr)", "Al(s)"), ("Na2CO3(I)", "Na2CO3(s)"), ("H2O(L)", "H2O(l)"), ("H2O", "H2O"), ("HCL", "HCl"),
    ("LiALO2(s)", "LiAlO2(s)"), ("Ni[alloy](L)", "Ni (alloy)"), ("(NH4)2SO4(s)", "(NH4)2SO4(s)"),
    ("C10H8,naphthale", "C10H8"),
])
def test_species_read_as_an_engineer_writes_them(name, label):
    """Issue 17: internal names (AL(cr), Na2CO3(I)) leaked into tables."""
    from recycle.report.terminal import species_label

    assert species_label(name) == label


def test_the_plan_tables_show_readable_species():
    from typer.testing import CliRunner

    from cli import app

    out = CliRunner().invoke(app, ["plan"]).stdout
    assert "AL(cr)" not in out.split("Flags:")[0] and "Al(s)" in out and "H2O(l)" in out


def test_gas_columns_write_nasa_names_as_their_formula():
    """A findings table's gas column shows C10H8 for Cantera's "C10H8,naphthale", also inside a
    flammable mixture's label; the data keep the name (only the printed table changes)."""
    import pandas as pd

    from recycle.report.terminal import table_text

    df = pd.DataFrame({"gas": ["H2+PH3+C10H8,naphthale+THF", "C10H8,naphthale"], "value": [1.0, 2.0]})
    text = table_text(df)
    assert "naphthale" not in text and "H2+PH3+C10H8+THF" in text
    assert df["gas"][1] == "C10H8,naphthale"
