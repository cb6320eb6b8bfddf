"""The stack against the permit: concentrations on the limit's basis, sizing to the limit."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from cli import app
from recycle.errors import InputError
from recycle.flowsheet import available_routes
from recycle.permit import at_reference_o2, dry_basis, permit, regions, size_to_permit

runner = CliRunner()


def test_so2_on_the_permit_basis_by_hand(db):
    """Hand check of the standard conversion. A stack gas of 500 ppm SO2 (wet), 10 % water and
    15 % O2 on the dry gas: dry SO2 = 500 / 0.9 = 555.6 ppm; 1 ppm = M/V_N = 64.064 / 22.414 =
    2.858 mg/Nm3, so 1588 mg/Nm3 dry; at 11 % reference O2, x (21 - 11) / (21 - 15) (Directive
    2010/75/EU Annex VI Part 7; the same form as 40 CFR 60.46c for a 7 % reference):
    2647 mg/Nm3."""
    stack = np.zeros((1, db.n_species))
    total = 1.0                                        # mol/s of wet gas
    stack[0, db.index["H2O"]] = 0.10 * total
    dry = 0.90 * total
    stack[0, db.index["SO2"]] = 500e-6 * total
    stack[0, db.index["O2"]] = 0.15 * dry
    stack[0, db.index["N2"]] = dry - 0.15 * dry - 500e-6 * total
    volume, o2 = dry_basis(db, stack)
    assert volume[0] == pytest.approx(0.9 * 0.0224140, rel=1e-5)          # Nm3/s dry
    assert o2[0] == pytest.approx(15.0, rel=1e-12)
    mg = stack[0, db.index["SO2"]] * db.molar_mass[db.index["SO2"]] * 1e6 / volume[0]
    assert mg == pytest.approx(500 / 0.9 * 64.064 / 22.414, rel=1e-3)
    assert mg == pytest.approx(1588, rel=1e-3)
    assert at_reference_o2(mg, o2, 11.0)[0] == pytest.approx(1588 * 10 / 6, rel=1e-3)
    assert at_reference_o2(mg, o2, 11.0)[0] == pytest.approx(2647, rel=1e-3)
    assert at_reference_o2(mg, o2, None) == pytest.approx(mg)


def test_hydrometallurgy_of_a_sulfide_cell_fails_the_eu_so2_limit_and_sizing_makes_it_pass(planner):
    inv = planner.cell_inventory("LPSCL-NCM811-LI", 0.1)
    result = planner.plan(inv, "hydrometallurgy", "10 t/day")
    before = {line.pollutant: line for line in permit(result, "EU").lines}
    so2 = before["SO2"]
    assert so2.passes is False and so2.limit == 50.0 and so2.unit_of("limit") == "mg/m^3"
    assert so2.concentration_worst > 1000
    need = so2.required
    assert need.step == "scrub" and need.removal_now == pytest.approx(0.98)
    sizing = size_to_permit(planner, inv, "hydrometallurgy", "10 t/day", None, "EU", margin=0.1)
    sized, checked, overrides, unreachable = sizing.result, sizing.permit, sizing.overrides, sizing.not_reachable
    after = {line.pollutant: line for line in checked.lines}
    assert after["SO2"].passes and after["SO2"].concentration_worst <= 45.0 * (1 + 1e-6)
    assert not checked.failures and not unreachable
    removal = dict(part.split(": ") for part in overrides["scrub"]["removal_by_gas"].split(", "))
    assert float(removal["SO2"]) > 0.999
    # the sized design costs caustic: more SO2 absorbed needs more NaOH
    def caustic(r):
        return r.steps["scrub"].outcome.quantities["caustic"][0][0]

    assert caustic(sized) > caustic(result)
    assert sizing.reagent_change["NaOH(a)"] == pytest.approx((caustic(sized) - caustic(result)) * 3600, rel=1e-6)


def test_removal_needed_follows_from_the_stack_concentration(planner):
    """Hand calculation: the scrubber passes 2 % of the SO2; to bring C_worst down to the limit
    it may pass 2 % x 50 / C_worst, so it must remove 1 - that; NTU = ln(1 / passing)."""
    result = planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 0.1), "hydrometallurgy", "10 t/day")
    so2 = next(line for line in permit(result, "EU").lines if line.pollutant == "SO2")
    c = so2.concentration_worst
    assert so2.required.removal_needed == pytest.approx(1 - 0.02 * 50 / c, rel=1e-9)
    assert so2.required.ntu_needed == pytest.approx(np.log(c / (0.02 * 50)), rel=1e-9)
    assert so2.required.ntu_now == pytest.approx(np.log(50.0), rel=1e-9)


def test_every_route_every_cell_every_region_judges_every_stack_species(planner):
    """Sweep: each stack species is compared with a limit or listed as having none (with its
    source), or named as not a pollutant; permit() raises on anything else."""
    db = planner.db
    for route in sorted(available_routes()):
        for cell in planner.catalogue:
            result = planner.plan(planner.cell_inventory(cell, 0.0), route, "10 t/day")
            stack = result.sink_total("stack").max(axis=0)
            for region in regions(db):
                checked = permit(result, region)
                judged = {s for line in checked.lines for s in line.species} | set(checked.not_pollutants)
                present = {db.names[i] for i in np.flatnonzero(db.is_gas & (stack > 0))}
                assert present <= judged, (route, cell, region, present - judged)
                for line in checked.lines:
                    assert line.source, (region, line.pollutant)
                    assert line.unit_of("annual_load") == "t/year" and line.annual_load >= 0
                    if line.limit is None:
                        assert line.passes is None


def test_unknown_region_is_an_input_error(planner):
    result = planner.plan(None, "hydrometallurgy", "10 t/day")
    with pytest.raises(InputError, match="unknown permit region 'Mars'"):
        permit(result, "Mars")


def test_audit_cli_permit_fails_on_critical_and_sizing_passes():
    res = runner.invoke(app, ["audit", "--route", "hydrometallurgy", "--permit", "EU", "--fail-on", "critical",
                              "--format", "json"])
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    so2 = next(line for line in doc["permit"]["lines"] if line["pollutant"] == "SO2")
    assert so2["passes"] is False and set(so2["concentration_worst"]) == {"value", "unit"}
    assert any(f["step"] == "stack" and f["gas"] == "SO2" and f["severity"] == "critical" for f in doc["findings"])
    sized = runner.invoke(app, ["audit", "--route", "hydrometallurgy", "--permit", "EU", "--size-to-permit",
                                "--format", "json"])
    assert sized.exit_code == 0, sized.output
    doc = json.loads(sized.stdout)
    assert not [line for line in doc["permit"]["lines"] if line["passes"] is False]
    assert "scrub.removal_by_gas" in doc["permit"]["sized"]["set"]
    assert "sized to permit: --set scrub.removal_by_gas=" in sized.stderr
    bad = runner.invoke(app, ["audit", "--permit", "Mars"])
    assert bad.exit_code == 2 and "unknown permit region" in bad.stderr


def test_audit_markdown_and_html_blocks_carry_the_permit_table(planner):
    from recycle.audit import audit
    from recycle.report.audit_tables import markdown
    from recycle.report.html import audit_blocks

    report = audit(planner.plan(None, "hydrometallurgy", "10 t/day"), permit_region="EU")
    text = markdown(report)
    assert "## Permit" in text and "Directive 2010/75/EU" in text and "| SO2" in text
    titles = [b[1] for b in audit_blocks(report) if b[0] == "h"]
    assert "Stack against the permit" in titles


def test_sizing_reports_the_packing_the_removal_takes(planner):
    """Capital consequence (issue 20): packed height = HTU x NTU_OG with NTU_OG = ln(1/(1 - removal))
    (fast reaction, no back-pressure). Hand: 0.98 -> 0.58 x ln 50 = 2.27 m; the sized SO2 removal
    0.99985 -> 0.58 x ln(1/0.00015) = 5.11 m; the column's capital grows with it."""
    import math

    from recycle.capital import HTU, packed_height
    from recycle.economics import economics
    from recycle.prices import load_prices

    inv = planner.cell_inventory("LPSCL-NCM811-LI", 0.1)
    base = planner.plan(inv, "hydrometallurgy", "10 t/day")
    assert packed_height(base, "scrub") == pytest.approx(HTU * math.log(50.0), rel=1e-12)
    sizing = size_to_permit(planner, inv, "hydrometallurgy", "10 t/day", None, "EU", margin=0.1)
    # the tallest packing is set by the highest removal sized (SO2, or the P4O10 mist counted as
    # dust against the BAT-AEL of 5 mg/Nm3)
    removal = max(float(v) for v in dict(p.split(": ") for p in
                                          sizing.overrides["scrub"]["removal_by_gas"].split(", ")).values())
    assert sizing.packing["scrub"].after == pytest.approx(HTU * math.log(1 / (1 - removal)), rel=1e-9)
    prices = load_prices(planner.db.directory)
    assert economics(sizing.result, prices).capital.fixed > economics(base, prices).capital.fixed


def test_the_china_limits_are_the_ones_read_in_the_standards(db):
    """GB 31574-2015 Table 3 (read in the MEE text): particulate 30, SO2 150, NOx 200 mg/m3, dry,
    no reference O2; Cl2 65 mg/m3 from GB 16297-1996 Table 2 (new sources), which GB 31574 lacks."""
    data = db.data("emission_limits.yaml")["regions"]["CN"]
    limits = data["limits"]
    assert {k: limits[k]["value"] for k in ("dust", "SO2", "NOx", "Cl2")} == {
        "dust": "30 mg/m^3", "SO2": "150 mg/m^3", "NOx": "200 mg/m^3", "Cl2": "65 mg/m^3"}
    assert all("reference_o2" not in v for v in limits.values())
    assert all(limits[k]["quality"] == "E" for k in ("dust", "SO2", "NOx", "Cl2"))
    assert "Cl2" not in data["no_limit"]


def test_the_eu_bat_aels_are_the_ones_read_in_the_official_journal(db):
    """BAT-AELs read in the OJ text (Dutch version) of Decision (EU) 2016/1032 (secondary copper:
    dust 2-4 BAT 40 Table 3, TVOC 3-30 Table 4, SO2 50-300 Table 6; Ni/Co leaching: Cl2 <= 1
    Table 49) and 2018/1147 (shredders: dust 2-5 Table 6.3; physico-chemical treatment of waste
    with calorific value: TVOC 5-30 Table 6.9). The permit limit is the upper end of each range,
    and neither decision corrects to a reference O2."""
    sectors = {s["id"]: s for s in db.data("emission_limits.yaml")["regions"]["EU"]["sectors"]}
    value = {sid: {k: v["value"] for k, v in s["limits"].items()} for sid, s in sectors.items()}
    assert value["non-ferrous metals, secondary copper smelting"] == {
        "dust": "4 mg/m^3", "TOC": "30 mg/m^3", "SO2": "300 mg/m^3"}
    assert value["non-ferrous metals, nickel and cobalt by leaching"] == {
        "Cl2": "1 mg/m^3", "dust": "5 mg/m^3", "TOC": "30 mg/m^3"}
    assert value["waste treatment"] == {"dust": "5 mg/m^3", "TOC": "30 mg/m^3"}
    for s in sectors.values():
        for entry in s["limits"].values():
            assert "reference_o2" not in entry and entry["quality"] == "E" and "OJ L" in entry["source"]


@pytest.mark.parametrize("route, sector", [("pyrometallurgy", "non-ferrous metals, secondary copper smelting"),
                                           ("hydrometallurgy", "non-ferrous metals, nickel and cobalt by leaching"),
                                           ("hybrid", "non-ferrous metals, nickel and cobalt by leaching"),
                                           ("direct-regeneration", "waste treatment")])
def test_each_route_is_judged_by_the_bat_conclusions_of_its_process(planner, route, sector):
    """A smelter is secondary copper smelting, a leach is Ni/Co production by leaching, the rest is
    waste treatment (this project's reading). A BAT-AEL is compared on the dry gas as it is (no
    O2 correction); a pollutant the sector sets no level for falls back to Annex VI at 11 % O2."""
    result = planner.plan(None, route, "10 t/day")
    checked = permit(result, "EU")
    assert checked.sector == sector
    for line in checked.lines:
        if line.limit is None:
            continue
        if "Annex VI" in line.source:
            assert line.reference_o2 == 11.0
        else:
            assert line.reference_o2 is None and "Decision (EU)" in line.source
