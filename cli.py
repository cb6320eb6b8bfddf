"""recycle: process planner for recycling spent solid-state Li-metal batteries (Typer CLI).

Thin layer over the ``recycle`` package: it parses options, calls the library, and prints or
writes. Messages go to stderr, data to stdout or ``--out``. Exit codes: 0 success, 1 a check
the user asked for failed, 2 bad input or usage, 3 internal error.
Heavy libraries (Cantera, pandas) are imported inside the commands so ``--help`` is fast.
"""
from __future__ import annotations

import contextlib
import functools
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Plan the recycling of spent solid-state Li-metal batteries: per-step mass, gas "
                       "and heat balances from cited thermochemistry (Cantera).\n\n"
                       "Example: recycle plan cells.csv --route hydrometallurgy --basis \"10 t/day\"")
inventory_app = typer.Typer(no_args_is_help=True, help="Check spent-cell inventory files.\n\n"
                                                       "Example: recycle inventory check cells.csv")
app.add_typer(inventory_app, name="inventory")

_STATE = {"debug": False}


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# Options shared by several commands (one definition each).
InventoryArg = Annotated[Optional[Path], typer.Argument(help="Inventory file (.csv or .yaml); default: the built-in example.")]
ThroughputOpt = Annotated[str, typer.Option("--throughput", "-t", help="Plant throughput of cells, e.g. '10 t/day' or '500 kg/h'.")]
PricesOpt = Annotated[Optional[Path], typer.Option("--prices", help="YAML file overriding any subset of chemistry/prices.yaml.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --out folder.")]



def _csv(table) -> str:
    """CSV text with formula-looking cells escaped (recycle.report.output.safe_csv), imported lazily."""
    from recycle.report.output import safe_csv

    return safe_csv(table)

def _require_throughput(throughput: str, inv) -> None:
    """Audit, safety, economics and uncertainty need a rate, not a batch mass."""
    from recycle.errors import InputError
    from recycle.inventory import parse_basis

    if not parse_basis(throughput, inv, "--throughput").rate:
        raise InputError("--throughput", f"{throughput!r} is a mass, not a throughput; e.g. '10 t/day'")


def _err(message: str) -> None:
    typer.echo(message, err=True)


def guarded(func):
    """Turn InputError into one line on stderr and exit 2; hide tracebacks unless --debug."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from recycle.errors import InputError

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            if _STATE["debug"]:
                raise
            _err(f"error: {exc}")
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence for users
            if _STATE["debug"]:
                raise
            _err(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
            raise typer.Exit(3) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"recycle {version('recycle')}")
        except PackageNotFoundError:          # run from a source tree without installing
            typer.echo("recycle (not installed)")
        raise typer.Exit()


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
          show_version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                                     callback=_version, is_eager=True)] = False):
    _STATE["debug"] = debug


def _parse_sets(sets: list[str], prices_allowed: bool = False) -> dict[str, dict[str, str]]:
    from recycle.overrides import parse_sets

    return parse_sets(sets, prices_allowed)


def _stamped(files: dict, overrides: dict | None, ctx: typer.Context) -> dict:
    """``files`` plus provenance.json: version, time, the command as parsed, overrides, data
    checksums."""
    from recycle.provenance import provenance

    parts = [ctx.command_path]
    for name, value in ctx.params.items():
        if value in (None, False, [], ()):
            continue
        value = getattr(value, "value", value)              # enums print as their value
        parts.append(f"{name}={value}" if value is not True else name)
    return {**files, "provenance.json": json.dumps(provenance(overrides, command=" ".join(map(str, parts))),
                                                   indent=2) + "\n"}


def _print_table(df) -> None:
    from recycle.report.terminal import print_table, table_text

    if sys.stdout.isatty():
        print_table(df)
    else:
        typer.echo(table_text(df))


@contextlib.contextmanager
def _progress(label: str, total: int | None):
    """A progress bar on stderr (drawn only on a terminal); yields ``advance(text)``."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda text="": bar.update(task, advance=1, description=f"{label} {text}".strip())


def _plan_report(planner, result, doc: dict) -> dict:
    from recycle.report.bundle import plan_files

    return plan_files(planner, result, doc)


def _compare_routes(planner, inv, routes, throughput, overrides, book, *args, keep_plans=False):
    """``compare_routes`` under a progress bar; with each route's plan when ``keep_plans``."""
    from recycle.compare import compare_routes
    from recycle.flowsheet import available_routes

    plans = {} if keep_plans else None
    with _progress("Comparing routes", len(routes or available_routes())) as advance:
        doc = compare_routes(planner, inv, routes, throughput, overrides, book, *args, progress=advance, plans=plans)
    return doc, plans or {}


ChemistryOpt = Annotated[Optional[str], typer.Option("--chemistry", "-c", help="Run one catalogue cell instead of an inventory (see `recycle chemistries`).")]
SocOpt = Annotated[Optional[float], typer.Option("--soc", help="State of charge of the --chemistry cell (0-1; default 0.1).", min=0.0, max=1.0)]
SpeciesOpt = Annotated[Optional[list[Path]], typer.Option("--species", help="YAML file of your own species (Cantera format, density, note, reactivity; see docs/methods.md), repeatable.")]
CellsOpt = Annotated[Optional[list[Path]], typer.Option("--cells", help="YAML file of your own cells (format of chemistry/cells.yaml), repeatable.")]


def _planner(species=None, cells=None):
    """The planner on the shipped data, or on an overlay with the user's species and cells."""
    from recycle.userdata import load_planner

    return load_planner(species or (), cells or ())


def _inventory(planner, inventory, chemistry, soc):
    """The inventory file, the built-in example, or one catalogue cell (--chemistry, --soc)."""
    return planner.inventory(inventory, chemistry, soc)


@app.command()
@guarded
def plan(
    ctx: typer.Context,
    inventory: InventoryArg = None,
    route: Annotated[str, typer.Option("--route", "-r", help="Route id (see `recycle routes`) or a route YAML file.")] = "direct-regeneration",
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="STEP.PARAM=VALUE, repeatable, e.g. quench.solvent=DEC.")] = None,
    basis: Annotated[Optional[str], typer.Option("--basis", "--throughput", help="Batch mass ('500 kg') or throughput ('10 t/day', '2 kg/h'); default: the inventory as one batch.")] = None,
    chemistry: ChemistryOpt = None,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
    soc: SocOpt = None,
    fmt: FormatOpt = Format.table,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write plan.json, steps.csv, streams.csv, summary.json, results.xlsx, report.html and report.md into this folder.")] = None,
    force: ForceOpt = False,
):
    """Balance a recycling route for a spent-cell inventory, step by step.

    Example: recycle plan --route direct-regeneration --set quench.solvent=DEC --basis "10 t/day"
    """
    from recycle import report

    planner = _planner(species, cells)
    overrides = _parse_sets(set_ or [])
    result = planner.plan(_inventory(planner, inventory, chemistry, soc), route, basis, overrides)
    doc = report.plan_json(result)
    steps = report.steps_table(result)
    if out is not None:
        from recycle.report.output import write_folder

        files = {"plan.json": json.dumps(doc, indent=2) + "\n", "steps.csv": _csv(steps),
                 "streams.csv": _csv(report.streams_table(result)), **_plan_report(planner, result, doc)}
        write_folder(out, _stamped(files, overrides, ctx), force)
        _err(f"wrote {out}/{', '.join(files)}")
    if fmt is Format.json:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is Format.csv:
        typer.echo(_csv(steps), nl=False)
    else:
        inv = result.inventory
        typer.echo(f"Route {result.route.id}: {inv.source}, {len(inv.rows)} rows, "
                   f"{inv.total_mass:,.1f} kg of cells; basis {result.basis.text}")
        for note in inv.notes:
            typer.echo(f"({note})")
        typer.echo("")
        _print_table(steps)
        for which, title in (("gas_formed", "Gas formed (by the feed's reactions)"),
                             ("combustion_products", "Combustion products (flare, smelter)"),
                             ("gas_emitted", "Gas emitted to stack"),
                             ("reagents", "Reagents"), ("products", "Products")):
            table = report.totals_table(result, which)
            typer.echo(f"\n{title}:")
            _print_table(table) if len(table) else typer.echo("  none")
        energy = doc["balance"]["energy"]
        typer.echo(f"\nHeat released {energy['heat_released']['value']:.4g} {energy['heat_released']['unit']}; "
                   f"enthalpy duties {energy['sum_of_step_duties']['value']:.4g} {energy['sum_of_step_duties']['unit']}; "
                   f"max relative element residual {doc['balance']['max_relative_element_residual']:.1e}")
        flags = [f"  {s['id']}: {f['code']} {f['species']} {f['amount']['value']:.3g} {f['amount']['unit']} "
                 f"(worst case {f['amount_worst_case']['value']:.3g}): {f['message']}"
                 for s in doc["steps"] for f in s["flags"] if f["code"] != "survives_rate_limit"]
        survivors = [f"{s['id']}: {f['species']} {f['amount']['value']:.3g} {f['amount']['unit']}"
                     for s in doc["steps"] for f in s["flags"] if f["code"] == "survives_rate_limit"]
        if survivors:
            flags.append("  left unreacted under a stated rate limit (see --format json): " + "; ".join(survivors))
        if flags:
            typer.echo("\nFlags:\n" + "\n".join(flags))
        notes = [f"  {s['id']}: {n}" for s in doc["steps"] for n in s["notes"]]
        if notes:
            typer.echo("\nNotes:\n" + "\n".join(notes))


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class FailOn(str, Enum):
    critical = "critical"
    warning = "warning"


@app.command()
@guarded
def audit(
    ctx: typer.Context,
    inventory: InventoryArg = None,
    route: Annotated[str, typer.Option("--route", "-r", help="Route id or route YAML file.")] = "direct-regeneration",
    throughput: ThroughputOpt = "10 t/day",
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="STEP.PARAM=VALUE, repeatable.")] = None,
    monitored: Annotated[bool, typer.Option("--monitored", help="Allow 60 % LEL (continuous monitoring and interlocks) instead of 25 %.")] = False,
    k: Annotated[Optional[float], typer.Option("--k", help="Dilution mixing factor K (1-10); default from chemistry/audit.yaml.", min=1.0, max=10.0)] = None,
    fmt: Annotated[AuditFormat, typer.Option("--format", "-f", help="Output format.")] = AuditFormat.table,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", help="Exit 1 if findings of this severity (or worse) exist; a permit limit exceeded is critical.")] = None,
    permit: Annotated[str, typer.Option("--permit", help="Emission limits the stack is checked against: EU, US or CN (chemistry/emission_limits.yaml).")] = "US",
    size_to_permit: Annotated[bool, typer.Option("--size-to-permit", help="Raise each scrubber's removal to the least that meets every limit with --permit-margin in reserve, and audit that design.")] = False,
    permit_margin: Annotated[float, typer.Option("--permit-margin", help="Share of each limit kept in reserve (0-0.9).", min=0.0, max=0.9)] = 0.1,
    chemistry: ChemistryOpt = None,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
    soc: SocOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write audit.json and audit.md into this folder.")] = None,
    force: ForceOpt = False,
):
    """Audit the gas handling of a route: gases, rates, limits, scrubber, flare, ventilation,
    and the stack against the permit's emission limits.

    Example: recycle audit cells.csv --route hydrometallurgy --throughput "10 t/day" --permit EU --size-to-permit --fail-on critical
    """
    from recycle.audit import SEVERITY
    from recycle.audit_run import run_audit
    from recycle.report.audit_tables import (
        findings_table,
        gases_table,
        markdown,
        permit_heading,
        permit_table,
        sections,
    )

    planner = _planner(species, cells)
    inv = _inventory(planner, inventory, chemistry, soc)
    _require_throughput(throughput, inv)
    overrides = _parse_sets(set_ or [])
    report, sizing = run_audit(planner, inv, route, throughput, overrides, permit, permit_margin, size_to_permit,
                               monitored, k)
    if sizing:
        _err(sizing)
    doc = report.as_dict()
    if out is not None:
        from recycle.report.output import write_folder

        write_folder(out, _stamped({"audit.json": json.dumps(doc, indent=2) + "\n", "audit.md": markdown(report)},
                                   overrides, ctx), force)
        _err(f"wrote {out}/audit.json, audit.md")
    if fmt is AuditFormat.json:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is AuditFormat.markdown:
        typer.echo(markdown(report), nl=False)
    elif fmt is AuditFormat.csv:
        typer.echo(_csv(findings_table(report)), nl=False)
    else:
        typer.echo(f"Gas-handling audit: route {report.route}, {inv.source}, throughput {report.throughput}\n")
        typer.echo("Findings:")
        _print_table(findings_table(report)) if report.findings else typer.echo("  none")
        typer.echo("\nGases by step (kg/h; vent ppm at peak, worst case):")
        _print_table(gases_table(report))
        for title, items in sections(report):
            typer.echo(f"\n{title}:")
            typer.echo("\n".join(f"  {i}" for i in items) if items else "  none")
        if report.permit:
            typer.echo(f"\n{permit_heading(report)}:")
            _print_table(permit_table(report))
            for name, why in report.permit["not_pollutants"].items():
                typer.echo(f"  {name}: not a regulated pollutant ({why})")
    worst = report.worst_severity()
    if fail_on is not None and worst is not None and SEVERITY[worst] <= SEVERITY[fail_on.value]:
        _err(f"audit: {sum(SEVERITY[f.severity] <= SEVERITY[fail_on.value] for f in report.findings)} "
             f"finding(s) at or above '{fail_on.value}'")
        raise typer.Exit(1)


@app.command()
@guarded
def compare(
    ctx: typer.Context,
    inventory: InventoryArg = None,
    routes_: Annotated[Optional[list[str]], typer.Option("--routes", "--route", "-r", help="Routes to compare (repeatable); default: all shipped routes.")] = None,
    throughput: ThroughputOpt = "10 t/day",
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="STEP.PARAM=VALUE, applied to every route that has the step.")] = None,
    prices: PricesOpt = None,
    chemistry: Annotated[Optional[str], typer.Option("--chemistry", "-c", help="Compare for one catalogue cell instead of an inventory (see `recycle chemistries`).")] = None,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
    soc: Annotated[Optional[float], typer.Option("--soc", help="State of charge of the --chemistry cell (0-1; default 0.1).", min=0.0, max=1.0)] = None,
    region: Annotated[str, typer.Option("--region", help="Grid region for indirect emissions (US, EU, China, World).")] = "US",
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples over every input with a range (0: none).", min=0)] = 0,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Random seed of the Monte Carlo (same seed, same result).")] = None,
    fmt: FormatOpt = Format.table,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write compare.json, compare.csv, compare.png, summary.json, report.html and report.md into this folder.")] = None,
    force: ForceOpt = False,
):
    """Compare recycling routes side by side: process-safety risk (scenarios), economics and footprint.

    Prices: --prices FILE overrides any subset; --set price.Li2CO3="12 USD/kg" overrides one.

    Example: recycle compare --chemistry LPSCL-NCM811-LI --routes direct-regeneration --routes hydrometallurgy --set price.Li2CO3="12 USD/kg"
    """
    from recycle.prices import load_prices
    from recycle.report.comparison import (
        compare_json,
        compare_table,
        monte_carlo_heading,
        monte_carlo_table,
        route_lines,
    )

    planner = _planner(species, cells)
    inv = _inventory(planner, inventory, chemistry, soc)
    _require_throughput(throughput, inv)
    overrides = _parse_sets(set_ or [], prices_allowed=True)
    book = load_prices(planner.db.directory, prices, overrides.pop("price", None))
    comparison, plans = _compare_routes(planner, inv, routes_, throughput, overrides, book, region,
                                        keep_plans=out is not None)
    if samples:
        from recycle.uncertainty import monte_carlo_comparison

        with _progress("Monte Carlo: runs per uncertain input", None) as advance:
            comparison = monte_carlo_comparison(comparison, planner, inv, throughput, overrides, book, samples, seed,
                                                region, advance)
    doc = compare_json(comparison)
    table = compare_table(comparison)
    if out is not None:
        from recycle.report.charts import compare_chart
        from recycle.report.html import compare_report
        from recycle.report.output import write_folder

        chart = compare_chart(comparison)
        files = {"compare.json": json.dumps(doc, indent=2) + "\n", "compare.csv": _csv(table),
                 "compare.png": chart, "summary.json": json.dumps(doc, indent=2) + "\n",
                 **compare_report(comparison, chart, plans)}
        write_folder(out, _stamped(files, overrides, ctx), force)
        _err(f"wrote {out}/{', '.join(files)}")
    if fmt is Format.json:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is Format.csv:
        typer.echo(_csv(table), nl=False)
    else:
        typer.echo(f"Route comparison: {inv.source}, throughput {throughput}\n")
        _print_table(table)
        if comparison.monte_carlo is not None:
            typer.echo(monte_carlo_heading(comparison.monte_carlo, samples, seed))
            _print_table(monte_carlo_table(comparison.monte_carlo))
        for line in route_lines(comparison):
            typer.echo(line)


@app.command()
@guarded
def sensitivity(
    ctx: typer.Context,
    inventory: InventoryArg = None,
    route: Annotated[str, typer.Option("--route", "-r", help="Route id or route YAML file.")] = "direct-regeneration",
    throughput: ThroughputOpt = "10 t/day",
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="STEP.PARAM=VALUE or price.NAME=VALUE, repeatable.")] = None,
    prices: PricesOpt = None,
    chemistry: ChemistryOpt = None,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
    soc: SocOpt = None,
    top: Annotated[int, typer.Option("--top", help="Show the N largest swings.", min=1)] = 15,
    fmt: FormatOpt = Format.table,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write sensitivity.json, sensitivity.csv and tornado.png into this folder.")] = None,
    force: ForceOpt = False,
):
    """One-at-a-time sensitivity (tornado) of net value and safety score for one route.

    Every process parameter with a range in chemistry/step_types.yaml and every price with a range is moved
    to its low and high value, the others held at base.

    Example: recycle sensitivity --route hydrometallurgy --throughput "10 t/day" --top 10
    """
    import pandas as pd

    from recycle.prices import load_prices
    from recycle.uncertainty import route_model, tornado

    planner = _planner(species, cells)
    inv = _inventory(planner, inventory, chemistry, soc)
    _require_throughput(throughput, inv)
    overrides = _parse_sets(set_ or [], prices_allowed=True)
    book = load_prices(planner.db.directory, prices, overrides.pop("price", None))
    with _progress("Sensitivity runs", None) as advance:
        model = route_model(planner, inv, route, throughput, overrides, book, advance)
    rows = tornado(model, book, top)
    table = pd.DataFrame([{"input": r["input"], "low": r["low"], "high": r["high"],
                           "net value low [USD/kg]": r["net_value_low"], "net value high [USD/kg]": r["net_value_high"],
                           "safety low": r["safety_low"], "safety high": r["safety_high"]} for r in rows])
    usd = lambda v: {"value": v, "unit": "USD/kg"}  # noqa: E731
    pts = lambda v: {"value": v, "unit": "points"}  # noqa: E731
    doc = {"route": model.route, "throughput": throughput,
           "net_value_base": usd(rows[0]["net_value_base"] if rows else None), "safety_base": pts(model.safety),
           "inputs": [{"input": r["input"], "kind": r["kind"], "low": r["low"], "high": r["high"],
                       "net_value_low": usd(r["net_value_low"]), "net_value_high": usd(r["net_value_high"]),
                       "safety_low": pts(r["safety_low"]), "safety_high": pts(r["safety_high"]),
                       "source": r["source"]} for r in rows]}
    if out is not None:
        from recycle.report.output import write_folder
        from recycle.report.sensitivity_chart import tornado_png

        write_folder(out, _stamped({"sensitivity.json": json.dumps(doc, indent=2) + "\n", "sensitivity.csv": _csv(table),
                                    "tornado.png": tornado_png(rows, model.route)}, overrides, ctx), force)
        _err(f"wrote {out}/sensitivity.json, sensitivity.csv, tornado.png")
    if fmt is Format.json:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is Format.csv:
        typer.echo(_csv(table), nl=False)
    else:
        base = doc["net_value_base"]["value"]
        typer.echo(f"Sensitivity of route {model.route} at {throughput}: net value {base:.4g} USD/kg, safety {model.safety}\n")
        _print_table(table)


@app.command()
@guarded
def routes(
    chemistry: Annotated[Optional[str], typer.Option("--chemistry", "-c", help="Say which routes apply to this catalogue cell, and why others do not.")] = None,
    soc: Annotated[float, typer.Option("--soc", help="State of charge of the cell for --chemistry (0-1).", min=0.0, max=1.0)] = 0.1,
    fmt: FormatOpt = Format.table,
    export: Annotated[Optional[str], typer.Option("--export", help="Write this shipped route's YAML (to edit and pass back with --route FILE); to stdout, or to --out.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="File for --export (refused if it exists, unless --force).")] = None,
    force: ForceOpt = False,
):
    """List the shipped routes, one line each, judge them for one chemistry, or export one.

    Example: recycle routes --export hydrometallurgy --out my-route.yaml
    """
    from recycle.errors import InputError, closest
    from recycle.flowsheet import available_routes, load_route

    if export is not None:
        shipped = available_routes()
        if export not in shipped:
            raise InputError("--export", f"unknown route {export!r}; {closest(export, shipped)}")
        text = (f"# recycle route, exported from the shipped route '{export}'. Edit it and run it with\n"
                f"# recycle plan --route FILE. Format: flowsheets/route.schema.json (JSON Schema) and docs/methods.md.\n"
                + shipped[export].read_text())
        if out is None:
            typer.echo(text, nl=False)
        else:
            if out.exists() and not force:
                raise InputError("--out", f"{out} exists; use --force to replace it")
            out.write_text(text)
            typer.echo(f"wrote {out}", err=True)
        return
    if out is not None:
        raise InputError("--out", "applies to --export")
    if chemistry is None:
        rows = []
        for rid in available_routes():
            r = load_route(rid)
            rows.append({"route": rid, "steps": " -> ".join(r.order()),
                         "description": r.description.split(". ")[0].replace("\n", " ") + "."})
        _emit(fmt, rows, [f"{r['route']:24s} {r['steps']}: {r['description']}" for r in rows])
        return
    from recycle import Planner
    from recycle.applicability import fits

    planner = Planner.load()
    if chemistry not in planner.catalogue:
        raise InputError("--chemistry", f"unknown chemistry {chemistry!r}; {closest(chemistry, planner.catalogue)}")
    found = fits(planner, chemistry, soc)
    rows = [{"route": f.route, "status": f.status, "reasons": "; ".join(f.reasons)} for f in found]
    lines = []
    for f in found:
        lines += [f"{f.route:24s} {f.status}"] + [f"    {reason}" for reason in f.reasons]
    _emit(fmt, rows, lines)


@app.command()
@guarded
def steps(
    step_type: Annotated[Optional[str], typer.Argument(help="Show the parameters of this step type.")] = None,
    fmt: FormatOpt = Format.table,
):
    """List the step types, or the parameters of one with defaults and sources.

    Example: recycle steps quench
    """
    from recycle.errors import InputError, closest
    from recycle.steps import STEP_TYPES

    if step_type is None:
        rows = [{"type": name, "inlets": ", ".join(cls.inlets), "outlets": ", ".join(cls.outlets),
                 "summary": cls.summary} for name, cls in STEP_TYPES.items()]
        _emit(fmt, rows, [f"{r['type']:20s} {r['summary']}" for r in rows])
        return
    if step_type not in STEP_TYPES:
        raise InputError("steps", f"unknown step type {step_type!r}; {closest(step_type, STEP_TYPES)}")
    cls = STEP_TYPES[step_type]
    rows = [{"parameter": p.name, "kind": p.kind, "default": str(p.default),
             "unit_or_choices": p.dimension or "|".join(p.choices), "meaning": p.doc, "source": p.source}
            for p in cls.params]
    lines = [f"{step_type}: {cls.summary}", f"inlets: {', '.join(cls.inlets)}; outlets: {', '.join(cls.outlets)}", ""]
    lines += [f"  {p.describe()}" + (f" [{p.source}]" if p.source else "") for p in cls.params]
    _emit(fmt, rows, lines)


@app.command()
@guarded
def chemistries(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format (json adds each bill of materials).")] = Format.table,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
):
    """List the catalogue cells, one line each (family, specific energy).

    Example: recycle chemistries --format json
    """
    planner = _planner(species, cells)
    rows, lines = [], []
    for cid, cell in planner.catalogue.items():
        rows.append({"id": cid, "name": cell.name, "family": cell.family,
                     "specific_energy": {"value": cell.specific_energy / 3600, "unit": "Wh/kg"},
                     "voltage": {"value": cell.voltage, "unit": "V"},
                     "bill_of_materials_soc0": {sp: {"value": kg, "unit": "kg/kg"}
                                                for sp, kg in cell.bill_of_materials(0.0, planner.db).items()},
                     "assumptions": cell.assumptions})
        lines.append(f"{cid:18s} {cell.name:28s} {cell.family:8s} {cell.specific_energy / 3600:5.0f} Wh/kg")
    flat = [{"id": r["id"], "name": r["name"], "family": r["family"],
             "specific energy [Wh/kg]": r["specific_energy"]["value"], "voltage [V]": r["voltage"]["value"]} for r in rows]
    _emit(fmt, rows, lines, flat)


def _emit(fmt: Format, rows: list[dict], lines: list[str], flat: list[dict] | None = None) -> None:
    """Print ``lines`` (table), ``rows`` as JSON, or ``flat`` (default ``rows``) as CSV."""
    if fmt is Format.json:
        typer.echo(json.dumps(rows, indent=2))
    elif fmt is Format.csv:
        import pandas as pd

        typer.echo(_csv(pd.DataFrame(flat if flat is not None else rows)), nl=False)
    else:
        typer.echo("\n".join(lines))


@inventory_app.command("check")
@guarded
def inventory_check(
    file: InventoryArg = None,
    fmt: FormatOpt = Format.table,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
):
    """Validate an inventory and summarise it by species and by element.

    Example: recycle inventory check cells.csv --format json
    """
    from recycle.report.inventory_summary import summarise

    planner = _planner(species, cells)
    inv = planner.read_inventory(file)
    by_species, elements, doc = summarise(inv, planner.db)
    if fmt is Format.json:
        typer.echo(json.dumps(doc, indent=2))
    elif fmt is Format.csv:
        typer.echo(_csv(by_species), nl=False)
    else:
        typer.echo(f"{inv.source}: {len(inv.rows)} rows, {inv.total_mass:,.2f} kg of cells\n")
        _print_table(by_species)
        typer.echo("")
        _print_table(elements)


def main() -> None:
    """Console entry point: usage errors are one line on stderr with exit code 2."""
    try:                                       # Typer >= 0.2x vendors click; older ones use it
        from typer._click.exceptions import UsageError
    except ImportError:
        from click.exceptions import UsageError

    try:
        code = app(standalone_mode=False)
    except UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":      # bare `recycle`: the help, as before
            typer.echo(exc.format_message(), err=True)
            sys.exit(2)
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx else "recycle"
        typer.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    sys.exit(main())
