"""Tables for the terminal: numbers in engineering notation, and tables that fit the screen.

On a terminal a table is drawn by rich at the terminal's width, wrapping long cells; piped to a
file or another program it is plain text of full width (one row per line, for grep and diff).
Numbers have four significant figures, written out from 0.001 to 999 999 (106300, 0.2035) and
with an exponent that is a multiple of three outside (238.4e-12, 1.063e6), so a column's
magnitudes read like SI prefixes.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from ..chemistry import plain_names


def eng(x: float, digits: int = 4) -> str:
    """``x`` with ``digits`` significant figures; engineering exponent outside 1e-3..1e6."""
    if x is None or isinstance(x, bool):
        return str(x)
    x = float(x)
    if math.isnan(x):
        return ""
    if x == 0 or math.isinf(x):
        return "0" if x == 0 else str(x)
    if 1e-3 <= abs(x) < 1e6:                        # plain: 106300, 12.5, 0.2035
        places = digits - (math.floor(math.log10(abs(x))) + 1)
        text = f"{round(x, places):.{max(places, 0)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    exponent = int(math.floor(math.log10(abs(x)) / 3) * 3)
    mantissa = x / 10.0 ** exponent
    text = f"{mantissa:.{digits}g}"
    if abs(float(text)) >= 1000:                    # 999.95e3 rounds up to 1000e3: carry
        exponent += 3
        text = f"{mantissa / 1000:.{digits}g}"
    return f"{text}e{exponent}"


LIQUID = "(L)"
CASE = re.compile(r"(AL|CL)(?=[^a-z]|$)")


def species_label(name: str) -> str:
    """A species as a reader writes it: Al and Cl in their case (Cantera writes AL, CL), the
    data's phase labels as (s) or (l), alloy and slag components named: AL(cr) -> Al(s),
    Na2CO3(I) -> Na2CO3(s), H2O(L) -> H2O(l), Ni[alloy](L) -> Ni (alloy); a NASA name cut by a
    comma as its formula (C10H8,naphthale -> C10H8); gases otherwise unchanged."""
    name = str(name).split(",", 1)[0]
    text = CASE.sub(lambda m: m.group(1)[0] + m.group(1)[1].lower(), str(name))
    m = re.match(r"^(.*?)\[(\w+)\](?:\(\w+\))?$", text)
    if m:
        return f"{m.group(1)} ({m.group(2)})"
    m = re.match(r"^(.*[^\s])\(([A-Za-z0-9]+)\)$", text)
    if m and not m.group(1).endswith(("(", ")")):
        return f"{m.group(1)}({'l' if '(' + m.group(2) + ')' == LIQUID else 's'})"
    return text


def table_text(df: pd.DataFrame) -> str:
    """Plain full-width text of ``df``: numbers in engineering notation, species as a reader
    writes them, no index."""
    shown = df.copy()
    if "species" in shown.columns:
        shown["species"] = shown["species"].map(species_label)
    if "gas" in shown.columns:                  # a gas or a mixture "H2+PH3+C10H8,naphthale"
        shown["gas"] = shown["gas"].map(lambda g: plain_names(g) if isinstance(g, str) else g)
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(eng)
    with pd.option_context("display.max_columns", None, "display.width", 100_000, "display.max_colwidth", 60):
        return shown.to_string(index=False)


def rich_table(df: pd.DataFrame):
    """``df`` as a rich Table (engineering numbers, readable species) that a rich Console fits
    to the terminal's width, wrapping long cells; cli.py prints it on a terminal."""
    from rich.table import Table

    if "species" in df.columns:
        df = df.assign(species=df["species"].map(species_label))
    if "gas" in df.columns:
        df = df.assign(gas=df["gas"].map(lambda g: plain_names(g) if isinstance(g, str) else g))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    numeric = {c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])}
    for column in df.columns:
        table.add_column(str(column), justify="right" if column in numeric else "left", overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*(eng(v) if isinstance(v, float) else str(v) for v in row))
    return table


__all__ = ["eng", "rich_table", "table_text"]
