"""Inventory files: good ones read, bad ones refused with file, row and reason."""
from __future__ import annotations

import pytest

from recycle.errors import InputError


def read(planner, tmp_path, text, suffix=".csv"):
    path = tmp_path / f"inv{suffix}"
    path.write_text(text)
    return planner.read_inventory(path)


def test_csv_catalogue_rows(planner, tmp_path):
    inv = read(planner, tmp_path, "chemistry,count,cell_mass,soc\nLPSCL-NCM811-LI,10,0.8 kg,0.5\n"
                                  "LLZO-NCM811-LI,,,0\n".replace(",,,0", ",5,1000 g,0"))
    assert inv.total_mass == pytest.approx(13.0)
    assert inv.rows[0].composition["NCM811(s)"] > 0.3


def test_yaml_with_bill_of_materials_and_basis(planner, tmp_path):
    inv = read(planner, tmp_path, "basis: 2 kg/h\ncells:\n  - bom: {Li: 1 kg, Cu: 0.5 kg}\n    count: 4\n",
               ".yaml")
    assert inv.total_mass == pytest.approx(6.0)
    assert inv.basis == "2 kg/h"
    assert inv.rows[0].composition["Li(cr)"] == pytest.approx(2 / 3)


def test_csv_bill_of_materials_column(planner, tmp_path):
    inv = read(planner, tmp_path, 'bom,mass\n"Li: 1 kg; Cu: 3 kg",8 kg\n')
    assert inv.total_mass == 8.0
    assert inv.rows[0].composition["Cu(cr)"] == pytest.approx(0.75)


@pytest.mark.parametrize("text, match", [
    ("", "empty file"),
    ("chemistry,count,cell_mass,soc\n", "header only"),
    ("chemistry,count,cell_mass,soc,colour\nLPSCL-NCM811-LI,1,1 kg,0,red\n", "column 'colour'.*unknown column"),
    ("chemistry,count,cell_mass,soc\nLPSCL-NCM811-L,1,1 kg,0\n", "row 2: chemistry.*did you mean 'LPSCL-NCM811-LI'"),
    ("chemistry,count,cell_mass,soc\nLPSCL-NCM811-LI,1,1 kg,1.5\n", "row 2: soc.*outside 0-1"),
    ("chemistry,count,cell_mass,soc\nLPSCL-NCM811-LI,1,1 m,0\n", "row 2: cell_mass.*not a mass"),
    ("chemistry,count,cell_mass,soc\nLPSCL-NCM811-LI,1,1,0\n", "row 2: cell_mass.*has no unit"),
    ("chemistry,count,cell_mass,soc\nLPSCL-NCM811-LI,-3,1 kg,0\n", "row 2: count.*positive whole number"),
    ("chemistry,count,cell_mass,soc\nLPSCL-NCM811-LI,1,nan kg,0\n", "row 2: cell_mass.*not a finite number"),
    ("chemistry,count,cell_mass\nLPSCL-NCM811-LI,1,1 kg\n", "row 2: soc.*missing state of charge"),
    ("chemistry,count,cell_mass,soc\nLPSCL-NCM811-LI,1,1 kgg,0\n", "row 2: cell_mass.*cannot read"),
    ('bom,mass\n"Lii: 1 kg",1 kg\n', "row 2: bom.Lii.*unknown species"),
    ("chemistry,soc\nLPSCL-NCM811-LI,0\n", "missing mass"),
])
def test_bad_csv_is_refused_with_location(planner, tmp_path, text, match):
    with pytest.raises(InputError, match=match) as info:
        read(planner, tmp_path, text)
    assert "inv.csv" in str(info.value)


def test_non_utf8_is_refused(planner, tmp_path):
    path = tmp_path / "inv.csv"
    path.write_bytes(b"chemistry,count,cell_mass,soc\n\xff\xfe,1,1 kg,0\n")
    with pytest.raises(InputError, match="line 2.*not UTF-8"):
        planner.read_inventory(path)


def test_yaml_python_tags_and_aliases_are_refused(planner, tmp_path):
    with pytest.raises(InputError, match="line 1"):
        read(planner, tmp_path, "cells: !!python/object/apply:os.system ['echo hi']\n", ".yaml")
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\ncells: [*b]\n"
    with pytest.raises(InputError, match="aliases"):
        read(planner, tmp_path, bomb, ".yaml")


def test_spreadsheet_exports_read(planner, tmp_path):
    """Semicolon separators, capitalised headers and trailing empty rows, as spreadsheets write them."""
    inv = read(planner, tmp_path, "Name;Chemistry;Count;Cell_mass;SOC\nlot A;LATP-LFP-LI;3;1 kg;0.2\n;;;;\n")
    assert inv.total_mass == pytest.approx(3.0) and len(inv.rows) == 1
    tabs = read(planner, tmp_path, "chemistry\tmass\tsoc\nLATP-LFP-LI\t5 kg\t0.1\n")
    assert tabs.total_mass == pytest.approx(5.0)


def test_negative_cell_mass_names_its_column(planner, tmp_path):
    with pytest.raises(InputError, match="row 2: cell_mass: '-2.4 kg' must be positive"):
        read(planner, tmp_path, "chemistry,count,cell_mass,soc\nLATP-LFP-LI,2,-2.4 kg,0.1\n")


def test_price_file_ranges_are_checked(db, tmp_path):
    from recycle.prices import load_prices

    f = tmp_path / "p.yaml"
    f.write_text("products:\n  Li2CO3: {value: 12 USD/kg, low: 30 USD/kg, high: 10 USD/kg}\n")
    with pytest.raises(InputError, match="products.Li2CO3: needs 0 <= low <= value <= high"):
        load_prices(db.directory, f)


@pytest.mark.parametrize("rows", [20, 6000])
def test_small_and_large_csv_files_are_validated_alike(planner, tmp_path, rows):
    """The same checks on 20 rows and on 6000 (the large reader works column-wise): a trailing
    ',,,,' row is skipped, '50 %' is a state of charge of 0.5, a named row given twice is refused
    and unnamed identical rows (cells listed one by one) add up."""
    lines = ["name,chemistry,count,cell_mass,soc"] + [f"r{i},LPSCL-NCM811-LI,1,1 kg,50 %" for i in range(rows)]
    ok = tmp_path / "ok.csv"
    ok.write_text("\n".join(lines + [",,,,"]) + "\n")
    inv = planner.read_inventory(ok)
    assert inv.total_mass == pytest.approx(rows) and all(r.soc == pytest.approx(0.5) for r in inv.rows)
    dup = tmp_path / "dup.csv"
    dup.write_text("\n".join(lines + [lines[1]]) + "\n")
    with pytest.raises(InputError, match=f"row {rows + 2}: duplicates row 2"):
        planner.read_inventory(dup)
    cells = tmp_path / "cells.csv"
    cells.write_text("\n".join(["chemistry,count,cell_mass,soc"] + ["LPSCL-NCM811-LI,1,1 kg,0.5"] * rows) + "\n")
    assert planner.read_inventory(cells).total_mass == pytest.approx(rows)
