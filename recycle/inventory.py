"""Spent-cell inventories (CSV or YAML) and the feed they make.

A row names a catalogue chemistry (``chemistry``) with its state of charge (``soc``, 0-1),
or gives its own bill of materials (``bom``: species -> mass per cell, or for the whole row).
Its mass is ``count`` x ``cell_mass`` or a total ``mass``. CSV ``bom`` cells are written
``"Li: 1 kg; Cu: 0.2 kg"``.

The feed is the inventory's species vector (mol) for a basis: a batch (kg) or a throughput
(kg/s); without one, the batch is the inventory itself.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cells import CellDesign
from .chemistry import ChemistryDB
from .errors import InputError, closest
from .units import check_grammar, to_si
from .yamlio import load_yaml_file, read_regular_file

COLUMNS = ("name", "chemistry", "bom", "count", "cell_mass", "mass", "soc")
MAX_BYTES = 200 * 1024 * 1024
LARGE_ROWS = 5000       # CSV files with more rows are validated and aggregated with array operations
SOC_DECIMALS = 3        # large inventories are grouped by chemistry and SOC rounded to 0.001


@dataclass
class InventoryRow:
    label: str              # "row 3" or the row's name
    chemistry: str | None   # catalogue id, or None for a bill given directly
    mass: float             # kg, the whole row
    soc: float | None
    composition: dict[str, float]   # species -> kg per kg of the row
    specific_energy: float | None = None   # J/kg nominal, catalogue cells only


@dataclass
class Inventory:
    source: str
    rows: list[InventoryRow]
    basis: str | None = None        # as written in the file, e.g. "10 t/day"
    notes: list[str] = field(default_factory=list)

    @property
    def total_mass(self) -> float:
        return sum(r.mass for r in self.rows)

    def species_mass(self) -> dict[str, float]:
        """Species -> kg in the whole inventory."""
        out: dict[str, float] = {}
        for r in self.rows:
            for sp, w in r.composition.items():
                out[sp] = out.get(sp, 0.0) + w * r.mass
        return out

    def amounts(self, db: ChemistryDB) -> np.ndarray:
        """Species vector (mol) of the whole inventory."""
        v = np.zeros(db.n_species)
        for sp, kg in self.species_mass().items():
            v[db.index[sp]] += kg / db.molar_mass[db.index[sp]]
        return v


_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$")
MAX_ROW_MASS = 1e12   # kg: a billion tonnes; a row beyond it is a typo, not an inventory


def read_inventory(path: str | Path, db: ChemistryDB, catalogue: dict[str, CellDesign]) -> Inventory:
    """Read a CSV or YAML inventory; every problem is an InputError naming file and row."""
    path = Path(path)
    label = str(path)
    if not path.exists():
        raise InputError(label, "file not found")
    if path.is_dir():
        raise InputError(label, "is a directory, expected an inventory file (.csv or .yaml)")
    if not path.is_file():
        raise InputError(label, "is not a regular file (a pipe, a device or a socket): give a file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(label, f"{size / 1e6:.0f} MB is larger than the {MAX_BYTES / 1e6:.0f} MB limit; "
                         "aggregate rows by chemistry and state of charge first")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = load_yaml_file(path, label)
        if not isinstance(data, dict) or "cells" not in data:
            raise InputError(label, "expected a mapping with a 'cells' list (and optional 'basis')")
        unknown = set(data) - {"cells", "basis", "description"}
        if unknown:
            k = sorted(unknown)[0]
            raise InputError(f"{label}: {k}", f"unknown key; {closest(k, ['cells', 'basis', 'description'])}")
        if not isinstance(data["cells"], list) or not data["cells"]:
            raise InputError(f"{label}: cells", "expected a non-empty list of rows")
        raw_rows = [(f"cells[{i}]", r) for i, r in enumerate(data["cells"])]
        basis = data.get("basis")
    elif path.suffix.lower() == ".csv":
        raw = read_regular_file(path, label, MAX_BYTES)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(f"{label}: line {line}", "not UTF-8 text") from None
        text, delimiter = _normalise_header(text)
        _refuse_duplicate_columns(text, delimiter, label)
        if text.count("\n") > LARGE_ROWS:
            return _read_large_csv(text, label, db, catalogue, delimiter)
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            fieldnames = reader.fieldnames
        except csv.Error as exc:
            raise InputError(f"{label}: line 1", f"cannot read as CSV: {exc}") from None
        if not fieldnames or not any(f and f.strip() for f in fieldnames):
            raise InputError(label, "empty file; expected a header row with columns " + ", ".join(COLUMNS))
        fields = [f.strip() if f else "" for f in fieldnames]
        for f in fields:
            if f not in COLUMNS:
                raise InputError(f"{label}: column {f!r}", f"unknown column; {closest(f, COLUMNS)}")
        raw_rows = []
        seen: dict[tuple, int] = {}
        for i, row in _rows(reader, label):
            if None in row:
                raise InputError(f"{label}: row {i + 2}", "more values than header columns")
            cleaned = {k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""}
            if not cleaned:                 # an empty line or a spreadsheet's trailing ",,,," row
                continue
            key = tuple(sorted(cleaned.items()))
            if key in seen and cleaned.get("name"):      # a named lot given twice is a double entry
                raise InputError(f"{label}: row {i + 2}", f"duplicates row {seen[key]}; add up the counts in one "
                                 "row or give the rows different names")
            seen[key] = i + 2
            raw_rows.append((f"row {i + 2}", cleaned))
        if not raw_rows:
            raise InputError(label, "header only: no inventory rows")
        basis = None
    else:
        raise InputError(label, "expected a .csv, .yaml or .yml inventory")
    rows = [_row(f"{label}: {where}", r, db, catalogue) for where, r in raw_rows]
    inventory = Inventory(label, rows, basis)
    if basis is not None:          # checked here, so every command refuses a bad basis alike
        parse_basis(basis, inventory, f"{label}: basis")
    return inventory


def _rows(reader: csv.DictReader, label: str):
    """(index, row) of a CSV reader, with csv module errors as InputError naming the line."""
    i = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{label}: line {reader.line_num}", f"cannot read as CSV: {exc}") from None
        yield i, row
        i += 1


def _row(where: str, r, db: ChemistryDB, catalogue: dict[str, CellDesign]) -> InventoryRow:
    if not isinstance(r, dict):
        raise InputError(where, "expected a mapping of column -> value")
    unknown = set(r) - set(COLUMNS)
    if unknown:
        k = sorted(unknown)[0]
        raise InputError(f"{where}: {k}", f"unknown column; {closest(k, COLUMNS)}")
    label = str(r.get("name") or where)
    has_chem, has_bom = "chemistry" in r, "bom" in r
    if has_chem == has_bom:
        raise InputError(where, "give either 'chemistry' (a catalogue cell) or 'bom' (a bill of materials), not "
                         + ("both" if has_chem else "neither"))
    count = None
    if "count" in r:
        count = to_si(r["count"], "dimensionless", f"{where}: count")
        if count <= 0 or count != math.floor(count):
            raise InputError(f"{where}: count", f"{r['count']!r} is not a positive whole number of cells")
    soc = None
    if "soc" in r:
        soc = to_si(r["soc"], "dimensionless", f"{where}: soc")
        if not 0.0 <= soc <= 1.0:
            raise InputError(f"{where}: soc", f"state of charge {r['soc']!r} is outside 0-1")
    if has_chem:
        cid = str(r["chemistry"]).strip()
        if cid not in catalogue:
            raise InputError(f"{where}: chemistry", f"unknown chemistry {cid!r}; {closest(cid, catalogue)}")
        if soc is None:
            raise InputError(f"{where}: soc", "missing state of charge (0-1) for a catalogue cell")
        comp = catalogue[cid].bill_of_materials(soc, db)
        mass = _row_mass(where, r, count, bom_mass=None)
        return InventoryRow(label, cid, mass, soc, comp, catalogue[cid].specific_energy)
    bom = _parse_bom(r["bom"], f"{where}: bom", db)
    bom_total = sum(bom.values())
    if bom_total <= 0:
        raise InputError(f"{where}: bom", "the bill of materials has no mass")
    per_cell = count is not None or "cell_mass" in r
    mass = _row_mass(where, r, count, bom_mass=bom_total * (count or 1) if per_cell or "mass" not in r else None)
    return InventoryRow(label, None, mass, soc, {sp: kg / bom_total for sp, kg in bom.items()})


def _row_mass(where: str, r: dict, count: float | None, bom_mass: float | None) -> float:
    if "mass" in r and ("cell_mass" in r or count is not None) and "bom" not in r:
        raise InputError(where, "give 'mass' (the whole row) or 'count' with 'cell_mass', not both")
    if "mass" in r:
        mass = to_si(r["mass"], "mass", f"{where}: mass")
    elif "cell_mass" in r:
        if count is None:
            raise InputError(f"{where}: count", "'cell_mass' needs a 'count' of cells")
        cell_mass = to_si(r["cell_mass"], "mass", f"{where}: cell_mass")
        if cell_mass <= 0:
            raise InputError(f"{where}: cell_mass", f"{r['cell_mass']!r} must be positive")
        mass = count * cell_mass
    elif bom_mass is not None:
        mass = bom_mass
    else:
        raise InputError(where, "missing mass: give 'mass', or 'count' and 'cell_mass'")
    if mass <= 0:
        raise InputError(where, f"mass must be positive, got {mass:g} kg")
    if not math.isfinite(mass) or mass > MAX_ROW_MASS:
        raise InputError(where, f"{mass:g} kg is more than any plant handles (limit {MAX_ROW_MASS:g} kg per row): "
                         "check the count and the cell mass")
    return mass


def _parse_bom(raw, where: str, db: ChemistryDB) -> dict[str, float]:
    """``{species: "1 kg"}`` or ``"Li: 1 kg; Cu: 0.2 kg"`` -> {index name: kg}."""
    if isinstance(raw, str):
        items = {}
        for part in raw.split(";"):
            if not part.strip():
                continue
            if ":" not in part:
                raise InputError(where, f"cannot read {part.strip()!r}; write 'Li: 1 kg; Cu: 0.2 kg'")
            k, v = part.split(":", 1)
            if k.strip() in items:
                raise InputError(f"{where}.{k.strip()}", "given twice; give each species once")
            items[k.strip()] = v.strip()
        raw = items
    if not isinstance(raw, dict) or not raw:
        raise InputError(where, "expected species and masses, e.g. {Li: 1 kg, Cu: 0.2 kg}")
    out: dict[str, float] = {}
    for name, value in raw.items():
        sp = db.resolve(str(name), f"{where}.{name}")
        if sp in out:
            raise InputError(f"{where}.{name}", f"{sp} is given twice (under two names); give it once")
        kg = to_si(value, "mass", f"{where}.{name}")
        if kg < 0:
            raise InputError(f"{where}.{name}", f"negative mass {value!r}")
        out[sp] = out.get(sp, 0.0) + kg
    return out


@dataclass(frozen=True)
class Basis:
    """How much feed a run is for: a batch of ``amount`` kg, or a throughput of kg/s."""

    amount: float
    rate: bool
    text: str

    @property
    def per(self) -> str:
        return "/s" if self.rate else ""


def require_throughput(text: str, inventory: Inventory, where: str = "--throughput") -> None:
    """Audit, safety, economics and uncertainty need a rate ("10 t/day"), not a batch mass."""
    if not parse_basis(text, inventory, where).rate:
        raise InputError(where, f"{text!r} is a mass, not a throughput; e.g. '10 t/day'")


def parse_basis(text: str | None, inventory: Inventory, where: str = "--basis",
                operating_year: float | None = None) -> Basis:
    """A batch mass ("500 kg") or a throughput ("10 t/day"); default: the inventory as a batch.

    A throughput per year means per operating year: with ``operating_year`` (s), 10000 t/year
    is 10000 t over the plant's operating days (the economics' year), not over 365.25 days."""
    if text is None:
        return Basis(inventory.total_mass, False, f"{inventory.total_mass:g} kg")
    text = str(text)
    check_grammar(text.strip(), text, where)      # a decimal comma or two numbers: say so, not 'neither'
    try:
        rate = to_si(text, "mass_rate", where)
    except InputError:
        rate = None
    if rate is not None:
        if rate <= 0:
            raise InputError(where, f"{text!r} must be positive")
        if operating_year and re.search(r"/\s*(year|yr|a|annum)\b", text):
            rate = rate * 365.25 * 86400 / operating_year      # per operating year
            text = f"{text} (operating year of {operating_year / 86400:g} days)"
        return Basis(rate, True, text)
    try:
        value = to_si(text, "mass", where)
    except InputError:
        raise InputError(where, f"{text!r} is neither a batch mass ('500 kg') nor a throughput ('10 t/day')") from None
    if value <= 0:
        raise InputError(where, f"{text!r} must be positive")
    return Basis(value, False, text)


def feed_amounts(inventory: Inventory, basis: Basis, db: ChemistryDB) -> np.ndarray:
    """Feed vector (1, n_species): mol per batch, or mol/s, for ``basis``."""
    amounts = inventory.amounts(db) * (basis.amount / inventory.total_mass)
    return amounts[None, :]


def _refuse_duplicate_columns(text: str, delimiter: str, label: str) -> None:
    """Two columns with one name in any case (chemistry, CHEMISTRY) are refused: one would
    silently win."""
    head = text.partition("\n")[0]
    names = [c.strip().strip('"') for c in head.split(delimiter)]
    seen = set()
    for name in names:
        if name and name in seen:
            raise InputError(f"{label}: line 1", f"column {name!r} appears twice (names are case-insensitive): "
                             "keep one")
        seen.add(name)


def _normalise_header(text: str) -> tuple[str, str]:
    """Lower-case the header (``SOC`` reads as ``soc``) and find the delimiter: a comma, or a
    semicolon or tab as spreadsheets in some locales write them."""
    head, sep, rest = text.partition("\n")
    delimiter = ","
    if "," not in head:
        for candidate in (";", "\t"):
            if candidate in head:
                delimiter = candidate
                break
    return head.lower() + sep + rest, delimiter


def _read_large_csv(text: str, label: str, db: ChemistryDB, catalogue: dict[str, CellDesign],
                    delimiter: str = ",") -> Inventory:
    """A large CSV inventory, validated column-wise and aggregated by chemistry and SOC.

    Rows are never looped over in Python: each distinct (chemistry, bom, count, cell_mass,
    mass) combination is validated once by the row reader (so errors read as for small
    files, naming the first row with that value), numbers are checked as arrays, and rows are
    grouped by chemistry and state of charge rounded to 0.001 before bills of materials are made.
    """
    import pandas as pd

    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True, sep=delimiter)
    except pd.errors.ParserError as exc:
        raise InputError(label, f"cannot read as CSV: {exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
    for c in df.columns:
        if c not in COLUMNS:
            raise InputError(f"{label}: column {c!r}", f"unknown column; {closest(c, COLUMNS)}")
    for c in COLUMNS:
        df[c] = df[c].str.strip() if c in df.columns else ""
    df.index = df.index + 2                              # the file's row numbers, kept through filtering
    df = df[(df[list(COLUMNS)] != "").any(axis=1)]       # empty lines and trailing ',,,,' rows, as small files
    if df.empty:
        raise InputError(label, "header only: no inventory rows")
    dup = df.duplicated(subset=list(COLUMNS), keep="first") & (df["name"] != "")
    if dup.any():                            # as small files: a named lot given twice is refused
        i = dup.idxmax()
        first = df[(df[list(COLUMNS)] == df.loc[i, list(COLUMNS)]).all(axis=1)].index[0]
        raise InputError(f"{label}: row {i}", f"duplicates row {first}; add up the counts in one row or give the "
                         "rows different names")
    row_no = df.index.to_numpy()
    df = df.reset_index(drop=True)

    def fail(mask, fallback: str):
        """Raise the row reader's own message for the first row in ``mask``."""
        i = int(np.flatnonzero(np.asarray(mask))[0])
        raw = {k: v for k, v in df.iloc[i].items() if v != ""}
        _row(f"{label}: row {row_no[i]}", raw, db, catalogue)
        raise InputError(f"{label}: row {row_no[i]}", fallback)

    # each distinct state of charge through the small files' own parser ('0.5', '50 %' alike)
    soc_of = {}
    first_row = df["soc"].drop_duplicates()             # each distinct text once, at its first row
    for i, text in first_row.items():
        if text == "":
            continue
        where = f"{label}: row {row_no[i]}: soc"
        try:                                             # plain numbers fast; anything else as small files
            value = float(text) if _PLAIN_NUMBER.match(text) else to_si(text, "dimensionless", where)
        except ValueError:
            value = to_si(text, "dimensionless", where)
        if not 0.0 <= value <= 1.0:
            raise InputError(where, f"state of charge {text!r} is outside 0-1")
        soc_of[text] = value
    soc = df["soc"].map(lambda t: soc_of.get(t, float("nan"))).astype(float)
    key_cols = ["chemistry", "bom", "count", "cell_mass", "mass"]
    keys = df[key_cols].drop_duplicates()
    mass_of_key = {}
    for i, key in keys.iterrows():                      # distinct combinations only
        raw = {k: v for k, v in key.items() if v != ""}
        if raw.get("chemistry") and df.at[i, "soc"] == "":
            fail(df.index == i, "missing state of charge")
        raw_soc = {**raw, "soc": df.at[i, "soc"] or "0"} if raw.get("chemistry") else raw
        mass_of_key[tuple(key)] = _row(f"{label}: row {row_no[i]}", raw_soc, db, catalogue).mass
    if (df["chemistry"].ne("") & df["soc"].eq("")).any():
        fail(df["chemistry"].ne("") & df["soc"].eq(""), "missing state of charge")
    mass = pd.Series([mass_of_key[k] for k in map(tuple, df[key_cols].to_numpy())], index=df.index) \
        if len(keys) < len(df) / 10 else df[key_cols].apply(lambda r: mass_of_key[tuple(r)], axis=1)
    rows: list[InventoryRow] = []
    chem = df["chemistry"] != ""
    grouped = pd.DataFrame({"chemistry": df["chemistry"][chem], "soc": soc[chem].round(SOC_DECIMALS),
                            "mass": mass[chem]}).groupby(["chemistry", "soc"], sort=True)["mass"].agg(["sum", "size"])
    for (cid, s), g in grouped.iterrows():
        comp = catalogue[cid].bill_of_materials(float(s), db)
        rows.append(InventoryRow(f"{cid} at SOC {s:g} ({int(g['size'])} rows)", cid, float(g["sum"]), float(s), comp,
                                 catalogue[cid].specific_energy))
    boms = pd.DataFrame({"bom": df["bom"][~chem], "mass": mass[~chem]}).groupby("bom")["mass"].agg(["sum", "size"])
    for bom, g in boms.iterrows():
        parsed = _parse_bom(bom, f"{label}: bom", db)
        total = sum(parsed.values())
        rows.append(InventoryRow(f"bill {bom} ({int(g['size'])} rows)", None, float(g["sum"]), None,
                                 {k: v / total for k, v in parsed.items()}))
    inv = Inventory(label, rows)
    inv.notes.append(f"{len(df)} rows aggregated into {len(rows)} groups by chemistry and state of charge "
                     f"(rounded to {10 ** -SOC_DECIMALS:g})")
    return inv
