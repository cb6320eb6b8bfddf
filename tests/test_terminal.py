"""Terminal tables (issue 17): engineering numbers, and tables that fit the terminal."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from recycle.report.terminal import eng, print_table


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
    screen = Terminal()
    print_table(df, screen)
    visible = re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())        # without the colour codes
    assert max(len(line) for line in visible.splitlines()) <= 80
    piped = io.StringIO()
    print_table(df, piped)
    assert len(piped.getvalue().splitlines()) == 4                   # header + one line per row
    assert "1.235e-09" not in piped.getvalue() and "1.235e-08" not in piped.getvalue()   # not Python's %g
    assert "1.235e-9" in piped.getvalue() and "12.35e-9" in piped.getvalue() and "0.001235" in piped.getvalue()
