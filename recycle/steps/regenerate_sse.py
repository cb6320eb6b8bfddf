"""Direct regeneration of solid electrolytes, per family (``chemistry/regeneration.yaml``).

- dissolution (sulfides): dissolve in ethanol/acetonitrile (Li3PS4: NMF), filter off the
  cathode, dry at ~180 C, relithiate with Li2S; water in the solvent hydrolyses some
  electrolyte (H2S).
- water_mediated (halides): dissolve in water, dehydrate near 120 C; above the dehydration
  limit hydrolysis releases HCl.
- wash_resinter (LLZO): wash, relithiate with Li2CO3 (CO2 released), re-sinter.
- polymer_dissolution (PEO-LiTFSI): dissolve in acetonitrile, recover polymer and salt.
Solvent is mostly recovered; the make-up leaves as vapour (dryer vent) where the solvent has
a gas species. Drying and sintering duties come from Cantera enthalpies. Electrolytes the
step cannot treat go to the residue with a note.
"""
from __future__ import annotations

import numpy as np

from ..flags import Flag
from ..reactivity import unreacted
from .base import (
    Context,
    Param,
    Step,
    StepOutcome,
    electricity_param,
    extent,
    react,
    react_in_medium,
    split,
)

SOLVENTS = {  # choice -> (liquid species, vapour species or None)
    "ethanol": ("C2H5OH(L)", "C2H5OH"),
    "acetonitrile": ("CH3CN(L)", "CH3CN"),
    "NMF": ("NMF(L)", None),
    "water": ("H2O(L)", "H2O"),
}
DEHYDRATION_LIMIT = 393.15  # K: Li3InCl6 re-forms from its hydrate at ~120 C (Luo 2024 section 4.2)


class RegenerateSSE(Step):
    type = "regenerate_sse"
    summary = "Regenerate SSE per family: sulfides by dissolution, halides water-mediated, LLZO wash+resinter, PEO in acetonitrile."
    inlets = ("feed",)
    outlets = ("electrolyte", "residue", "off_gas", "effluent")
    params = (
        Param("solvent", "choice", "ethanol", "solvent for sulfides", choices=("ethanol", "acetonitrile", "NMF"),
              source="Luo 2024 section 4.2"),
        Param("solvent_ratio", "quantity", "10 L/kg", "solvent (or water) volume per kg of electrolyte treated",
              dimension="volume_per_mass", source="estimate of this project (S)"),
        Param("solvent_water", "fraction", 50e-6, "water mass fraction of the organic solvent",
              source="estimate of this project (S): anhydrous grade <= 50 ppm"),
        Param("recovery", "fraction", 0.9, "share of a treatable electrolyte recovered as product",
              source="estimate of this project (S)"),
        Param("solvent_recovery", "fraction", 0.95, "share of the solvent condensed and reused",
              source="estimate of this project (S)"),
        Param("drying_temperature", "quantity", "180 degC", "drying / heat treatment of sulfides and polymers",
              dimension="temperature", source="Luo 2024 section 4.2: Li6PS5Cl dried at ~180 C"),
        Param("dehydration_temperature", "quantity", "120 degC", "dehydration of halide hydrates",
              dimension="temperature", source="Luo 2024 section 4.2: Li3InCl6 re-forms at ~120 C"),
        Param("halide_hydrolysis", "fraction", 0.001,
              "share of a halide hydrolysed (HCl) at or below the dehydration limit; x100 above it",
              source="estimate of this project (S); worst case x5"),
        Param("li2s_addition", "quantity", "0.02 kg/kg", "Li2S added per kg of recovered sulfide to relithiate it",
              dimension="dimensionless",
              source="Luo 2024 section 4.2: sulfides are relithiated with Li2S after heat treatment; amount S"),
        Param("li2co3_addition", "quantity", "0.02 kg/kg", "Li2CO3 added per kg LLZO to relithiate it",
              dimension="dimensionless", source="estimate of this project (S)"),
        Param("sintering_temperature", "quantity", "1000 degC", "LLZO re-sintering temperature",
              dimension="temperature", source="estimate of this project (S)"),
        Param("temperature", "quantity", "25 degC", "dissolution temperature", dimension="temperature"),
        electricity_param("100 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["feed"]
        B = len(feed)
        out = {"electrolyte": np.zeros_like(feed), "residue": feed.copy(),
               "off_gas": np.zeros_like(feed), "effluent": np.zeros_like(feed)}
        reagents = np.zeros_like(feed)
        heat = np.zeros(B)
        notes: list[str] = []
        by_method: dict[tuple[str, str], np.ndarray] = {}
        flags: list[Flag] = []
        for i in np.flatnonzero(db.mask(role="electrolyte") & feed.any(axis=0)):
            info = db.species[i]
            entry = ctx.regeneration.get(info.name)
            solvent = self._solvent_for(entry)
            if entry is None or solvent not in entry["solvents"]:
                why = (f"needs {' or '.join(entry['solvents'])}, not {solvent}" if entry
                       else f"no regeneration route for this {info.family} electrolyte")
                notes.append(f"{info.name} not regenerated ({why}): passed to residue")
                flags.append(Flag("not_regenerated", self.id, info.name, feed[:, i] * db.molar_mass[i],
                                  "kg" + ctx.per, f"{info.name} is not regenerated: {why}"))
                continue
            mask = by_method.setdefault((entry["method"], solvent), np.zeros(db.n_species, dtype=bool))
            mask[i] = True
        # One method after another on the same residue, organic solvents before water (a sulfide
        # left in the residue must not meet water): in each, what is not being regenerated
        # (cathode, foil, other electrolytes, residual Li) meets the solvent and reacts as
        # chemistry/reactivity.yaml says it does there; what a method loses joins the residue.
        order = sorted(by_method, key=lambda k: (k[1] == "water", k))
        for method, solvent in order:
            mask = by_method[(method, solvent)]
            taken, before = split(out["residue"], mask)
            out["residue"], found = react_in_medium(before, solvent, self["temperature"], ctx, reagents, step=self.id)
            survivors, broken = unreacted(self.id, {"residue": out["residue"]}, solvent, self["temperature"], ctx)
            if broken:
                raise RuntimeError(f"regenerate_sse lets {', '.join(broken)} pass the {solvent} unreacted; please report this")
            flags += found + survivors
            li = db.index["Li(cr)"]
            kg = (before - out["residue"])[:, li].max() * db.molar_mass[li]
            if kg > 0:
                notes.append(f"residual Li metal ({kg:.3g} kg{ctx.per}) reacts with the {solvent}: H2 and heat")
            gas, out["residue"] = split(out["residue"], db.is_gas)
            out["off_gas"] += gas
            product, lost, gas, q = getattr(self, f"_{method}")(taken, mask, solvent, reagents, ctx, notes)
            out["electrolyte"] += product
            out["residue"] += np.where(db.phase_is("liquid"), 0.0, lost)
            out["effluent"] += np.where(db.phase_is("liquid"), lost, 0.0)
            out["off_gas"] += gas
            heat += q
        media = tuple(dict.fromkeys(solvent for _, solvent in order)) or ("as_received",)
        # The residue was checked against each solvent as it met it (a method's losses join it
        # after); each product left before the next solvent.
        return StepOutcome(out, reagents, self["temperature"], utilities={"heat": heat}, notes=notes,
                           media=media, flags=flags,
                           outlet_media={"electrolyte": ("as_received",), "residue": ("as_received",)})

    def _solvent_for(self, entry) -> str:
        if entry is None:
            return self["solvent"]
        return {"dissolution": self["solvent"]}.get(entry["method"], entry["solvents"][0])

    # -- families: each returns (product, losses, off-gas, heat duty J) ---------------------
    def _dissolve(self, taken, mask, solvent, reagents, ctx, water_fraction, hydrolysis_fraction):
        """Dissolve ``taken`` in ``solvent``; water hydrolyses a share; recover; dry."""
        db = ctx.db
        liquid, vapour = SOLVENTS[solvent]
        kg = db.mass(taken)
        volume = kg * self["solvent_ratio"]
        solvent_mol = volume * db.density[db.index[liquid]] / db.molar_mass[db.index[liquid]]
        amounts = taken.copy()
        for r in ctx.reactions_tagged("hydrolysis"):
            if not mask[db.index[r.key]]:
                continue
            if water_fraction is not None:   # organic solvent: its water content limits hydrolysis
                water = volume * db.density[db.index[liquid]] * water_fraction / db.molar_mass[db.index["H2O(L)"]]
                share = amounts[:, db.index[r.key]] / np.maximum(amounts[:, mask].sum(axis=1), 1e-300)
                xi = np.minimum(water * share / -r.coefficient(db, "H2O(L)"),
                                amounts[:, db.index[r.key]] / -r.coefficient(db, r.key))
            else:
                xi = extent(amounts, r, db, hydrolysis_fraction)
            w = -r.coefficient(db, "H2O(L)") * xi
            amounts[:, db.index["H2O(L)"]] += w
            reagents[:, db.index["H2O(L)"]] += w
            amounts = react(amounts, r, xi)
        product, lost = split(amounts, mask, self["recovery"])
        gas, lost = split(lost, db.is_gas)
        makeup = solvent_mol * (1.0 - self["solvent_recovery"])
        reagents[:, db.index[liquid]] += makeup
        if vapour is None:
            lost[:, db.index[liquid]] += makeup
            return product, lost, gas, np.zeros(len(taken))
        gas[:, db.index[vapour]] += makeup
        T_dry = self["dehydration_temperature"] if solvent == "water" else self["drying_temperature"]
        duty = solvent_mol * (db.enthalpy(T_dry)[db.index[vapour]] - db.enthalpy(self["temperature"])[db.index[liquid]])
        return product, lost, gas, duty

    def _dissolution(self, taken, mask, solvent, reagents, ctx, notes):
        notes.append(f"sulfide dissolved in {solvent}, {self['solvent_ratio'] * 1000:.0f} L/kg, "
                     f"{self['solvent_recovery']:.0%} solvent recovered, relithiated with Li2S")
        product, lost, gas, duty = self._dissolve(taken, mask, solvent, reagents, ctx, self["solvent_water"], None)
        db = ctx.db
        li2s = db.index["Li2S(s)"]
        add = db.mass(product) * self["li2s_addition"] / db.molar_mass[li2s]   # taken up by the product
        product[:, li2s] += add
        reagents[:, li2s] += add
        return product, lost, gas, duty

    def _water_mediated(self, taken, mask, solvent, reagents, ctx, notes):
        f = self["halide_hydrolysis"]
        if self["dehydration_temperature"] > DEHYDRATION_LIMIT + 1.0:
            f = min(1.0, 100 * f)
            notes.append("halide dehydrated above ~120 C: hydrolysis releases HCl")
        f = ctx.pick(f, min(1.0, 5 * f))
        return self._dissolve(taken, mask, solvent, reagents, ctx, None, f)

    def _polymer_dissolution(self, taken, mask, solvent, reagents, ctx, notes):
        notes.append(f"PEO-LiTFSI dissolved in {solvent} and recovered")
        return self._dissolve(taken, mask, solvent, reagents, ctx, 0.0, None)

    def _wash_resinter(self, taken, mask, solvent, reagents, ctx, notes):
        db = ctx.db
        li2co3 = db.index["Li2CO3(s)"]
        add = db.mass(taken) * self["li2co3_addition"] / db.molar_mass[li2co3]
        amounts = taken.copy()
        amounts[:, li2co3] += add
        reagents[:, li2co3] += add
        r = ctx.reactions["li2co3_calcination"]
        amounts = react(amounts, r, extent(amounts, r, db))
        gas, solids = split(amounts, db.is_gas)
        keep = mask | (np.array(db.names) == "Li2O(s)")
        product, lost = split(solids, keep, self["recovery"])
        T = self["sintering_temperature"]
        duty = product @ (db.enthalpy(T) - db.enthalpy(self["temperature"]))
        missing = db.out_of_range(mask, T)
        notes.append(f"LLZO washed, relithiated with Li2CO3 and re-sintered at {T - 273.15:.0f} C"
                     + (f" (thermo data of {', '.join(missing)} extrapolated)" if missing else ""))
        return product, lost, gas, duty
