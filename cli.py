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
RouteOpt = Annotated[str, typer.Option("--route", "-r", help="Route id (see `recycle routes`) or a route YAML file.")]
ChemistryOpt = Annotated[Optional[str], typer.Option("--chemistry", "-c", help="Run one catalogue cell instead of an inventory (see `recycle chemistries`).")]
SocOpt = Annotated[Optional[float], typer.Option("--soc", help="State of charge of the --chemistry cell (0-1; default 0.1).", min=0.0, max=1.0)]
SpeciesOpt = Annotated[Optional[list[Path]], typer.Option("--species", help="YAML file of your own species (Cantera format, density, note, reactivity; see docs/methods.md), repeatable.")]
CellsOpt = Annotated[Optional[list[Path]], typer.Option("--cells", help="YAML file of your own cells (format of chemistry/cells.yaml), repeatable.")]


def _out(help_: str):
    return Annotated[Optional[Path], typer.Option("--out", help=help_)]


def _sets(help_: str):
    return Annotated[Optional[list[str]], typer.Option("--set", help=help_)]


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


def _csv(table) -> str:
    from recycle.report.output import safe_csv

    return safe_csv(table)


def _json(doc) -> str:
    return json.dumps(doc, indent=2)


def _show(blocks) -> None:
    """Print report blocks: lines of text, and tables fitted to a terminal (plain when piped)."""
    from recycle.report.terminal import rich_table, table_text

    for block in blocks:
        if isinstance(block, str):
            typer.echo(block)
        elif sys.stdout.isatty():
            from rich.console import Console

            Console().print(rich_table(block))
        else:
            typer.echo(table_text(block))


def _output(fmt: Format, doc, table, text) -> None:
    """Print ``doc`` as JSON, ``table`` as CSV, or the blocks ``text()`` makes (--format)."""
    if fmt is Format.json:
        typer.echo(_json(doc))
    elif fmt is Format.csv:
        typer.echo(_csv(table), nl=False)
    else:
        _show(text())


def _write(out: Path, files: dict, overrides: dict | None, ctx: typer.Context, force: bool) -> None:
    """Write ``files`` and provenance.json (version, time, command, overrides, checksums) to ``out``."""
    from recycle.provenance import command_line, provenance
    from recycle.report.output import write_folder

    stamp = provenance(overrides, command=command_line(ctx.command_path, ctx.params))
    write_folder(out, {**files, "provenance.json": _json(stamp) + "\n"}, force)
    _err(f"wrote {out}/{', '.join(files)}")


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


def _setup(species, cells, inventory, chemistry, soc, sets, throughput=None, prices_allowed=False):
    """(planner, inventory, overrides): the shipped data or the user's overlay; the inventory file,
    the example or one catalogue cell; --set parsed (and a throughput required when given)."""
    from recycle.inventory import require_throughput
    from recycle.overrides import parse_sets
    from recycle.userdata import load_planner

    planner = load_planner(species or (), cells or ())
    inv = planner.inventory(inventory, chemistry, soc)
    if throughput is not None:
        require_throughput(throughput, inv)
    return planner, inv, parse_sets(sets or [], prices_allowed)


def _prices(planner, prices, overrides):
    from recycle.prices import load_prices

    return load_prices(planner.db.directory, prices, overrides.pop("price", None))


@app.command()
@guarded
def plan(
    ctx: typer.Context,
    inventory: InventoryArg = None,
    route: RouteOpt = "direct-regeneration",
    set_: _sets("STEP.PARAM=VALUE, repeatable, e.g. quench.solvent=DEC.") = None,
    basis: Annotated[Optional[str], typer.Option("--basis", "--throughput", help="Batch mass ('500 kg') or throughput ('10 t/day', '2 kg/h'); default: the inventory as one batch.")] = None,
    chemistry: ChemistryOpt = None,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
    soc: SocOpt = None,
    fmt: FormatOpt = Format.table,
    out: _out("Write plan.json, steps.csv, streams.csv, summary.json, results.xlsx, report.html and report.md into this folder.") = None,
    force: ForceOpt = False,
):
    """Balance a recycling route for a spent-cell inventory, step by step.

    Example: recycle plan --route direct-regeneration --set quench.solvent=DEC --basis "10 t/day"
    """
    from recycle import report

    planner, inv, overrides = _setup(species, cells, inventory, chemistry, soc, set_)
    result = planner.plan(inv, route, basis, overrides)
    doc = report.plan_json(result)
    steps = report.steps_table(result)
    if out is not None:
        from recycle.report.bundle import plan_files

        _write(out, {"plan.json": _json(doc) + "\n", "steps.csv": _csv(steps),
                     "streams.csv": _csv(report.streams_table(result)), **plan_files(planner, result, doc)},
               overrides, ctx, force)
    from recycle.report.text import plan_text

    _output(fmt, doc, steps, lambda: plan_text(result, doc, steps))


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
    set_: _sets("STEP.PARAM=VALUE, repeatable.") = None,
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
    out: _out("Write audit.json and audit.md into this folder.") = None,
    force: ForceOpt = False,
):
    """Audit the gas handling of a route: gases, rates, limits, scrubber, flare, ventilation,
    and the stack against the permit's emission limits.

    Example: recycle audit cells.csv --route hydrometallurgy --throughput "10 t/day" --permit EU --size-to-permit --fail-on critical
    """
    from recycle.audit_run import run_audit
    from recycle.report.audit_tables import audit_json, findings_table, markdown

    planner, inv, overrides = _setup(species, cells, inventory, chemistry, soc, set_, throughput)
    report, sizing = run_audit(planner, inv, route, throughput, overrides, permit, permit_margin, size_to_permit,
                               monitored, k)
    if sizing:
        _err(sizing)
    doc = audit_json(report)
    if out is not None:
        _write(out, {"audit.json": _json(doc) + "\n", "audit.md": markdown(report)}, overrides, ctx, force)
    if fmt is AuditFormat.json:
        typer.echo(_json(doc))
    elif fmt is AuditFormat.markdown:
        typer.echo(markdown(report), nl=False)
    elif fmt is AuditFormat.csv:
        typer.echo(_csv(findings_table(report)), nl=False)
    else:
        from recycle.report.text import audit_text

        _show(audit_text(report, inv.source))
    failing = report.at_or_above(fail_on.value) if fail_on is not None else []
    if failing:
        _err(f"audit: {len(failing)} finding(s) at or above '{fail_on.value}'")
        raise typer.Exit(1)


@app.command()
@guarded
def compare(
    ctx: typer.Context,
    inventory: InventoryArg = None,
    routes_: Annotated[Optional[list[str]], typer.Option("--routes", "--route", "-r", help="Routes to compare (repeatable); default: all shipped routes.")] = None,
    throughput: ThroughputOpt = "10 t/day",
    set_: _sets("STEP.PARAM=VALUE, applied to every route that has the step.") = None,
    prices: PricesOpt = None,
    chemistry: Annotated[Optional[str], typer.Option("--chemistry", "-c", help="Compare for one catalogue cell instead of an inventory (see `recycle chemistries`).")] = None,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
    soc: SocOpt = None,
    region: Annotated[str, typer.Option("--region", help="Grid region for indirect emissions (US, EU, China, World).")] = "US",
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples over every input with a range (0: none; a --set parameter is held); each sample planned in full: its net value, GHG, route risk and safety index.", min=0)] = 0,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Random seed of the Monte Carlo (same seed, same result).")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="Monte Carlo by the first-order surrogate (for 10^5 samples and more); its error is measured on an exact run of 256 samples.")] = False,
    fmt: FormatOpt = Format.table,
    out: _out("Write compare.json, compare.csv, compare.png, summary.json, report.html and report.md (and monte_carlo.csv with --samples) into this folder.") = None,
    force: ForceOpt = False,
):
    """Compare recycling routes side by side: process-safety risk (scenarios), economics and footprint.

    Prices: --prices FILE overrides any subset; --set price.Li2CO3="12 USD/kg" overrides one.

    Example: recycle compare --chemistry LPSCL-NCM811-LI --routes direct-regeneration --routes hydrometallurgy --set price.Li2CO3="12 USD/kg"
    """
    from recycle.compare import compare_routes
    from recycle.flowsheet import available_routes
    from recycle.report.comparison import compare_json, compare_table

    if fast and not samples:
        from recycle.errors import InputError

        raise InputError("--fast", "chooses how the Monte Carlo is evaluated: give --samples N as well")
    planner, inv, overrides = _setup(species, cells, inventory, chemistry, soc, set_, throughput, prices_allowed=True)
    book = _prices(planner, prices, overrides)
    plans = {} if out is not None else None
    with _progress("Comparing routes", len(routes_ or available_routes())) as advance:
        comparison = compare_routes(planner, inv, routes_, throughput, overrides, book, region, advance, plans)
    if samples:
        import os

        from recycle.uncertainty import ERROR_SAMPLES, monte_carlo_comparison

        exact = min(samples, ERROR_SAMPLES) if fast else samples
        workers = min(2, os.cpu_count() or 1)
        with _progress("Monte Carlo: runs per uncertain input", None) as advance, \
                _progress("Monte Carlo: exact samples", exact * len(comparison.routes)) as tick:
            comparison = monte_carlo_comparison(comparison, planner, inv, throughput, overrides, book, samples, seed,
                                                region, advance, fast=fast, workers=workers, sample_progress=tick)
    doc = compare_json(comparison)
    table = compare_table(comparison)
    if out is not None:
        from recycle.report.charts import compare_chart
        from recycle.report.html import compare_report

        chart = compare_chart(comparison)
        files = {"compare.json": _json(doc) + "\n", "compare.csv": _csv(table), "compare.png": chart,
                 "summary.json": _json(doc) + "\n", **compare_report(comparison, chart, plans)}
        if comparison.monte_carlo is not None:
            from recycle.report.comparison import monte_carlo_table

            files["monte_carlo.csv"] = _csv(monte_carlo_table(comparison.monte_carlo))
        _write(out, files, overrides, ctx, force)
    if fmt == Format.csv and comparison.monte_carlo is not None:
        typer.echo("--format csv prints the comparison table; the Monte Carlo is in --format json "
                   "(and --out writes monte_carlo.csv)", err=True)
    from recycle.report.text import compare_text

    _output(fmt, doc, table, lambda: compare_text(comparison, table, inv.source, samples, seed))


@app.command()
@guarded
def sensitivity(
    ctx: typer.Context,
    inventory: InventoryArg = None,
    route: Annotated[str, typer.Option("--route", "-r", help="Route id or route YAML file.")] = "direct-regeneration",
    throughput: ThroughputOpt = "10 t/day",
    set_: _sets("STEP.PARAM=VALUE or price.NAME=VALUE, repeatable.") = None,
    prices: PricesOpt = None,
    chemistry: ChemistryOpt = None,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
    soc: SocOpt = None,
    top: Annotated[int, typer.Option("--top", help="Show the N largest swings.", min=1)] = 15,
    fmt: FormatOpt = Format.table,
    out: _out("Write sensitivity.json, sensitivity.csv and tornado.png into this folder.") = None,
    force: ForceOpt = False,
    sobol: Annotated[int, typer.Option("--sobol", help="Also Sobol indices of net value from N base samples (a power of 2, e.g. 1024); 0 for none.", min=0)] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Sobol and exact Monte Carlo samples.")] = 1,
    exact: Annotated[int, typer.Option("--exact", help="Also plan N Monte Carlo samples in full and report the surrogate's error on them.", min=0)] = 0,
):
    """One-at-a-time sensitivity (tornado) of net value and safety score for one route; with
    --sobol, global (Sobol) indices beside it.

    Every process parameter with a range in chemistry/step_types.yaml and every price with a range is moved
    to its low and high value, the others held at base.

    Example: recycle sensitivity --route hydrometallurgy --throughput "10 t/day" --top 10 --sobol 1024
    """
    from recycle.report.jsondoc import to_json
    from recycle.report.sensitivity import sensitivity_json, sensitivity_table
    from recycle.uncertainty import route_model, tornado

    if sobol and sobol & (sobol - 1):
        from recycle.errors import InputError

        raise InputError("--sobol", f"{sobol} is not a power of 2 (Sobol' sequence); e.g. 512, 1024, 4096")
    planner, inv, overrides = _setup(species, cells, inventory, chemistry, soc, set_, throughput, prices_allowed=True)
    book = _prices(planner, prices, overrides)
    with _progress("Sensitivity runs", None) as advance:
        model = route_model(planner, inv, route, throughput, overrides, book, advance)
    rows = tornado(model, book, top)
    doc = sensitivity_json(model.route, throughput, model.safety, rows)
    table = sensitivity_table(rows)
    extra = _global_sensitivity(planner, inv, route, throughput, overrides, book, model, sobol, exact, seed)
    doc.update({key: to_json(result) for key, result in extra.items()})
    if out is not None:
        from recycle.report.sensitivity import sobol_table
        from recycle.report.sensitivity_chart import tornado_png

        files = {"sensitivity.json": _json(doc) + "\n", "sensitivity.csv": _csv(table),
                 "tornado.png": tornado_png(rows, model.route)}
        if "sobol" in extra:
            files["sobol.csv"] = _csv(sobol_table(extra["sobol"]))
        _write(out, files, overrides, ctx, force)
    if fmt is Format.csv and extra:
        typer.echo("--format csv prints the one-at-a-time table; the Sobol indices and the exact Monte Carlo "
                   "are in --format json (and --out writes sobol.csv)", err=True)
    from recycle.report.text import global_sensitivity_text, sensitivity_text

    _output(fmt, doc, table, lambda: sensitivity_text(doc, table, model.safety) + global_sensitivity_text(extra, top))


def _global_sensitivity(planner, inv, route, throughput, overrides, book, model, sobol: int, exact: int,
                        seed: int) -> dict:
    """Sobol indices (``sobol`` base samples) and the exact Monte Carlo check (``exact`` samples)."""
    out = {}
    if sobol:
        from recycle.sobol import sobol_indices

        out["sobol"] = sobol_indices(model, book, sobol, seed)
    if exact:
        import os

        from recycle.exact_mc import exact_monte_carlo

        with _progress("Exact Monte Carlo samples", exact) as advance:
            out["exact_monte_carlo"] = exact_monte_carlo(planner, inv, route, throughput, overrides, book, exact,
                                                         seed, progress=advance, model=model,
                                                         workers=min(2, os.cpu_count() or 1))
    return out


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
    from recycle.errors import InputError

    if export is not None:
        from recycle.flowsheet import export_route

        text = export_route(export)
        if out is None:
            typer.echo(text, nl=False)
            return
        if out.exists() and not force:
            raise InputError("--out", f"{out} exists; use --force to replace it")
        out.write_text(text)
        _err(f"wrote {out}")
        return
    if out is not None:
        raise InputError("--out", "applies to --export")
    from recycle.report.listings import fits_listing, routes_listing

    if chemistry is None:
        _emit(fmt, *routes_listing())
        return
    from recycle import Planner
    from recycle.applicability import fits

    _emit(fmt, *fits_listing(fits(Planner.load(), chemistry, soc)))


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
    from recycle.report.listings import step_type_listing, step_types_listing
    from recycle.steps import STEP_TYPES

    if step_type is None:
        _emit(fmt, *step_types_listing(STEP_TYPES))
    elif step_type not in STEP_TYPES:
        raise InputError("steps", f"unknown step type {step_type!r}; {closest(step_type, STEP_TYPES)}")
    else:
        _emit(fmt, *step_type_listing(step_type, STEP_TYPES[step_type]))


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
    from recycle.report.listings import cells_listing
    from recycle.userdata import load_planner

    _emit(fmt, *cells_listing(load_planner(species or (), cells or ())))


def _emit(fmt: Format, rows: list[dict], lines: list[str], flat: list[dict] | None = None) -> None:
    """Print ``lines`` (table), ``rows`` as JSON, or ``flat`` (default ``rows``) as CSV."""
    if fmt is Format.json:
        typer.echo(_json(rows))
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
    from recycle.report.text import inventory_text
    from recycle.userdata import load_planner

    planner = load_planner(species or (), cells or ())
    inv = planner.read_inventory(file)
    by_species, elements, doc = summarise(inv, planner.db)
    _output(fmt, doc, by_species, lambda: inventory_text(inv, by_species, elements))


@app.command()
@guarded
def sweep(
    grid: Annotated[Optional[Path], typer.Argument(help="Grid file (YAML); the built-in example grid when omitted.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for parts/ (one Parquet file per scenario) and results.parquet.")] = Path("sweep"),
    workers: Annotated[int, typer.Option("--workers", min=1, help="Local Dask worker processes.")] = 2,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Address of a running Dask scheduler (tcp://host:8786) instead of a local cluster.")] = None,
    fmt: FormatOpt = Format.table,
    species: SpeciesOpt = None,
    cells: CellsOpt = None,
):
    """Run a grid of scenarios (inventories x routes x parameter sets x prices x regions) on Dask
    and write one Parquet row per scenario and case; finished scenarios are kept and reused.

    Example: recycle sweep grid.yaml --out sweep --workers 2
    """
    from recycle.sweep import example_grid_path, load_grid
    from recycle.sweep import sweep as run_sweep
    from recycle.userdata import load_planner

    loaded = load_grid(grid or example_grid_path(), load_planner(species or (), cells or ()))
    with _progress("Sweep: scenarios", len(loaded.scenarios)) as advance:
        seen = [0]

        def tick(done: int, total: int) -> None:      # scenarios reused count at once
            for _ in range(done - seen[0]):
                advance()
            seen[0] = done

        done = run_sweep(loaded, out, workers, scheduler, progress=tick)
    if fmt is Format.json:
        typer.echo(_json(done))
    else:
        _err(f"{done['scenarios']} scenarios ({done['computed']} computed, {done['reused']} reused), "
             f"{done['rows']} rows")
        typer.echo(done["results"])


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
