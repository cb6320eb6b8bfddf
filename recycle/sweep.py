"""Scenario sweeps: inventories x routes x parameter sets x price scenarios x regions, each one
evaluated in full (plan, audit with the region's permit check, safety, economics, footprint and,
with ``samples``, an exact Monte Carlo of its net value, GHG, route risk and safety index: every
sample planned in full on the batch axis, recycle.exact_mc; percentiles and the count of
infeasible samples; the scenario's parameter set is held, not sampled), run on Dask and written
to Parquet.

A grid file (YAML)::

    basis: 10 t/day
    inventories:                       # name -> the example, a catalogue cell, or a file
      example: example
      sulfide: {cell: LPSCL-NCM811-LI, soc: 0.1}   # soc defaults to 0.1, as on the CLI
      ours: cells.csv                  # relative to the grid file
    routes: [hydrometallurgy, pyrometallurgy]     # default: every shipped route
    parameters: {default: {}, dec: {quench.solvent: DEC}}    # STEP.PARAM: value, for routes with the step
    prices: {base: {}, cheap_lithium: {Li2CO3: 8 USD/kg}}   # price name: value
    regions: [US, EU]                  # permit regions (US, EU, CN); the footprint takes their grid
    samples: 0                         # exact Monte Carlo samples of each scenario's net value
    seed: 1

Every scenario has a key: a SHA-256 of what defines it (its inventory, with a file's content,
route, parameters, prices, region, basis, samples, seed, the Monte Carlo's method, the versions of recycle and Cantera
and the checksums of the shipped data). Its rows are
written to ``OUT/parts/KEY.parquet`` as soon as it finishes, so a sweep that is run again skips
the scenarios already done; ``OUT/results.parquet`` gathers every scenario of the grid in grid
order. A scenario's Monte Carlo seed is derived from the grid's seed and its key, so the
results do not depend on how many workers ran them or in which order.

Rows: one per scenario and case (expected, worst). Quantities are plain float columns whose
unit is in the Parquet schema (field metadata ``unit``); scenario-level figures (economics,
footprint, safety) repeat on both rows of a scenario. Stack concentrations (``stack_P``) are on
the permit's basis of the scenario's region (dry, at its reference O2 for that pollutant: field
metadata ``basis``), beside the region's limit (``limit_P``, null where it sets none) and
whether the case exceeds it (``exceeds_P``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .yamlio import load_yaml_file

GRID_KEYS = {"basis", "inventories", "routes", "parameters", "prices", "regions", "samples", "seed"}
CASE_NAMES = ("expected", "worst")
GASES = ("H2", "H2S", "HCL", "HF", "SO2", "NH3", "CO", "CL2", "HBr", "HI", "PH3", "COS")   # gas formed, per case
POLLUTANTS = ("SO2", "HCl", "HF", "H2S", "NH3", "NOx", "CO", "Cl2", "dust", "TOC", "HBr", "HI", "PH3", "COS")
STACK_BASIS = "mg/Nm3 of dry gas at the reference O2 of the region's limit for that pollutant (none: as measured)"


@dataclass(frozen=True)
class Scenario:
    """One point of the grid; ``key`` identifies it (and its Parquet part)."""

    inventory: str
    route: str
    parameters: str
    prices: str
    region: str
    key: str
    spec: dict = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Grid:
    basis: str
    scenarios: tuple[Scenario, ...]
    samples: int
    seed: int
    source: str


def example_grid_path() -> Path:
    """The built-in example grid (recycle/examples/sweep.yaml)."""
    from importlib import resources

    return Path(str(resources.files("recycle.examples").joinpath("sweep.yaml")))


def load_grid(path: str | Path, planner) -> Grid:
    """Read and check a grid file; errors name the file and the key."""
    from .flowsheet import available_routes
    from .permit import regions as permit_regions
    from .prices import load_prices

    path = Path(path)
    label = str(path)
    data = load_yaml_file(path, label)
    if not isinstance(data, dict):
        raise InputError(label, "a grid file is a mapping with inventories, routes, parameters, prices, regions")
    extra = set(data) - GRID_KEYS
    if extra:
        raise InputError(f"{label}: {min(extra)}", f"unknown key; the keys are {', '.join(sorted(GRID_KEYS))}")
    basis = str(data.get("basis", "10 t/day"))
    inventories = data.get("inventories") or {"example": "example"}
    if not isinstance(inventories, dict):
        raise InputError(f"{label}: inventories", "a mapping of name -> example, {cell, soc} or a file")
    inv_specs = {}
    for name, spec in inventories.items():
        where = f"{label}: inventories.{name}"
        if spec == "example":
            inv_specs[name] = {"example": True}
        elif isinstance(spec, dict):
            if set(spec) - {"cell", "soc"} or "cell" not in spec:
                raise InputError(where, "a catalogue cell is {cell: ID, soc: 0-1}")
            if spec["cell"] not in planner.catalogue:
                raise InputError(where + ".cell", f"unknown cell {spec['cell']!r}")
            try:
                soc = float(spec.get("soc", 0.1))          # the CLI's default state of charge
            except (TypeError, ValueError):
                raise InputError(where + ".soc", f"{spec['soc']!r} is not a number between 0 and 1") from None
            if not 0.0 <= soc <= 1.0:
                raise InputError(where + ".soc", f"{soc:g} is not between 0 and 1")
            inv_specs[name] = {"cell": str(spec["cell"]), "soc": soc}
        elif isinstance(spec, str):
            file = (path.parent / spec).resolve()
            if not file.is_file():
                raise InputError(where, f"no inventory file {file}")
            planner.read_inventory(file)          # checked now, not on a worker
            inv_specs[name] = {"file": str(file), "sha256": hashlib.sha256(file.read_bytes()).hexdigest()}
        else:
            raise InputError(where, "expected 'example', {cell, soc} or a file name")
    routes = data.get("routes") or sorted(available_routes())
    regions = data.get("regions") or ["US"]
    for key, value in (("routes", routes), ("regions", regions)):
        if not isinstance(value, list):
            raise InputError(f"{label}: {key}", f"a list, e.g. [{value}]")
    for r in routes:
        if r not in available_routes():
            raise InputError(f"{label}: routes", f"unknown route {r!r}; shipped: {', '.join(sorted(available_routes()))}")
    parameters = data.get("parameters") or {"default": {}}
    param_sets = {}
    for name, sets in parameters.items():
        where = f"{label}: parameters.{name}"
        if not isinstance(sets, dict):
            raise InputError(where, "a mapping of STEP.PARAM: value")
        by_step: dict[str, dict[str, str]] = {}
        for key, value in sets.items():
            if "." not in str(key):
                raise InputError(f"{where}.{key}", "expected STEP.PARAM, e.g. quench.solvent")
            step, param = str(key).split(".", 1)
            by_step.setdefault(step, {})[param] = str(value)
        param_sets[name] = by_step
    from .flowsheet import load_route

    steps_of = {r: set(load_route(r).steps) for r in routes}
    for name, by_step in param_sets.items():
        unknown = set(by_step) - set().union(*steps_of.values())
        if unknown:
            raise InputError(f"{label}: parameters.{name}.{min(unknown)}", "no route of the grid has this step")
        for r in routes:              # each value checked by the step that takes it, here, not on a worker
            try:
                load_route(r).with_parameters({st: q for st, q in by_step.items() if st in steps_of[r]})
            except InputError as exc:
                key = exc.where.split()[-1].split("steps.")[-1] if exc.where else ""
                raise InputError(f"{label}: parameters.{name}" + (f" ({key})" if key else ""), exc.message) from None
    prices = data.get("prices") or {"base": {}}
    price_sets = {}
    for name, sets in prices.items():
        if not isinstance(sets, dict):
            raise InputError(f"{label}: prices.{name}", "a mapping of price name: value with unit")
        price_sets[name] = {str(k): str(v) for k, v in sets.items()}
        try:
            load_prices(planner.db.directory, overrides=price_sets[name] or None)
        except InputError as exc:
            raise InputError(f"{label}: prices.{name}", exc.message) from None
    known_regions = permit_regions(planner.db)
    footprint_region = {}
    for reg in regions:
        if reg not in known_regions:
            raise InputError(f"{label}: regions", f"unknown region {reg!r}; known: {', '.join(known_regions)}")
        footprint_region[reg] = _grid_region(planner.db, reg, f"{label}: regions")
    try:
        samples, seed = int(data.get("samples", 0)), int(data.get("seed", 1))
    except (TypeError, ValueError):
        raise InputError(f"{label}: samples/seed", "whole numbers, e.g. samples: 200, seed: 1") from None
    if samples < 0:
        raise InputError(f"{label}: samples", "must be 0 or more")
    from .inventory import parse_basis

    try:
        parsed = parse_basis(basis, planner.inventory(None), where="basis")
    except InputError as exc:
        raise InputError(f"{label}: basis", exc.message) from None
    if not parsed.rate:
        raise InputError(f"{label}: basis", f"{basis!r} is a batch; a sweep audits a plant, so give a throughput "
                                            "such as '10 t/day'")
    from .provenance import provenance

    made_by = {k: v for k, v in provenance(command="").items() if k in ("recycle", "cantera", "data_sha256")}
    out = []
    for inv, ispec in inv_specs.items():
        for route in routes:
            for pname, pset in param_sets.items():
                for prname, prset in price_sets.items():
                    for reg in regions:
                        applicable = {st: p for st, p in pset.items() if st in steps_of[route]}
                        spec = {"inventory": ispec, "route": route, "parameters": applicable, "prices": prset,
                                "region": reg, "grid_region": footprint_region[reg], "basis": basis,
                                "samples": samples, "seed": seed, "monte_carlo": "exact: net value, GHG, risk, safety index",
                                "labels": [inv, pname, prname], "made_by": made_by}
                        key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
                        out.append(Scenario(inv, route, pname, prname, reg, key, spec))
    return Grid(basis, tuple(out), samples, seed, label)


def _grid_region(db, region: str, where: str) -> str:
    """The electricity-grid region of the footprint (chemistry/emission_factors.yaml) for a permit
    region or one of its aliases (CN -> China)."""
    grids = {k.lower(): k for k in db.data("emission_factors.yaml")["electricity"]}
    limits = db.data("emission_limits.yaml")["regions"]
    key = next((k for k, v in limits.items() if region.lower() in [k.lower()] + [a.lower() for a in v.get("aliases", [])]),
               region)
    names = [region, key] + list(limits.get(key, {}).get("aliases", []))
    found = next((grids[n.lower()] for n in names if n.lower() in grids), None)
    if found is None:
        raise InputError(where, f"{region!r} has no electricity-grid factor in chemistry/emission_factors.yaml")
    return found


def run_scenario(scenario: Scenario, planner=None) -> list[dict]:
    """The rows (expected, worst) of one scenario, values in the units of :func:`units`."""
    import numpy as np

    from .applicability import judge
    from .audit import audit
    from .economics import economics
    from .environment import environment
    from .prices import load_prices
    from .safety import safety

    planner = planner or _worker_planner()
    spec = scenario.spec
    inv = spec["inventory"]
    if inv.get("example"):
        inventory = planner.inventory(None)
    elif "cell" in inv:
        inventory = planner.cell_inventory(inv["cell"], inv["soc"])
    else:
        inventory = planner.read_inventory(inv["file"])
    prices = load_prices(planner.db.directory, overrides=spec["prices"] or None)
    result = planner.plan(inventory, spec["route"], spec["basis"], spec["parameters"])
    db = result.db
    checked = audit(result, permit_region=spec["region"])
    money = economics(result, prices)
    footprint = environment(result, spec["grid_region"])
    score = safety(result, checked)
    common = {
        "scenario": scenario.key[:16], "inventory": scenario.inventory, "route": scenario.route,
        "parameters": scenario.parameters, "prices": scenario.prices, "region": scenario.region,
        "applies": judge(result).status,
        "net_value": money.net_value,
        "breakeven_feed_price": money.breakeven_feed_price,
        "ghg": footprint.ghg.total,
        "safety_index": float(score.score),
        "worst_risk": float(score.risk.worst_risk),
        "critical_findings": sum(f.severity == "critical" for f in checked.findings),
        "max_element_residual": result.max_relative_element_residual(),
    }
    if spec["samples"]:
        from .exact_mc import exact_evaluator
        from .uncertainty import monte_carlo, route_model

        model = route_model(planner, inventory, spec["route"], spec["basis"], spec["parameters"], prices,
                            region=spec["grid_region"])
        seed = int(np.random.SeedSequence([spec["seed"], int(scenario.key[:15], 16)]).generate_state(1)[0])
        exact = exact_evaluator(planner, inventory, spec["basis"], spec["parameters"], prices, spec["grid_region"],
                                {model.route: spec["route"]})
        mc = monte_carlo([model], prices, spec["samples"], seed, exact=exact).routes[0]
        common.update({f"net_value_{p}": mc.net_value[p] for p in ("p5", "p50", "p95")})
        common.update({f"ghg_{p}": mc.ghg[p] for p in ("p5", "p50", "p95")})
        common.update({f"risk_{p}": mc.risk[p] for p in ("p5", "p50", "p95")})
        common.update({f"safety_index_{p}": mc.safety_score[p] for p in ("p5", "p50", "p95")})
        common["infeasible_samples"] = mc.infeasible          # left out of the percentiles
    permit_lines = {line.pollutant: line for line in (checked.permit.lines if checked.permit else ())}
    rows = []
    kg_h = db.molar_mass * 3600.0
    for case, name in enumerate(CASE_NAMES):
        row = dict(common, case=name)
        gas = result.gas_generated[case]
        for g in GASES:
            row[f"gas_{g}"] = float(gas[db.index[g]] * kg_h[db.index[g]]) if g in db.index else 0.0
        for p in POLLUTANTS:
            line = permit_lines.get(p)
            row[f"stack_{p}"] = float(line.concentration if case == 0 else line.concentration_worst) if line else 0.0
            limit = line.limit if line else None
            row[f"limit_{p}"] = limit                                        # None (null): no limit in the region
            row[f"exceeds_{p}"] = limit is not None and row[f"stack_{p}"] > limit
        row["heat_released"] = float(result.heat_released[case]) / 1000.0
        rows.append(row)
    return rows


def units() -> dict[str, str]:
    """Unit of every quantity column (pint strings)."""
    out = {"net_value": "USD/kg", "breakeven_feed_price": "USD/kg", "ghg": "kg CO2e/kg", "safety_index": "points",
           "worst_risk": "", "critical_findings": "", "max_element_residual": "", "heat_released": "kW",
           "net_value_p5": "USD/kg", "net_value_p50": "USD/kg", "net_value_p95": "USD/kg",
           "ghg_p5": "kg CO2e/kg", "ghg_p50": "kg CO2e/kg", "ghg_p95": "kg CO2e/kg", "infeasible_samples": "",
           "risk_p5": "", "risk_p50": "", "risk_p95": "",
           "safety_index_p5": "points", "safety_index_p50": "points", "safety_index_p95": "points"}
    out.update({f"gas_{g}": "kg/h" for g in GASES})
    out.update({f"stack_{p}": "mg/m^3" for p in POLLUTANTS})
    out.update({f"limit_{p}": "mg/m^3" for p in POLLUTANTS})
    return out


def _worker_planner():
    """The Planner of this Dask worker, loaded once per worker process (a planner holds only
    read-only chemistry data), or a fresh one outside a worker."""
    from .planner import Planner

    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return Planner.load()
    planner = getattr(worker, "recycle_planner", None)
    if planner is None:
        planner = Planner.load()
        worker.recycle_planner = planner
    return planner


def _write_part(rows: list[dict], path: Path) -> None:
    """Write one scenario's rows atomically (a re-run never sees half a part)."""
    import pyarrow.parquet as pq

    tmp = path.with_suffix(f".tmp{os.getpid()}")
    pq.write_table(_table(rows), tmp)
    os.replace(tmp, path)


def _table(rows: list[dict]):
    import pyarrow as pa

    table = pa.Table.from_pylist(rows)
    u = units()
    fields = []
    for f in table.schema:
        if f.name in u:
            meta = {"unit": u[f.name]}
            if f.name.startswith(("stack_", "limit_")):
                meta["basis"] = STACK_BASIS
            f = f.with_metadata(meta)
        if pa.types.is_null(f.type):              # a column with no value in this part (no limit anywhere)
            f = f.with_type(pa.float64() if f.name in u else pa.bool_())
        fields.append(f)
    return table.cast(pa.schema(fields))


def _task(scenario: Scenario, out: str) -> str:
    rows = run_scenario(scenario)
    _write_part(rows, Path(out) / "parts" / f"{scenario.key}.parquet")
    return scenario.key


def sweep(grid: Grid, out: str | Path, workers: int = 2, scheduler: str | None = None,
          progress=None) -> dict:
    """Run every scenario of ``grid`` not yet in ``out`` on Dask (a local cluster of ``workers``
    processes, or the cluster at ``scheduler``) and gather ``out/results.parquet``.

    ``progress(done, total)``, when given, is called as scenarios finish. Returns counts and the
    path of the results."""
    import pyarrow.parquet as pq

    out = Path(out)
    parts = out / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    todo = [s for s in grid.scenarios if not (parts / f"{s.key}.parquet").is_file()]
    done = len(grid.scenarios) - len(todo)
    if progress:
        progress(done, len(grid.scenarios))
    if todo:
        from distributed import Client, LocalCluster, as_completed

        if scheduler:
            client = Client(scheduler)
            cluster = None
        else:
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(cluster)
        try:
            futures = [client.submit(_task, s, str(out), key=f"recycle-{s.key}", pure=False) for s in todo]
            for future in as_completed(futures):
                future.result()                     # a failed scenario raises here, with its error
                done += 1
                if progress:
                    progress(done, len(grid.scenarios))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    tables = [pq.read_table(parts / f"{s.key}.parquet") for s in grid.scenarios]
    import pyarrow as pa

    result = pa.concat_tables(tables)
    target = out / "results.parquet"
    tmp = out / f"results.parquet.tmp{os.getpid()}"
    pq.write_table(result, tmp)
    os.replace(tmp, target)
    return {"scenarios": len(grid.scenarios), "computed": len(todo), "reused": len(grid.scenarios) - len(todo),
            "rows": result.num_rows, "results": str(target)}


__all__ = ["Grid", "Scenario", "example_grid_path", "load_grid", "run_scenario", "sweep", "units"]
