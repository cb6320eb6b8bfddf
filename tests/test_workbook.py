"""The notebook API: a DataFrame inventory through plan, compare and sensitivity, and the workbook."""
from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from recycle import (
    compare_routes,
    load_prices,
    monte_carlo,
    plan_frames,
    route_model,
    tornado,
    write_workbook,
)
from recycle.errors import InputError

INVENTORY = pd.DataFrame([
    {"chemistry": "LPSCL-NCM811-LI", "count": 600, "cell_mass": "0.8 kg", "soc": 0.05},
    {"chemistry": "LPS-NCM811-LI", "count": 200, "cell_mass": "0.6 kg", "soc": 0.1},
])


def test_a_dataframe_inventory_plans_like_its_csv(planner, tmp_path):
    csv = tmp_path / "cells.csv"
    INVENTORY.to_csv(csv, index=False)
    from_frame = planner.plan(INVENTORY, "hydrometallurgy", "10 t/day")
    from_file = planner.plan(str(csv), "hydrometallurgy", "10 t/day")
    assert (from_frame.feed == from_file.feed).all()
    assert planner.plan(INVENTORY.to_dict("records"), "hydrometallurgy", "10 t/day").feed.tolist() == \
        from_frame.feed.tolist()
    assert len(repr(from_frame)) < 300 and "hydrometallurgy" in repr(from_frame)


def test_a_bad_dataframe_row_is_named_like_a_csv_row(planner):
    bad = INVENTORY.copy()
    bad.loc[1, "cell_mass"] = "0.6"
    with pytest.raises(InputError, match=r"inventory \(DataFrame\): row 3: cell_mass"):
        planner.plan(bad)
    with pytest.raises(InputError, match="DataFrame or a list of dicts"):
        planner.plan(42)


def test_api_plan_compare_and_sensitivity_then_the_workbook_reads_back(planner, tmp_path):
    prices = load_prices(planner.db.directory)
    result = planner.plan(INVENTORY, "hydrometallurgy", "10 t/day")
    doc = compare_routes(planner, INVENTORY, ["hydrometallurgy", "pyrometallurgy"], "10 t/day", {}, prices)
    assert doc.inventory == "DataFrame" and [r.route for r in doc.routes] == ["hydrometallurgy", "pyrometallurgy"]
    model = route_model(planner, INVENTORY, "hydrometallurgy", "10 t/day", {}, prices)
    mc = monte_carlo([model], prices, samples=200, seed=1)
    assert mc.samples == 200
    assert tornado(model, prices)
    path = tmp_path / "plan.xlsx"
    write_workbook(path, plan_frames(result))
    sheets = pd.read_excel(path, sheet_name=None)
    assert set(sheets) == {"about", "summary", "steps", "streams", "gases", "reagents", "products"}
    gases = sheets["gases"]
    assert set(gases["unit"]) == {"kg/s"} and {"gas formed", "gas emitted"} <= set(gases["which"])
    steps = sheets["steps"]
    heat = steps[(steps["step"] == "leach") & (steps["quantity"] == "heat released") & (steps["case"] == "expected")]
    assert heat["unit"].item() == "W"
    assert heat["value"].item() == pytest.approx(float(result.steps["leach"].heat_released[0]), rel=1e-9)
    h2s = gases[(gases["which"] == "gas formed") & (gases["species"] == "H2S") & (gases["case"] == "expected")]
    assert h2s["value"].item() == pytest.approx(float(result.gas_formed[0, planner.db.index["H2S"]]
                                                      * planner.db.molar_mass[planner.db.index["H2S"]]), rel=1e-9)


def test_cli_version_and_plan_out_writes_the_workbook(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.startswith("recycle ")
    out = tmp_path / "run"
    res = runner.invoke(app, ["plan", "--basis", "10 t/day", "--out", str(out)])
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(out / "results.xlsx", sheet_name=None)
    assert {"summary", "steps", "audit findings", "permit"} <= set(sheets)
    # every --out folder carries its provenance (issue 17: traceable reports)
    import json

    from recycle.provenance import data_checksums

    stamp = json.loads((out / "provenance.json").read_text())
    assert stamp["command"].split()[1] == "plan" and "basis=10 t/day" in stamp["command"]
    assert stamp["data_sha256"] == data_checksums() and len(stamp["data_sha256"]["chemistry"]) == 64
    assert stamp["recycle"] and stamp["cantera"] and stamp["created"].endswith("+00:00")
