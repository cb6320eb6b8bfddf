"""Receiving and storage of spent cells: the hall where cells arrive, are inspected and wait.

What the step does to the material (on every batch row):

- A share of the cells arrives damaged (swollen, punctured, crushed: ``damaged_fraction``;
  worst case ``damaged_fraction_worst``). A damaged cell vents the gas it holds through its
  safety valve or breach: ``held_gas`` per kg of cells, taken as the gas its own electrolyte
  gives on hydrolysis (H2S for sulfides, HCl or HBr for halides, H2 for hydrides, NH3 for
  nitrides; the review lists O2, H2, HX, NH3 and H2S as the gases SSLMBs accumulate, Luo 2024
  section 2.3). Every cell holds it, formed over its life by that hydrolysis with moisture, so
  elements balance.
- The electrolyte a damaged cell exposes (``exposed_fraction``) hydrolyses in the hall air at
  its humidity for ``exposure_time`` before the cell is packed in a closed drum, with the
  moisture model of ``chemistry/moisture.yaml`` (the one the dismantling step uses in a dry room).
- Intact cells pass closed and carry the gas they hold (as gas species in the cells stream) to
  the step that opens them (dismantling or shredding; discharge keeps it inside).

What the step reports for the audit and the scenarios (nothing of it enters the balances):

- the stored inventory (``storage_time`` of throughput), the floor it takes (``floor_loading``)
  and the hall's volume and air changes (the audit's dilution sweep);
- the heat of a stored cell's thermal runaway from Cantera (a lower bound, :func:`runaway_heat`):
  its cell reaction as an internal short, then Li metal with the electrolyte (as in a shredder
  under argon: chemistry/reactivity.yaml ``argon_shredder``), to completion, per kg of cells and
  for the ``runaway_mass`` of one package (recycle.scenarios ``storage_runaway``);
- the review's ARC figures for a sulfide (LSPS) Li-metal cell: runaway onset 295.0 C (90 C for
  a graphite Li-ion cell) and a peak of 412.7 C (Luo 2024 section 4.1).
"""
from __future__ import annotations

import numpy as np

from ..constants import MOLAR_VOLUME_25C
from ..moisture import water_vapour_pressure
from .base import (
    P_STANDARD,
    Context,
    Param,
    Step,
    StepOutcome,
    react,
    react_in_medium,
    span,
    split,
)

RUNAWAY_ONSET = 295.0 + 273.15    # K, uncycled LSPS-based SSLMB, ARC (Luo 2024 section 4.1)
RUNAWAY_PEAK = 412.7 + 273.15     # K, same cell, maximum temperature (Luo 2024 section 4.1)
LI_ION_ONSET = 90.0 + 273.15      # K, graphite Li-ion cell in the same comparison (Luo 2024 section 4.1)


class Receive(Step):
    type = "receive"
    treats_cells = False
    summary = ("Receive and store spent cells: damaged cells vent the gas they hold and their exposed electrolyte "
               "hydrolyses in the hall air; the stored inventory's runaway heat is sized for the audit.")
    inlets = ("cells",)
    outlets = ("cells", "off_gas")
    params = (
        Param("damaged_fraction", "fraction", 0.02, "share of the cells that arrive damaged (swollen, punctured, leaking)",
              source="estimate of this project (S): no figure for solid-state cells; a few per cent of returned Li-ion "
                     "packs are declared damaged or defective (U)"),
        Param("damaged_fraction_worst", "fraction", 0.10, "the same share in the worst case (a damaged consignment)",
              source="estimate of this project (S)"),
        Param("held_gas", "quantity", "20 cm^3/kg", "gas a cell holds at end of life, per kg of cells (25 C, 1 atm)",
              dimension="volume_per_mass",
              source="estimate of this project (S): Li-ion pouch cells swell by a few cm3 per Ah over their life (U); "
                     "taken as the hydrolysis gas of the cell's own electrolyte (Luo 2024 section 2.3 names O2, H2, "
                     "HX, NH3 and H2S as the gases SSLMBs accumulate)"),
        Param("held_gas_worst", "quantity", "200 cm^3/kg", "the same in the worst case (a swollen cell)",
              dimension="volume_per_mass", source="estimate of this project (S): ten times the expected"),
        Param("relative_humidity", "fraction", 0.5, "relative humidity of the receiving hall's air",
              source="estimate of this project (S): an unconditioned hall in a temperate climate"),
        Param("exposure_time", "quantity", "1 h", "time a damaged cell spends in the hall air before it is packed "
              "in a closed drum", dimension="time", source="estimate of this project (S)"),
        Param("exposed_fraction", "fraction", 0.01, "share of a damaged cell's electrolyte open to the air",
              source="estimate of this project (S): a breach exposes cut edges, not the whole layer"),
        Param("storage_time", "quantity", "7 day", "inventory held in the hall, as time of throughput",
              dimension="time", positive=True, source="estimate of this project (S): a week of feed"),
        Param("floor_loading", "quantity", "500 kg/m^2", "cells stored per m2 of hall floor, aisles included",
              dimension="mass_per_area", positive=True,
              source="estimate of this project (S): pallets of boxed cells one high with aisles and separation"),
        Param("hall_height", "quantity", "6 m", "height of the hall", dimension="length", positive=True,
              source="estimate of this project (S)"),
        Param("air_changes", "quantity", "4 1/h", "general ventilation of the hall", dimension="frequency",
              positive=True, source="estimate of this project (S): 2-6 air changes per hour for a warehouse (U)"),
        Param("runaway_mass", "quantity", "20 kg", "cells in one package whose runaway is the storage scenario",
              dimension="mass", positive=True, source="estimate of this project (S): one box or drum of cells"),
        Param("temperature", "quantity", "20 degC", "hall temperature", dimension="temperature"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        cells = inlets["cells"]
        reagents = np.zeros_like(cells)
        T = self["temperature"]
        damaged = np.broadcast_to(ctx.pick(self["damaged_fraction"],
                                           np.maximum(self["damaged_fraction"], self["damaged_fraction_worst"])), (len(cells),))
        held = ctx.pick(self["held_gas"], np.maximum(self["held_gas"], self["held_gas_worst"]))     # m3/kg
        water_x = self["relative_humidity"] * water_vapour_pressure(T) / P_STANDARD
        cell_kg = cells @ db.molar_mass                                                     # kg per row
        amounts = cells.copy()
        h2o_l, h2o_g = db.index["H2O(L)"], db.index["H2O"]
        rh = span(self["relative_humidity"], ".0%")
        notes = [f"hall air {span(water_x, '.3g', 1e6)} ppmv water ({rh} RH at {T - 273.15:.0f} C)"]
        hydrolysis = [r for r in ctx.reactions_tagged("hydrolysis") if cells[:, db.index[r.key]].any()]
        # gas each hydrolysable species gives on complete hydrolysis (mol gas per mol), and the
        # share of the held gas it forms (in proportion to the gas it could give)
        gas_per_mol = {r.id: float(r.stoich[db.is_gas].sum()) / -r.coefficient(db, r.key) for r in hydrolysis}
        potential = sum(gas_per_mol[r.id] * cells[:, db.index[r.key]] for r in hydrolysis) if hydrolysis else 0.0
        # 1. every cell holds its gas, formed over its life by the hydrolysis of a little of its
        #    own electrolyte with moisture (elements balance)
        for r in hydrolysis:
            key = db.index[r.key]
            if gas_per_mol[r.id] <= 0:
                continue
            share = gas_per_mol[r.id] * cells[:, key] / np.maximum(potential, 1e-300)
            xi = np.minimum(held * cell_kg / MOLAR_VOLUME_25C * share / gas_per_mol[r.id], amounts[:, key]) \
                / -r.coefficient(db, r.key)
            water = -r.coefficient(db, "H2O(L)") * xi
            reagents[:, h2o_g] += water
            amounts[:, h2o_l] += water
            amounts = react(amounts, r, xi)
        held_gas, amounts = split(amounts, db.is_gas)
        vented = damaged[:, None] * held_gas                    # damaged cells vent theirs in the hall
        carried = held_gas - vented                             # intact cells carry theirs on, closed
        # 2. the electrolyte a damaged cell exposes hydrolyses in the hall air
        unrated = sorted({r.key for r in hydrolysis if r.key not in ctx.moisture.rate})
        if unrated:
            notes.append(f"{', '.join(unrated)}: no measured rate in moist air (chemistry/moisture.yaml), so not "
                         "hydrolysed in the hall; Li metal tarnishes in humid air (LiOH, some H2), not quantified")
        for r in hydrolysis:
            key = db.index[r.key]
            if r.key not in ctx.moisture.rate:
                continue
            f_air = ctx.pick(*(ctx.moisture.converted_fraction(r.key, water_x, self["exposure_time"],
                                                               self["exposed_fraction"], w) for w in (False, True)))
            xi = f_air * damaged * amounts[:, key] / -r.coefficient(db, r.key)
            water = -r.coefficient(db, "H2O(L)") * xi
            reagents[:, h2o_g] += water
            amounts[:, h2o_l] += water
            amounts = react(amounts, r, xi)
            notes.append(f"{r.key}: {float(np.min(-r.coefficient(db, r.key) * xi / np.maximum(cells[:, key], 1e-300))):.2e}"
                         f" hydrolysed in the hall air by damaged cells, worst case "
                         f"{float(np.max(-r.coefficient(db, r.key) * xi / np.maximum(cells[:, key], 1e-300))):.2e} ({r.id})")
        notes.append("intact cells carry the gas they hold to the step that opens them")
        air_gas, solids = split(amounts, db.is_gas)
        solids, gas = solids + carried, vented + air_gas
        heat_per_kg, runaway_gas = runaway_heat(cells, ctx)
        liquid = "LiPF6(s)" in db.index and bool(cells[:, db.index["LiPF6(s)"]].any())
        onset = LI_ION_ONSET if liquid else RUNAWAY_ONSET
        stored = cell_kg * (self["storage_time"] if ctx.rate_basis else 1.0)              # kg
        area = stored / self["floor_loading"]
        room = area * self["hall_height"]
        n = len(cells)
        return StepOutcome(
            outlets={"cells": solids, "off_gas": gas}, reagents=reagents, temperature=T,
            quantities={
                "damaged_share": (np.asarray(damaged, float) * np.ones(n), "", "share of the cells arriving damaged"),
                "stored_mass": (stored / 1000.0, "t", "cells held in the hall"),
                "floor_area": (area, "m^2", "receiving and storage hall floor"),
                "room_volume": (room, "m^3", "receiving and storage hall volume"),
                "hall_ventilation": (room * self["air_changes"] * 3600.0, "m^3/h",
                                     "general ventilation of the hall (its air changes x its volume)"),
                "runaway_heat": (heat_per_kg / 1000.0, "kJ/kg", ("heat of a stored cell's runaway per kg of cells, "
                                 "a lower bound: its cell reaction as an internal short and the Li contact "
                                 "reactions, to completion (Cantera, 25 C)")),
                "runaway_energy": (heat_per_kg * self["runaway_mass"] / 1e6, "MJ",
                                   f"heat of the runaway of one package ({self['runaway_mass']:g} kg)"),
                "runaway_gas": (runaway_gas * self["runaway_mass"] * MOLAR_VOLUME_25C, "m^3",
                                "gas (25 C, 1 atm) the package's runaway reactions make, besides the gas it holds"),
                "runaway_onset": (np.full(n, onset - 273.15), "degC",
                                  ("runaway onset by ARC (Luo 2024 section 4.1): 90 C for a graphite Li-ion cell "
                                   "(LiPF6 electrolyte), 295 C for the sulfide (LSPS) Li-metal cell, the review's "
                                   "only solid-state figure")),
            },
            notes=notes, media=("sealed_cell",), from_air=reagents.copy())


def runaway_heat(cells: np.ndarray, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Heat (J/kg of cells) and gas (mol/kg) of a cell's thermal runaway, per batch row.

    The cell reaction runs as an internal short (every reaction tagged ``discharge``, Li metal
    then Li-In, until the charged cathode or the anode is used up); then every contact reaction
    of the cell's own materials (``argon_shredder`` in chemistry/reactivity.yaml: Li metal with
    the electrolyte) runs to completion at the review's runaway peak temperature (412.7 C),
    repeated while Li metal and a partner remain; the heat is -dH of the change at 25 C from
    Cantera enthalpies. A lower bound: O2 from a charged cathode burning Li, and the
    decomposition and burning of polymers and liquid electrolyte, are not counted."""
    db = ctx.db
    kg = cells @ db.molar_mass
    per_kg = cells / np.maximum(kg, 1e-300)[:, None]
    after = per_kg.copy()
    # the internal short first: every cell reaction (tagged discharge; Li metal, then Li-In)
    # runs until its charged cathode or its anode is used up
    for r in ctx.reactions_tagged("discharge"):
        cathode = db.index[r.key]
        anode = next(i for i in np.flatnonzero(r.stoich < 0) if i != cathode)
        xi = np.minimum(after[:, cathode] / -r.stoich[cathode], after[:, anode] / -r.stoich[anode])
        after = np.maximum(react(after, r, xi), 0.0)
    scratch = np.zeros_like(per_kg)
    for _ in range(6):         # each pass shares Li among its partners; a partner used up frees its share
        before = after
        after, _flags = react_in_medium(after, "argon_shredder", RUNAWAY_PEAK, ctx, scratch,
                                        step="runaway", step_fraction=1.0)
        if np.allclose(after, before, rtol=1e-12, atol=1e-15):
            break
    change = after - per_kg
    heat = -(change @ db.enthalpy(298.15))
    gas = np.where(db.is_gas, change, 0.0).sum(axis=1)
    return heat, np.maximum(gas, 0.0)
