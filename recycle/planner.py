"""The library entry point: load the data once, then plan routes for inventories.

    >>> planner = Planner.load()
    >>> result = planner.plan(route="direct-regeneration")          # built-in example
    >>> result.max_relative_element_residual() < 1e-9
    True
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .cases import CASES, Case
from .cells import CellDesign, load_catalogue
from .chemistry import ChemistryDB
from .errors import InputError
from .flowsheet import Route, load_route
from .inventory import (
    Basis,
    Inventory,
    InventoryRow,
    feed_amounts,
    parse_basis,
    read_inventory,
)
from .moisture import MoistureModel, load_moisture_model
from .reactions import Reaction, load_reactions
from .reactivity import Reactivity, load_reactivity
from .simulate import RouteResult, simulate
from .step_types import step_facts
from .steps import Context
from .yamlio import load_yaml_file


def example_inventory_path() -> Path:
    """The built-in example inventory (sulfide pouch cells at mixed state of charge)."""
    return Path(str(resources.files("recycle.examples").joinpath("inventory.csv")))


@dataclass(repr=False)
class Planner:
    """Chemistry data, reactions, cell catalogue and models, loaded once and passed around."""

    db: ChemistryDB
    reactions: dict[str, Reaction]
    catalogue: dict[str, CellDesign]
    moisture: MoistureModel
    regeneration: dict
    reactivity: Reactivity

    def __repr__(self) -> str:
        return f"Planner({self.db!r}, {len(self.reactions)} reactions, {len(self.catalogue)} cells)"

    @classmethod
    def load(cls, chemistry_dir: Path | str | None = None) -> "Planner":
        db = ChemistryDB.load(chemistry_dir)
        reactions = load_reactions(db)
        regen = load_yaml_file(db.directory / "regeneration.yaml", "chemistry/regeneration.yaml")
        electrolytes = regen.get("electrolytes") or {}
        for name in electrolytes:
            if name not in db.index:
                raise InputError(f"chemistry/regeneration.yaml: electrolytes.{name}", "unknown species")
        step_facts(db)          # every step type's facts are present and well formed
        return cls(db, reactions, load_catalogue(db), load_moisture_model(db, reactions), electrolytes,
                   load_reactivity(db, reactions))

    @property
    def operating_year(self) -> float:
        """Seconds of operation in a year (equipment.yaml general.operating_days): the year of a
        throughput given per year, and of the economics."""
        from .capital import operating_seconds

        return operating_seconds(self.db.data("equipment.yaml"))

    def context(self, rate_basis: bool, worst_case=(False,), batch_equilibria: bool = False) -> Context:
        """Context for a run; ``worst_case`` flags the batch rows that are worst cases;
        ``batch_equilibria``: Context.batch_equilibria."""
        return Context(self.db, self.reactions, self.moisture, self.regeneration, rate_basis,
                       np.asarray(worst_case, dtype=bool), reactivity=self.reactivity,
                       batch_equilibria=batch_equilibria)

    def read_inventory(self, path=None) -> Inventory:
        """Read an inventory: a CSV or YAML file, a pandas DataFrame or a list of dicts with the
        CSV's columns (read through the same checks, as a CSV would be); ``None`` gives the
        built-in example."""
        if path is not None and not isinstance(path, (str, Path)):
            return self._read_table(path)
        if path is None:
            inv = read_inventory(example_inventory_path(), self.db, self.catalogue)
            inv.source = "built-in example"
            return inv
        inv = read_inventory(path, self.db, self.catalogue)
        self._refuse_self_reacting(inv)
        return inv

    def _read_table(self, table) -> Inventory:
        """An inventory given as a DataFrame or a list of dicts, checked as its CSV would be."""
        import tempfile

        import pandas as pd

        if isinstance(table, list) and all(isinstance(r, dict) for r in table):
            table = pd.DataFrame(table)
        if not isinstance(table, pd.DataFrame):
            raise InputError("inventory", f"expected a file path, a DataFrame or a list of dicts, "
                             f"got {type(table).__name__}")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "inventory.csv"
            table.to_csv(path, index=False)
            try:
                inv = read_inventory(path, self.db, self.catalogue)
            except InputError as exc:
                raise InputError(exc.where.replace(str(path), "inventory (DataFrame)"), exc.message) from None
        inv.source = "DataFrame"
        self._refuse_self_reacting(inv)
        return inv

    SOLVENT_MEDIA = {"H2O(L)": "water", "C2H5OH(L)": "ethanol", "C3H7OH(L)": "isopropanol"}

    def _refuse_self_reacting(self, inv: Inventory) -> None:
        """A bill of materials whose own components react with each other (Li metal and water)
        describes nothing a plant can receive: refused, naming the row and the reaction."""
        for row in inv.rows:
            for solvent, medium in self.SOLVENT_MEDIA.items():
                if row.composition.get(solvent, 0.0) <= 0:
                    continue
                for species in row.composition:
                    b = self.reactivity.behaviour(species, medium, 298.15)
                    if species != solvent and b.extent == "complete":
                        raise InputError(f"{inv.source}: {row.label}",
                                         f"{species} and {solvent} in one bill of materials react "
                                         f"({', '.join(b.reactions)}): no cell holds both; plan them as separate "
                                         "inventories, or quench the metal first")

    def cell_inventory(self, cell_id: str, soc: float, where: str = "--chemistry") -> Inventory:
        """An inventory of one catalogue cell at state of charge ``soc`` (1 t; scale with the basis)."""
        from .errors import closest

        if cell_id not in self.catalogue:
            raise InputError(where, f"unknown chemistry {cell_id!r}; {closest(cell_id, self.catalogue)}")
        if not 0.0 <= soc <= 1.0:
            raise InputError("--soc", f"state of charge {soc} is outside 0-1")
        cell = self.catalogue[cell_id]
        row = InventoryRow(cell.name, cell_id, 1000.0, soc, cell.bill_of_materials(soc, self.db), cell.specific_energy)
        return Inventory(f"{cell.name} at state of charge {soc:g}", [row])

    def inventory(self, inventory=None, cell: str | None = None, soc: float | None = None) -> Inventory:
        """The inventory to plan: a file, DataFrame or list of dicts, the built-in example (None), or
        one catalogue ``cell`` at state of charge ``soc`` (default 0.1); not both."""
        if cell is not None and inventory is not None:
            raise InputError("--chemistry", "give an inventory file or --chemistry, not both")
        if soc is not None and cell is None:
            raise InputError("--soc", "applies to a --chemistry cell; an inventory gives each row its own soc")
        return self.cell_inventory(cell, 0.1 if soc is None else soc) if cell else self.read_inventory(inventory)

    def plan(self, inventory: Inventory | str | Path | None = None, route: Route | str = "direct-regeneration",
             basis: str | None = None, overrides: dict[str, dict[str, str]] | None = None) -> RouteResult:
        """Balances of ``route`` for ``inventory`` on ``basis`` (batch mass or throughput).

        ``overrides`` sets step parameters: ``{"quench": {"solvent": "DEC"}}``. The result has
        two batch rows, :class:`recycle.cases.Case`: expected values and the worst case.
        """
        if not isinstance(inventory, Inventory):
            inventory = self.read_inventory(inventory)
        if not isinstance(route, Route):
            route = load_route(route)
        if overrides:
            route = route.with_parameters(overrides)
        b = self._basis(inventory, basis)
        feed = np.repeat(feed_amounts(inventory, b, self.db), len(CASES), axis=0)
        result = simulate(route, feed, self.context(b.rate, [c is Case.WORST for c in CASES]))
        result.inventory = inventory
        result.basis = b
        return result

    def _basis(self, inventory: Inventory, basis: str | None) -> Basis:
        if basis is not None:
            return parse_basis(basis, inventory, operating_year=self.operating_year)
        return parse_basis(inventory.basis, inventory, f"{inventory.source}: basis", self.operating_year)

    def plan_batch(self, inventory: Inventory | str | Path | None | Sequence, route: Route | str, basis: str | None,
                   values: dict[str, np.ndarray], batch_equilibria: bool = False) -> RouteResult:
        """Balances of ``route`` for ``N`` samples of its process parameters and feed in one pass.

        ``inventory``: one inventory for every sample, or a list or tuple of N, sample n's feed
        being the n-th (its composition and amount on ``basis``, as :meth:`plan` makes it; the
        result's ``inventory`` is then the tuple, and ``sample_rows`` gives each sample its own).
        The inventories may differ in the amounts of the species they hold (counts, masses,
        states of charge above 0 of the same cells), not in which species: a step chooses its
        reactions by what its rows hold, for the whole batch (an :class:`InputError` names the
        sample and the species).

        ``values``: "step.param" -> its value in each sample, shape (N,), SI (as the step holds
        it); only parameters with a range in chemistry/step_types.yaml (the sampled ones, whose
        steps are vectorised and tested for it) may be given. The result has 2 N batch rows, sample-major: row 2 n is sample n's expected case,
        row 2 n + 1 its worst case (:mod:`recycle.batch`). BLAS runs on one thread in the
        pass (:func:`recycle.batch.single_threaded_blas`); :func:`recycle.batch.sample_rows`
        gives one sample's rows with the amounts, temperatures, utilities and quantities
        :meth:`plan` would give it (tested). Notes describe the whole batch (a range where a value
        varies), and ``route.steps[..].raw`` keeps the route's values: read a sample's parameters
        from its step's values.

        ``batch_equilibria``: solve the flare's equilibria of all rows together from Cantera's
        solution of one (:mod:`recycle.gas_equilibrium`; checked against Cantera on two more
        rows, within 1e-8 of the flow, said in the flare's notes) instead of one Cantera call
        per row."""
        from .batch import (
            ROWS_PER_SAMPLE,
            single_threaded_blas,
            with_row_values,
            worst_case_rows,
        )
        from .uncertainty import parameter_ranges

        per_sample = isinstance(inventory, (list, tuple))
        inventories = [i if isinstance(i, Inventory) else self.read_inventory(i)
                       for i in (inventory if per_sample else [inventory])]
        if per_sample and not inventories:
            raise InputError("inventory", "no inventory given: give one, or one per sample")
        if not isinstance(route, Route):
            route = load_route(route)
        sizes = {len(np.atleast_1d(v)) for v in values.values()} | ({len(inventories)} if per_sample else set())
        if len(sizes) > 1:
            raise InputError("samples", f"parameters and inventories have different numbers of samples: {sorted(sizes)}")
        n = sizes.pop() if sizes else 1
        sampled = parameter_ranges(self.db, route)
        for name in values:
            if name not in sampled:
                raise InputError(f"samples {name}", "not a sampled parameter of this route (no range in "
                                 "chemistry/step_types.yaml): only those are set per row, and tested so")
        route = with_row_values(route, values)
        bases = [self._basis(inv, basis) for inv in inventories]
        b = bases[0]
        if any((x.text, x.rate, x.amount) != (b.text, b.rate, b.amount) for x in bases):
            raise InputError("basis", "the inventories of a batch give different bases: give one throughput "
                             "(e.g. '10 t/day') for every sample")
        feeds = np.concatenate([feed_amounts(inv, b, self.db) for inv in inventories])        # (1 or N, species)
        differ = np.flatnonzero(((feeds > 0) != (feeds[0] > 0)).any(axis=1))
        if len(differ):      # a step chooses its reactions by the species its rows hold, for all rows at once
            k = int(differ[0])
            more = [self.db.names[i] for i in np.flatnonzero((feeds[k] > 0) & ~(feeds[0] > 0))]
            fewer = [self.db.names[i] for i in np.flatnonzero(~(feeds[k] > 0) & (feeds[0] > 0))]
            what = "; ".join(part for part in (f"holds {', '.join(more[:4])}" if more else "",
                                               f"lacks {', '.join(fewer[:4])}" if fewer else "") if part)
            raise InputError(f"inventory of sample {k}", f"its feed {what}, unlike sample 0's: the samples of a "
                             "batch meet the same reactions, so their inventories may differ in the amounts of "
                             "the species they hold (counts, cell masses, states of charge above 0), not in which "
                             "species (other cells, or a state of charge of 0, which leaves no charged cathode): "
                             "plan those in another batch")
        feed = np.repeat(feeds, ROWS_PER_SAMPLE * (1 if per_sample else n), axis=0)
        with single_threaded_blas():
            result = simulate(route, feed, self.context(b.rate, worst_case_rows(n), batch_equilibria))
        result.inventory = tuple(inventories) if per_sample else inventories[0]
        result.basis = b
        return result
