"""Direct regeneration of solid electrolytes by dissolution, filtration, drying, heat treatment.

Per ``chemistry/regeneration.yaml``: sulfides with PS4(3-) units dissolve in ethanol or
acetonitrile (Li3PS4 only in N-methylformamide), the cathode residue is filtered off, and the
solvent is evaporated (heat duty from Cantera enthalpies of liquid and vapour) and mostly
recovered. Water in the solvent hydrolyses some electrolyte (H2S, via the species'
hydrolysis reaction). Electrolytes the step cannot treat go to the residue with a note.
"""
from __future__ import annotations

import numpy as np

from .base import Context, Param, Step, StepOutcome, react, split

SOLVENTS = {  # choice -> (liquid species, vapour species or None)
    "ethanol": ("C2H5OH(L)", "C2H5OH"),
    "acetonitrile": ("CH3CN(L)", "CH3CN"),
    "NMF": ("NMF(L)", None),
}


class RegenerateSSE(Step):
    type = "regenerate_sse"
    summary = "Dissolve sulfide SSE (PS4 units) in ethanol/acetonitrile/NMF, filter off cathode, dry and recover the SSE."
    inlets = ("feed",)
    outlets = ("electrolyte", "residue", "off_gas")
    params = (
        Param("solvent", "choice", "ethanol", "dissolution solvent", choices=tuple(SOLVENTS),
              source="Luo 2024 section 4.2"),
        Param("solvent_ratio", "quantity", "10 L/kg", "solvent volume per kg of electrolyte dissolved",
              dimension="volume_per_mass", source="estimate of this project (S)"),
        Param("solvent_water", "fraction", 50e-6, "water mass fraction of the (anhydrous) solvent",
              source="estimate of this project (S): anhydrous grade <= 50 ppm"),
        Param("recovery", "fraction", 0.9, "share of a treatable electrolyte recovered as product",
              source="estimate of this project (S)"),
        Param("solvent_recovery", "fraction", 0.95, "share of the solvent condensed and reused",
              source="estimate of this project (S)"),
        Param("drying_temperature", "quantity", "180 degC", "drying / heat-treatment temperature",
              dimension="temperature", source="Luo 2024 section 4.2: Li6PS5Cl dried at ~180 C"),
        Param("temperature", "quantity", "25 degC", "dissolution temperature", dimension="temperature"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["feed"]
        solvent = self["solvent"]
        liquid, vapour = SOLVENTS[solvent]
        notes: list[str] = []
        treatable = np.zeros(db.n_species, dtype=bool)
        for name, entry in ctx.regeneration.items():
            if solvent in entry["solvents"]:
                treatable[db.index[name]] = True
        electrolytes = db.mask(role="electrolyte")
        for i in np.flatnonzero(electrolytes & ~treatable):
            if feed[:, i].any():
                info = db.species[i]
                entry = ctx.regeneration.get(info.name)
                why = (f"needs {' or '.join(entry['solvents'])}, not {solvent}" if entry
                       else f"no dissolution route for a {info.family} electrolyte in this step")
                notes.append(f"{info.name} not regenerated ({why}): passed to residue")
        dissolved, residue = split(feed, treatable)
        reagents = np.zeros_like(feed)
        kg_sse = db.mass(dissolved)
        rho = db.density[db.index[liquid]]
        solvent_mol = kg_sse * self["solvent_ratio"] * rho / db.molar_mass[db.index[liquid]]
        water_mol = kg_sse * self["solvent_ratio"] * rho * self["solvent_water"] / db.molar_mass[db.index["H2O(L)"]]
        # Water in the solvent hydrolyses the dissolved electrolyte, species by species in
        # proportion to their water demand at complete conversion.
        amounts = dissolved.copy()
        amounts[:, db.index["H2O(L)"]] += water_mol
        reagents[:, db.index["H2O(L)"]] += water_mol
        hydrolysis = [r for r in ctx.reactions_tagged("hydrolysis") if treatable[db.index[r.key]]]
        need = np.stack([amounts[:, db.index[r.key]] / -r.coefficient(db, r.key) * -r.coefficient(db, "H2O(L)")
                         for r in hydrolysis], axis=1) if hydrolysis else np.zeros((len(feed), 0))
        total_need = need.sum(axis=1)
        for j, r in enumerate(hydrolysis):
            share = np.divide(need[:, j], total_need, out=np.zeros_like(total_need), where=total_need > 0)
            water_j = np.minimum(water_mol * share, need[:, j])
            xi = water_j / -r.coefficient(db, "H2O(L)")
            amounts = react(amounts, r, xi)
        # Recovered electrolyte vs losses: unrecovered share and hydrolysis products go to residue.
        product, lost = split(amounts, treatable, self["recovery"])
        gas, lost = split(lost, db.is_gas)
        residue = residue + lost
        # Solvent: make-up of what is not recovered; losses leave as vapour with the dryer vent.
        makeup = solvent_mol * (1.0 - self["solvent_recovery"])
        reagents[:, db.index[liquid]] += makeup
        if vapour is not None:
            gas[:, db.index[vapour]] += makeup
            h_liq = db.enthalpy(self["temperature"])[db.index[liquid]]
            h_vap = db.enthalpy(self["drying_temperature"])[db.index[vapour]]
            drying = solvent_mol * (h_vap - h_liq)
        else:
            residue[:, db.index[liquid]] += makeup
            drying = np.zeros(len(feed))
            notes.append(f"no vapour data for {solvent}: drying duty not computed")
        if kg_sse.any():
            notes.append(f"{solvent} {self['solvent_ratio'] * 1000:.0f} L/kg, {self['solvent_recovery']:.0%} recovered")
        return StepOutcome(
            {"electrolyte": product, "residue": residue, "off_gas": gas}, reagents, self["temperature"],
            utilities={"heat": drying}, notes=notes,
            quantities={"solvent_circulated": (solvent_mol * db.molar_mass[db.index[liquid]], "kg" + ctx.per,
                                               "solvent used for dissolution (mostly recovered)")})
