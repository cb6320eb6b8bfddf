"""Concentrating evaporator: water boiled off a Li liquor before Li2CO3 precipitation.

Soda-ash precipitation loses the Li2CO3 that stays dissolved in the brine (0.72-0.85 g per 100 g
water at 75-100 C, Seidell 1940: :mod:`recycle.steps.precipitate`), so a dilute leach liquor
recovers little Li unless it is concentrated first. This step boils off only the water that
would hold back more than ``lithium_loss`` of the liquor's Li as dissolved Li2CO3 at the step
temperature: it keeps at most loss x (Li2CO3 the Li would make) / solubility kg of water, and
never concentrates beyond ``maximum_lithium_concentration`` (Li2SO4 would crystallise). Nothing
is boiled off a liquor already that strong. (Brine plants concentrate Li to about 20 000 ppm
before precipitating Li2CO3: Battaglia et al., Ind. Eng. Chem. Res. 61 (2022) 13589,
doi:10.1021/acs.iecr.2c01397, abstract.) Salts, acids and bases stay in the concentrate; the
volatile species of :data:`VOLATILE` leave with the vapour and end in the condensate.

The solubility is taken at the step's temperature: the concentrate goes on hot to the Li2CO3
precipitation, and the shipped route runs both at 95 C (a test checks they are equal).

Energy: the latent heat of the water boiled off is Cantera's h(H2O, gas) - h(H2O(L)) at the
step temperature. With ``method: mvr`` (mechanical vapour recompression, the default) the vapour
is compressed and condenses on the heating side: the step draws ``compression_energy`` of
electricity per kg of water evaporated; the compressor's work also heats the concentrate (fuel
only where it falls short), and what it does not need is rejected to cooling water. With
``method: steam`` (multiple-effect evaporator), live steam supplies latent heat /
``steam_economy`` plus the sensible heat, drawn as heat, with ``pumping_energy`` of electricity
per kg evaporated; the last effect's vapour, about latent heat / economy, is condensed with
cooling water. The condensate leaves at the inlet temperature (it preheats the feed); the
concentrate leaves hot, at the step temperature. Heat-transfer area for the capital: latent
duty / ``heat_flux``. Amounts in mol per batch row (mol/s on a throughput basis); energies in J
per batch (W); utilities ``electricity``, ``heat`` (fuel) and ``cooling`` (heat rejected).
"""
from __future__ import annotations

import numpy as np

from .base import Context, Param, Step, StepOutcome
from .precipitate import LI2CO3, carbonate_lithium, li2co3_solubility

WATER = "H2O(L)"
STEAM = "H2O"
#: Species of an aqueous liquor that leave with the vapour: organic solvents carried over from
#: the quench that boil below the liquor or distil with steam (ethanol 78 C, 1-propanol 97 C,
#: acetonitrile 82 C, THF 66 C; DEC, insoluble in water, distils with steam), and the hydrogen
#: halides, which hot sulfuric liquor strips. Every liquid and dissolved species of the
#: chemistry is either here or in :data:`NON_VOLATILE` (a test checks).
VOLATILE = ("C2H5OH(L)", "C3H7OH(L)", "DEC(L)", "CH3CN(L)", "THF(L)", "HCl(aq)", "HBr(aq)")
#: Liquids that stay: the mineral acids (H2SO4 bp 337 C, H3PO4), N-methylformamide (bp 199 C),
#: the naphthalene-derived C10H10 (bp ~ 207 C), and H2O2 (bp 150 C; its decomposition in the
#: hot liquor is not modelled); molten metals, slags and Li(L) never reach an aqueous liquor.
NON_VOLATILE = ("H2SO4(L)", "H3PO4(L)", "NMF(L)", "C10H10(L)", "H2O2(L)", "B2O3(L)")
METAL_SULFATES = ("NiSO4(s)", "CoSO4(s)", "MnSO4(s)")
#: kg of Ni, Co and Mn sulfates per kg of water in the concentrate above which the step says they
#: may crystallise: a margin below MnSO4's and CoSO4's solubility near 100 C, about 35 g per 100 g
#: water (U, recalled); this project's threshold (S)
METAL_SULFATE_NOTE = 0.10


class Evaporate(Step):
    type = "evaporate"
    summary = "Concentrate a Li liquor by evaporation (MVR or multiple-effect steam) before Li2CO3 precipitation; condensate out."
    inlets = ("liquor",)
    outlets = ("concentrate", "condensate")
    params = (
        Param("lithium_loss", "fraction", 0.10, "largest share of the Li that Li2CO3's solubility may hold "
              "dissolved in the concentrate (sets the water kept)", positive=True,
              source="estimate of this project (S): a design choice between evaporation energy and Li lost; the "
                     "caustic's water added in the precipitation raises the loss to about 12 %"),
        Param("maximum_lithium_concentration", "quantity", "25 g/kg", "Li per mass of water never exceeded "
              "(Li2SO4 saturation)", dimension="dimensionless", positive=True, maximum=0.037,
              source="below Li2SO4's solubility, about 29 g Li2SO4 per 100 g water near 100 C, i.e. 37 g Li per kg "
                     "(U, recalled), with room for the other sulfates; brines are concentrated to ~20 000 ppm Li "
                     "(Battaglia et al. 2022, abstract: D)"),
        Param("method", "choice", "mvr", "mvr: mechanical vapour recompression (electric); steam: multiple-effect",
              choices=("mvr", "steam")),
        Param("temperature", "quantity", "95 degC", "boiling temperature (slight vacuum); the concentrate leaves at it",
              dimension="temperature", minimum=313.15, maximum=373.15,
              source="estimate of this project (S): hot enough for the Li2CO3 precipitation that follows (90-95 C); "
                     "below 40 C the vacuum needed is impractical (S)"),
        Param("compression_energy", "quantity", "40 kWh/t", "MVR electricity per mass of water evaporated",
              dimension="energy_per_mass",
              source="'in a large unit, the compression power is between 35 and 45 kW per metric ton of compressed "
                     "vapors' (Wikipedia, Vapor-compression evaporation: D); 25-45 kWh/t water (lozzarprocess.com, "
                     "2025: D)"),
        Param("steam_economy", "number", 2.5, "kg of water evaporated per kg of live steam (steam method)",
              positive=True,
              source="estimate of this project (S): triple effect, 0.8-0.9 kg per kg per effect; 250-290 kg steam "
                     "per t water with feed preheat (lozzarprocess.com, 2025: D) is economy 3.4-4.0"),
        Param("pumping_energy", "quantity", "10 kWh/t", "electricity per mass of water evaporated (steam method)",
              dimension="energy_per_mass", source="triple effect 8-12 kWh/t water (lozzarprocess.com, 2025: D)"),
        Param("heat_flux", "quantity", "24 kW/m^2", "heat flux through the heating surface, U x dT (sizes the area)",
              dimension="power_per_area", positive=True,
              source="U ~ 3 kW/m2/K, forced circulation (BioSTEAM's MultiEffectEvaporator, after Seider et al. "
                     "Table 22.32: D) x 8 K effective temperature difference (S)"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["liquor"]
        iw = db.index[WATER]
        self._refuse_what_is_not_an_aqueous_liquor(db, feed)
        li = carbonate_lithium(db, feed)      # mol Li the precipitation can use (sulfate, chloride)
        li_kg = li * db.element_molar_mass[db.elements.index("Li")]                    # kg Li
        water_kg = feed[:, iw] * db.molar_mass[iw]
        T = self["temperature"]
        li2co3_kg = li / 2 * db.molar_mass[db.index[LI2CO3]]
        keep_kg = np.maximum(self["lithium_loss"] * li2co3_kg / li2co3_solubility(T),
                             li_kg / self["maximum_lithium_concentration"])
        keep_kg = np.minimum(water_kg, keep_kg)
        boiled = (water_kg - keep_kg) / db.molar_mass[iw]                             # mol
        volatile = np.isin(db.names, VOLATILE)
        condensate = np.where(volatile, feed, 0.0)
        condensate[:, iw] = boiled
        concentrate = feed - condensate

        h, h_aq = db.enthalpy(T), db.enthalpy_aqueous(T)
        latent = (h[db.index[STEAM]] - h[iw]) * boiled                                # J (W)
        T_in = _inlet_temperature(ctx, len(feed))
        h_out = concentrate @ h_aq + db.stream_enthalpy(condensate, T_in, aqueous=True)
        sensible = h_out - sum(ctx.inlet_enthalpy.values())
        evaporated_kg = boiled * db.molar_mass[iw]
        if self["method"] == "mvr":
            electricity = self["compression_energy"] * evaporated_kg
            heat = np.maximum(sensible - electricity, 0.0)
            cooling = np.maximum(electricity - sensible, 0.0)
        else:
            electricity = self["pumping_energy"] * evaporated_kg
            heat = latent / self["steam_economy"] + np.maximum(sensible, 0.0)
            cooling = latent / self["steam_economy"] + np.maximum(-sensible, 0.0)
        per = ctx.per
        quantities = {
            "water_evaporated": (evaporated_kg, "kg" + per, "water boiled off"),
            "latent_duty": (latent, "W" if ctx.rate_basis else "J", "latent heat of the water boiled off (Cantera)"),
            "heat_transfer_area": (latent / self["heat_flux"] if ctx.rate_basis else np.zeros_like(latent), "m^2",
                                   "heating surface: latent duty / heat flux (throughput basis only)"),
            "compressor_power": ((electricity if self["method"] == "mvr" and ctx.rate_basis else np.zeros_like(latent)) / 1e3,
                                 "kW", "MVR compressor electric power (throughput basis only)"),
        }
        notes = []
        loss_bound = self["lithium_loss"] * li2co3_kg / li2co3_solubility(T) >= li_kg / self["maximum_lithium_concentration"]
        if np.any((boiled <= 0) & loss_bound) and feed[:, iw].max() > 0:
            notes.append("the liquor is already strong enough in Li (its Li2CO3 solubility loss is below "
                         "lithium_loss): nothing boiled off in some rows")
        if np.any(~loss_bound & (li > 0)):
            notes.append("concentration limited by maximum_lithium_concentration (Li2SO4 saturation): the "
                         "Li2CO3 loss stays above lithium_loss in some rows")
        metals_kg = sum(concentrate[:, db.index[n]] * db.molar_mass[db.index[n]] for n in METAL_SULFATES)
        if np.any(metals_kg > METAL_SULFATE_NOTE * concentrate[:, iw] * db.molar_mass[iw]):
            notes.append("Ni, Co and Mn sulfates are concentrated with the Li: above about 35 g per 100 g water "
                         "they crystallise, which is not modelled (evaporate after the crystalliser or the "
                         "hydroxide precipitation)")
        if np.any(condensate[:, volatile] > 0):
            names = [n for n in VOLATILE if condensate[:, db.index[n]].max() > 0]
            notes.append("volatile species leave with the vapour into the condensate: " + ", ".join(names))
        return StepOutcome({"concentrate": concentrate, "condensate": condensate}, np.zeros_like(feed), T,
                           outlet_temperature={"condensate": T_in},
                           utilities={"electricity": electricity, "heat": heat, "cooling": cooling},
                           quantities=quantities, notes=notes,
                           aqueous_outlets=("concentrate", "condensate"), media=(self._medium(db, feed),))

    def _refuse_what_is_not_an_aqueous_liquor(self, db, feed) -> None:
        """An evaporator concentrates a water-based liquor: a gas, or a feed whose liquid is not
        mostly water (an alcohol liquor, dry solids), is refused with what it holds."""
        from ..errors import InputError

        where = f"steps.{self.id}"
        mass = feed * db.molar_mass
        gas = mass[:, db.is_gas].sum(axis=1)
        if np.any(gas > 1e-6 * mass.sum(axis=1)):
            worst = db.names[int(np.flatnonzero(db.is_gas)[np.argmax(mass[:, db.is_gas].max(axis=0))])]
            raise InputError(where, f"evaporate takes an aqueous liquor, but gas arrives at it (mostly {worst}): "
                                    "send gases to a gas treatment (flare, scrub)")
        liquid = db.phase_is("liquid")
        water, liquids = mass[:, db.index[WATER]], mass[:, liquid].sum(axis=1)
        if np.any(water <= 0.5 * liquids) or np.any(liquids <= 0):
            main = db.names[int(np.flatnonzero(liquid)[np.argmax(mass[:, liquid].max(axis=0))])] \
                if mass[:, liquid].max() > 0 else "no liquid"
            raise InputError(where, f"evaporate concentrates a water-based Li liquor, but its feed is mostly {main}: "
                                    "connect it to a leach or crystalliser liquor")

    @staticmethod
    def _medium(db, feed) -> str:
        """The liquor's own medium (chemistry/media.yaml): sulfuric where free H2SO4 is left,
        hydrochloric where HCl is, else water. Boiling adds nothing it would react with."""
        for species, medium in (("H2SO4(L)", "aqueous_H2SO4"), ("HCl(aq)", "aqueous_HCl")):
            if feed[:, db.index[species]].max() > 0:
                return medium
        return "water"


def _inlet_temperature(ctx: Context, batch: int) -> np.ndarray:
    """Per batch row, the mass-weighted temperature (K) of what arrives at the inlet ``liquor``
    (25 C where nothing arrives)."""
    parts = ctx.inlet_streams.get("liquor", [])
    mass = np.zeros(batch)
    weighted = np.zeros(batch)
    for amounts, T in parts:
        m = amounts @ ctx.db.molar_mass
        mass += m
        weighted += m * np.broadcast_to(T, (batch,))
    return np.where(mass > 0, weighted / np.where(mass > 0, mass, 1.0), 298.15)
