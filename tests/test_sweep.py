"""`recycle sweep`: a grid of scenarios on Dask, written to Parquet (recycle/sweep.py)."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli import app
from recycle.errors import InputError
from recycle.sweep import load_grid, run_scenario, sweep

GRID = """\
basis: 10 t/day
inventories:
  sulfide: {cell: LPSCL-NCM811-LI, soc: 0.1}
routes: [hydrometallurgy, pyrometallurgy]
parameters: {default: {}, dec: {quench.solvent: DEC}}
regions: [EU]
samples: 200
seed: 7
"""


@pytest.fixture(scope="module")
def grid_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("grid") / "grid.yaml"
    path.write_text(GRID)
    return path


def test_one_worker_and_two_give_identical_parquet(planner, grid_file, tmp_path):
    """Results do not depend on the number of workers: each scenario's Monte Carlo seed comes
    from the grid's seed and the scenario's key, and results.parquet is in grid order."""
    grid = load_grid(grid_file, planner)
    assert len(grid.scenarios) == 4                     # 1 inventory x 2 routes x 2 parameter sets
    one = sweep(grid, tmp_path / "one", workers=1)
    two = sweep(grid, tmp_path / "two", workers=2)
    assert one["computed"] == two["computed"] == 4
    a, b = pd.read_parquet(one["results"]), pd.read_parquet(two["results"])
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 8 and list(a["case"][:2]) == ["expected", "worst"]
    assert a["net_value_p50"].notna().all()
    # the samples are exact: GHG percentiles beside the net value's, none infeasible, ordered
    assert (a["ghg_p5"] <= a["ghg_p50"]).all() and (a["ghg_p50"] <= a["ghg_p95"]).all()
    assert (a["infeasible_samples"] == 0).all()
    for name in ("risk", "safety_index"):              # every sample's own risk and index, ordered
        assert (a[f"{name}_p5"] <= a[f"{name}_p50"]).all() and (a[f"{name}_p50"] <= a[f"{name}_p95"]).all()
    # the DEC set reaches only the route with a quench: pyrometallurgy runs its default twice
    pyro = a[(a["route"] == "pyrometallurgy") & (a["case"] == "expected")]
    assert pyro["net_value"].nunique() == 1
    again = sweep(grid, tmp_path / "one", workers=1)
    assert again["computed"] == 0 and again["reused"] == 4


def test_a_row_holds_what_the_api_gives_for_that_scenario(planner, grid_file):
    """Consistency: the sweep's row is economics(), environment() and the permit of the same plan,
    with its unit in the Parquet schema."""
    from recycle.audit import audit
    from recycle.economics import economics
    from recycle.environment import environment
    from recycle.prices import load_prices

    grid = load_grid(grid_file, planner)
    s = next(x for x in grid.scenarios if x.route == "hydrometallurgy" and x.parameters == "dec")
    rows = run_scenario(s, planner)
    result = planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 0.1), "hydrometallurgy", "10 t/day",
                          {"quench": {"solvent": "DEC"}})
    prices = load_prices(planner.db.directory)
    assert rows[0]["net_value"] == pytest.approx(economics(result, prices).net_value, rel=1e-12)
    assert rows[0]["ghg"] == pytest.approx(environment(result, "EU").ghg.total, rel=1e-12)
    so2 = next(line for line in audit(result, permit_region="EU").permit.lines if line.pollutant == "SO2")
    assert rows[1]["stack_SO2"] == pytest.approx(so2.concentration_worst, rel=1e-12)
    h2s = result.gas_generated[1, result.db.index["H2S"]] * result.db.molar_mass[result.db.index["H2S"]] * 3600
    assert rows[1]["gas_H2S"] == pytest.approx(h2s, rel=1e-12)


def test_units_are_in_the_parquet_schema(planner, grid_file, tmp_path):
    from recycle.sweep import _write_part

    grid = load_grid(grid_file, planner)
    path = tmp_path / "part.parquet"
    _write_part(run_scenario(grid.scenarios[0], planner), path)
    schema = pq.read_schema(path)
    assert schema.field("net_value").metadata == {b"unit": b"USD/kg"}
    assert schema.field("gas_H2S").metadata == {b"unit": b"kg/h"}
    assert schema.field("stack_SO2").metadata[b"unit"] == b"mg/m^3" and b"reference O2" in schema.field(
        "stack_SO2").metadata[b"basis"]
    frame = pq.read_table(path).to_pandas()
    assert (frame["limit_SO2"] == 50.0).all()                     # EU: Annex VI fallback for a leach route
    assert frame["exceeds_SO2"].tolist() == list(frame["stack_SO2"] > 50.0)
    assert frame["limit_H2S"].isna().all()                        # no limit in the EU: null, not 0


@pytest.mark.parametrize("text, where", [
    ("routes: [nowhere]\n", "routes"),
    ("colour: red\n", "colour"),
    ("parameters: {x: {smelt_typo.temperature: 1200 degC}}\n", "parameters.x.smelt_typo"),
    ("inventories: {a: {cell: NOPE}}\n", "inventories.a.cell"),
    ("regions: [Mars]\n", "regions"),
    ("routes: hydrometallurgy\n", "routes"),
    ("samples: abc\n", "samples"),
    ("parameters: {x: {quench.solvent: XYZ}}\n", "parameters.x (quench.solvent)"),
    ("prices: {a: {Li2CO3: 8 kg}}\n", "prices.a"),
    ("basis: 10 apples\n", "basis"),
    ("basis: 500 kg\n", "basis"),
    ("inventories: {a: {cell: LPSCL-NCM811-LI, soc: 1.5}}\n", "inventories.a.soc"),
    ("inventories: {a: {cell: LPSCL-NCM811-LI, soc: abc}}\n", "inventories.a.soc"),
])
def test_a_bad_grid_names_the_file_and_key(planner, tmp_path, text, where):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        load_grid(path, planner)
    assert str(path) in str(err.value) and where in str(err.value)
    res = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "error:" in res.stderr and not (tmp_path / "o" / "results.parquet").exists()


def test_cli_sweep_writes_parquet_and_reuses_it(tmp_path):
    grid = tmp_path / "grid.yaml"
    grid.write_text("routes: [direct-regeneration]\nprices: {base: {}, cheap: {Li2CO3: 8 USD/kg}}\n")
    out = tmp_path / "sw"
    res = CliRunner().invoke(app, ["sweep", str(grid), "--out", str(out), "--workers", "1", "--format", "json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["scenarios"] == 2 and doc["rows"] == 4 and doc["computed"] == 2
    frame = pd.read_parquet(out / "results.parquet")
    assert frame.shape[0] == 4 and set(frame["prices"]) == {"base", "cheap"}
    again = CliRunner().invoke(app, ["sweep", str(grid), "--out", str(out), "--format", "json"])
    assert json.loads(again.stdout)["reused"] == 2


def test_a_chinese_scenario_takes_the_chinese_grid(planner, tmp_path):
    """The permit region CN is the footprint's China grid (0.5366 kg CO2/kWh, MEE 2022)."""
    from recycle.environment import environment

    grid = tmp_path / "cn.yaml"
    grid.write_text("inventories: {s: {cell: LPSCL-NCM811-LI}}\nroutes: [direct-regeneration]\nregions: [CN]\n")
    scenario = load_grid(grid, planner).scenarios[0]
    rows = run_scenario(scenario, planner)
    result = planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 0.1), "direct-regeneration", "10 t/day")
    assert rows[0]["ghg"] == pytest.approx(environment(result, "China").ghg.total, rel=1e-12)
