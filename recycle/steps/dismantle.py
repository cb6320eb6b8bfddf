"""Dry-room or inert-box dismantling: opening cells, separating anode, cathode and casing.

Moisture in the room air hydrolyses the exposed solid electrolyte (H2S, HCl, NH3 or H2 by
family, via the species' hydrolysis reaction); the model is ``chemistry/moisture.yaml``.
The room's air handling costs electricity in proportion to its volume (Argonne process
model: ~400 kW for 16 000 m3 below 100 ppm, i.e. ~25 W/m3; Ahmed, Nelson, Dees, "Study of a dry
room in a battery manufacturing plant using a process model", 2016, as quoted, U).

Cells are opened by hand at dismantling stations, one operator per station and shift. On a
throughput basis the step sizes the stations from the cell feed (``station_throughput``) and
the room from the stations (``room_volume_per_station``, at least ``room_volume``); both are
reported (quantities ``stations`` and ``room_volume``) and used by the audit, the capital
estimate and the labour cost. On a batch basis the room is ``room_volume`` and one station.
"""
from __future__ import annotations

import numpy as np

from ..moisture import water_fraction_at_dew_point
from .base import Context, Param, Step, StepOutcome, react, span, split


class Dismantle(Step):
    type = "dismantle"
    summary = "Open cells in a dry room or inert box; split anode, cathode+electrolyte, casing; moisture gives H2S/HCl/NH3/H2."
    inlets = ("cells",)
    outlets = ("anode", "cathode", "casing", "off_gas")
    params = (
        Param("atmosphere", "choice", "dry_room", "dry room air or argon glovebox/inert box",
              choices=("dry_room", "inert_box")),
        Param("dew_point", "quantity", "-60 degC", "frost point of the room air",
              dimension="temperature",
              source="dry rooms for Li-metal and solid-state cells run -60 to -70 C (U: no primary source named)"),
        Param("exposure_time", "quantity", "2 h", "time the opened cells spend in the room",
              dimension="time", source="estimate of this project (S)"),
        Param("exposed_fraction", "fraction", 0.1,
              "share of the electrolyte exposed to the room air (cut edges, delaminated layers)",
              source="estimate of this project (S)"),
        Param("room_volume", "quantity", "1000 m^3", "smallest dry-room volume (a pilot line)", dimension="volume",
              positive=True, source="estimate of this project for a pilot line (S)"),
        Param("station_throughput", "quantity", "20 kg/h", "cells one dismantling station opens per hour",
              dimension="mass_rate", positive=True,
              source="estimate of this project (S): about 20 large-format pouch cells of ~1 kg an hour, by hand"),
        Param("room_volume_per_station", "quantity", "100 m^3", "dry-room volume per dismantling station",
              dimension="volume", positive=True,
              source="estimate of this project (S): 25 m2 of floor per station with aisles and airlocks, 4 m high"),
        Param("specific_power", "quantity", "25 W/m^3", "dry-room air handling power per room volume",
              dimension="power_per_volume", source="Argonne process model (Ahmed, Nelson, Dees 2016, as quoted, U): 400 kW per 16 000 m3 (D)"),
        Param("anode_recovery", "fraction", 0.95,
              "share of anode material (Li, Li-In, In, Cu) separated into the anode stream",
              source="estimate of this project (S)"),
        Param("temperature", "quantity", "20 degC", "room temperature", dimension="temperature"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        cells = inlets["cells"]
        reagents = np.zeros_like(cells)
        if self["atmosphere"] == "dry_room" and np.any(self["dew_point"] > self["temperature"]):
            from ..errors import InputError
            raise InputError(f"steps.{self.id}.dew_point", f"{np.max(self['dew_point']) - 273.15:.0f} C is above the room "
                             f"temperature ({self['temperature'] - 273.15:.0f} C): the air cannot hold that much water")
        water_x = (water_fraction_at_dew_point(self["dew_point"])
                   if self["atmosphere"] == "dry_room" else 1e-6)  # glovebox spec: < 1 ppm H2O
        t = self["exposure_time"]
        amounts = cells.copy()
        released = []
        h2o_l, h2o_g = db.index["H2O(L)"], db.index["H2O"]
        for reaction in ctx.reactions_tagged("hydrolysis"):
            key = db.index[reaction.key]
            if not amounts[:, key].any() or reaction.key not in ctx.moisture.rate:
                continue
            f = ctx.pick(*(ctx.moisture.converted_fraction(reaction.key, water_x, t, self["exposed_fraction"], w)
                           for w in (False, True)))
            xi = f * amounts[:, key] / -reaction.coefficient(db, reaction.key)
            water = -reaction.coefficient(db, "H2O(L)") * xi
            # Room moisture arrives as vapour and condenses on the surface before reacting.
            reagents[:, h2o_g] += water
            amounts[:, h2o_l] += water
            amounts = react(amounts, reaction, xi)
            released.append(f"{reaction.key}: {f.min():.2e} hydrolysed, worst case {f.max():.2e} ({reaction.id})")
        gas, solids = split(amounts, db.is_gas)
        anode_mask = db.mask(role="anode") | db.mask(role="anode_collector")
        anode, rest = split(solids, anode_mask, self["anode_recovery"])
        casing, cathode = split(rest, db.mask(role="packaging"))
        if ctx.rate_basis:          # kg/s of cells -> whole stations, and the room they need
            stations = np.maximum(np.ceil(cells @ db.molar_mass / self["station_throughput"] - 1e-9), 1.0)
        else:
            stations = np.ones(len(cells))
        room = np.maximum(self["room_volume"], stations * self["room_volume_per_station"])
        power = self["specific_power"] * room if self["atmosphere"] == "dry_room" else np.zeros(len(cells))
        notes = [f"room air {span(water_x, '.3g', 1e6)} ppmv water"] + released
        return StepOutcome(
            outlets={"anode": anode, "cathode": cathode, "casing": casing, "off_gas": gas},
            reagents=reagents, temperature=self["temperature"],
            utilities={"electricity": ctx.energy(power, t)},
            quantities={"room_water": (np.broadcast_to(water_x * 1e6, (len(cells),)).copy(), "ppmv", "water in the room air"),
                        "stations": (stations, "", "dismantling stations, one operator each per shift"),
                        "room_volume": (room, "m^3", "dry-room (or inert-box hall) volume")},
            notes=notes, media=("dry_gas",), from_air=reagents.copy())     # room moisture
