"""Economics of a route from its balances: revenue, operating cost, capital, net value, NPV.

Scope follows Argonne's EverBatt (capex, opex, revenue per kg of cells) and adds what it
lacks: gas handling costed from the balances (caustic, flare, scrubber), solid-state products,
and low/high ranges from the price file. Input: a plan on a throughput basis (kg/s of cells).
Every line of the breakdown names its step and item; the lines sum to the totals.
Units: USD per year, USD per kg of cells, USD per kWh of cell capacity.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .capital import capital_items, fixed_capital, operating_seconds
from .cases import Case
from .cashflow import Finance, breakeven, cash_flow
from .prices import PER_TONNE, PriceBook
from .results import Measured, internal, measured
from .simulate import RouteResult
from .step_types import step_facts


@dataclass(frozen=True, repr=False)
class Line(Measured):
    """One line of the breakdown; revenue positive, costs negative."""

    step: str
    category: str       # feed | revenue | conversion | reagent | utility | labour | maintenance | waste | capital
    item: str
    value: float = measured("USD/year")
    basis: str
    price: str | None = internal(default=None)    # "section.name" of the price the line is linear in
    amount: float = internal(default=0.0)         # value = amount x price value (amount in the price's unit denominator)


@dataclass(frozen=True, kw_only=True, repr=False)
class Annual(Measured):
    """A year's revenue, operating cost, capital charge, net (= revenue - the two) and cash flow
    (revenue - operating cost)."""

    revenue: float = measured("USD/year")
    operating_cost: float = measured("USD/year")
    capital_charge: float = measured("USD/year")
    net: float = measured("USD/year")
    cash_flow: float = measured("USD/year")


@dataclass(frozen=True, kw_only=True, repr=False)
class CapitalCost(Measured):
    """One capital item: its step, what it is, its size (in ``size_unit``) and cost."""

    step: str
    item: str
    size: float = measured(unit_field="size_unit")
    cost: float = measured("USD")
    basis: str
    size_unit: str = internal()


@dataclass(frozen=True, kw_only=True, repr=False)
class Capital(Measured):
    """Fixed and working capital; ``isbl`` the equipment-costed part, ``references`` the
    whole-plant references; ``unit_cost`` fixed capital per t/year of cells (JSON key "unit")."""

    fixed: float = measured("USD")
    working: float = measured("USD")
    isbl: float = measured("USD")
    references: float = measured("USD")
    unit_cost: float = measured("USD per t/year", key="unit", pint="USD * year / t")
    items: tuple[CapitalCost, ...]


@dataclass(frozen=True, kw_only=True, repr=False)
class CashFlow(Measured):
    """After-tax cash flow by project year (recycle.cashflow)."""

    years: tuple[int, ...]
    after_tax: tuple[float, ...] = measured("USD/year")


@dataclass(frozen=True, kw_only=True)
class LinearModel:
    """Net value per kg of cells as ``constant + sum_k coefficients[k] x price_k`` (USD per
    price unit), both per kg of cells."""

    constant: float
    coefficients: dict[str, float]


@dataclass(frozen=True, kw_only=True)
class Assumptions:
    discount_rate: float
    plant_life_years: float
    operating_days: float
    price_file: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Economics(Measured):
    """Economics of a route (recycle.economics.economics); per kg and per kWh of cells fed."""

    net_value: float = measured("USD/kg")
    net_value_per_kwh: float | None = measured("USD/kWh")
    annual: Annual
    capital: Capital
    npv: float = measured("USD")
    irr: float | None = measured("")
    payback: float | None = measured("year")
    feed_price: float = measured("USD/kg")
    breakeven_feed_price: float | None = measured("USD/kg")
    cash_flow: CashFlow
    throughput: float = measured("t/year")
    breakdown: tuple[Line, ...]
    linear_model: LinearModel
    by_category: Mapping[str, float] = measured("USD/year")
    cost_breakdown: Mapping[str, float] = measured("USD/kg")
    revenue_without_market: float = measured("USD/kg")
    by_step: Mapping[str, float] = measured("USD/year")
    notes: tuple[str, ...]
    assumptions: Assumptions


def _g(equipment, key) -> float:
    return float(equipment["general"][key]["value"])


WESSEL_EXPONENT = 0.24   # operating labour ~ capacity^0.24 (Wessel 1952 via AACE eq. 10.5: hours/ton ~ capacity^-0.76)


def crf(rate: float, years: float) -> float:
    """Capital recovery factor i (1+i)^n / ((1+i)^n - 1)."""
    return rate * (1 + rate) ** years / ((1 + rate) ** years - 1)


def economics(result: RouteResult, prices: PriceBook, equipment: dict | None = None,
              discounted: bool = True) -> Economics:
    """Net value and breakdown of ``result`` (a throughput-basis plan) at ``prices``.

    ``discounted=False`` skips the discounted cash flow (NPV, IRR, payback and the break-even
    feed price, which need a cash flow each and a bisection): ``npv`` is then NaN and those are
    None. Net value, breakdown, price model and capital are the same (the exact Monte Carlo needs
    only these)."""
    db = result.db
    equipment = equipment or db.data("equipment.yaml")
    seconds = operating_seconds(equipment)
    years = float(str(equipment["general"]["plant_life"]["value"]).split()[0])
    rate = _g(equipment, "discount_rate")
    lines: list[Line] = []
    notes: list[str] = []
    reagent_prices = prices.by_species("reagents")

    # revenue: what each product sink is declared to sell (route `sells`), from the balances x price
    sells = result.route.sells or {}
    no_market: list[str] = []
    for edge, amounts, _ in result.streams.values():
        if edge.sink_kind != "product":
            continue
        sink = edge.target.split(":", 1)[1]
        kg_y = amounts[Case.EXPECTED] * db.molar_mass * seconds
        sold = set()
        for price_name in sells.get(sink, []):
            p = _sold_price(prices, price_name, result.route, sink)
            i = db.index[p.species]
            sold.add(i)
            if kg_y[i] <= 0:
                continue
            amount = kg_y[i] * p.purity_factor        # recovery is in the balances; grade in the price file
            grade = f" x purity factor {p.purity_factor:g}" if p.purity_factor != 1.0 else ""
            lines.append(Line(edge.source, "revenue", f"{p.name} ({sink})",
                              amount * p.value, f"{kg_y[i] / 1000:.4g} t/y{grade} x {p.value:.4g} USD/kg",
                              f"{p.section}.{p.name}", amount))
            if p.conversion_cost > 0:
                lines.append(Line(edge.source, "conversion", f"converting {p.name} ({sink})",
                                  -kg_y[i] * p.conversion_cost,
                                  f"{kg_y[i] / 1000:.4g} t/y x {p.conversion_cost:.4g} USD/kg to a saleable product"))
            if p.market == "none":
                no_market.append(p.name)
        unsold = [db.names[i] for i in np.flatnonzero(kg_y > 1e-9 * kg_y.sum()) if i not in sold]
        if unsold:
            notes.append(f"'{sink}' also holds {', '.join(unsold)}: not sold (not in the route's `sells`)")
    lines += _feed_lines(result, prices, seconds)
    # reagents and utilities per step
    elec = prices.get("electricity").value
    gas_price = prices.get("natural_gas").value
    cooling = prices.get("cooling_water").value
    eff = _g(equipment, "heater_efficiency")
    for sid, step in result.steps.items():
        kg_y = step.bought_reagents[Case.EXPECTED] * db.molar_mass * seconds
        for i in np.flatnonzero(kg_y > 1e-12 * max(float(kg_y.max()), 1e-300)):
            name = db.names[i]
            p = reagent_prices.get(name)
            if p is None:
                notes.append(f"no reagent price for {name} in {sid}: not costed")
                continue
            per = 1000.0 if p.unit == "USD/t" else 1.0          # kg per price unit
            lines.append(Line(sid, "reagent", p.name, -kg_y[i] / per * p.value,
                              f"{kg_y[i] / 1000:.4g} t/y x {p.value / per:.4g} USD/kg", f"reagents.{p.name}", -kg_y[i] / per))
        u = step.outcome.utilities
        if "electricity" in u:
            kwh = float(u["electricity"][Case.EXPECTED]) * seconds / 3.6e6
            lines.append(Line(sid, "utility", "electricity", -kwh * elec, f"{kwh:.4g} kWh/y x {elec:.4g} USD/kWh",
                              "utilities.electricity", -kwh))
        heat = float(u["heat"][Case.EXPECTED]) if "heat" in u else max(float(step.enthalpy_duty[Case.EXPECTED]), 0.0)
        if heat > 0:
            gj = heat * seconds / 1e9 / eff
            lines.append(Line(sid, "utility", "natural gas", -gj * gas_price, f"{gj:.4g} GJ/y fuel x {gas_price:.4g} USD/GJ",
                              "utilities.natural_gas", -gj))
        cool = float(u["cooling"][Case.EXPECTED]) * seconds / 1e9       # heat removed (recycle.simulate)
        if cool > 0:
            lines.append(Line(sid, "utility", "cooling water", -cool * cooling, f"{cool:.4g} GJ/y x {cooling:.4g} USD/GJ",
                              "utilities.cooling_water", -cool))
    # waste disposal
    for edge, amounts, _ in result.streams.values():
        if edge.sink_kind != "waste":
            continue
        t_y = float(amounts[Case.EXPECTED] @ db.molar_mass) * seconds / 1000.0
        kind = _waste_kind(edge.target)
        p = prices.get(kind)
        lines.append(Line(edge.source, "waste", f"{kind} ({edge.target.split(':', 1)[1]})", -t_y * p.value,
                          f"{t_y:.4g} t/y x {p.value:.4g} USD/t", f"waste.{kind}", -t_y))
    # labour: Wessel's work-hours per day of a processing step, or one operator per manual station
    overhead = float(prices.get("overhead_factor").value)
    wage = prices.get("operator_wage").value * overhead
    crews = _g(equipment, "crews")
    facts = step_facts(db)
    t_per_day = float(result.feed[Case.EXPECTED] @ db.molar_mass) * 86400.0 / 1000.0          # t of cells per operating day
    given = {name: prices.prices[("per_tonne", name)] for name in PER_TONNE if ("per_tonne", name) in prices.prices}
    cells_t_y = float(result.feed[Case.EXPECTED] @ db.molar_mass) * seconds / 1000.0         # t of cells per year
    for name, p in given.items():
        notes.append(f"{name.replace('_', ' ')} is given per t of cells by {prices.label} ({p.value:.4g} USD/t), "
                     "not computed")
    if "labour" in given:
        lines.append(_per_tonne_line(given["labour"], "labour", "operators", cells_t_y))
    for sid, step in result.steps.items():
        if "labour" in given:
            break
        labour = facts[step.type].labour
        if labour == "stations":
            n = float(step.outcome.quantities["stations"][0][Case.EXPECTED])
            how = f"{n:g} stations"
        else:
            n = labour * t_per_day ** WESSEL_EXPONENT / 24.0
            how = f"Wessel {labour:g} x ({t_per_day:.4g} t/day)^{WESSEL_EXPONENT} h/day = {n:.3g} on duty"
        if n:
            lines.append(Line(sid, "labour", "operators", -n * crews * 2080 * wage,
                              f"{how} x {crews:g} crews x 2080 h x {wage:.4g} USD/h (loaded)",
                              "labour.operator_wage", -n * crews * 2080 * overhead))
    # capital: annualised fixed capital, working capital, maintenance
    items = capital_items(result, equipment)
    fc, per_step = fixed_capital(items, equipment)
    factor = crf(rate, years)
    if "capital_charge" in given:      # the fixed capital whose annual charge the price file gives
        fc = given["capital_charge"].value * cells_t_y / factor
        per_step = {"plant": fc}       # what maintenance, if computed, is a share of
        items = []
        lines.append(_per_tonne_line(given["capital_charge"], "capital", "capital charge", cells_t_y))
        notes.append(f"fixed capital {fc:.4g} USD is the capital charge given per t / CRF {factor:.4f}: "
                     "the itemised equipment is not used (run without the price file's per_tonne to see it)")
    if "maintenance" in given:
        lines.append(_per_tonne_line(given["maintenance"], "maintenance", "maintenance", cells_t_y))
    wc = _g(equipment, "working_capital_fraction") * fc
    maint = _g(equipment, "maintenance_fraction")
    accuracy = prices.get("capital_cost_factor").value if ("estimates", "capital_cost_factor") in prices.prices else 1.0
    key = "estimates.capital_cost_factor" if ("estimates", "capital_cost_factor") in prices.prices else None
    if "capital_charge" in given:      # a given capital is not an estimate of ours: no accuracy factor
        accuracy, key = 1.0, None
    for sid, c in per_step.items():
        if "maintenance" not in given:
            lines.append(Line(sid, "maintenance", "maintenance", -maint * c * accuracy,
                              f"{maint:.0%} of {c:.4g} USD fixed capital x {accuracy:g} (estimate accuracy)",
                              key, -maint * c))
        if "capital_charge" not in given:
            lines.append(Line(sid, "capital", "capital charge", -factor * c * accuracy,
                              f"CRF {factor:.4f} ({rate:.0%}, {years:g} y) x {c:.4g} USD x {accuracy:g} (estimate accuracy)",
                              key, -factor * c))
    if wc:
        lines.append(Line("plant", "capital", "working capital charge", -rate * wc * accuracy,
                          f"{rate:.0%} of {wc:.4g} USD x {accuracy:g}", key, -rate * wc))

    cells_y = float(result.feed[Case.EXPECTED] @ db.molar_mass) * seconds                     # kg/year
    revenue = sum(l.value for l in lines if l.category == "revenue")
    unmarketed = sum(l.value for l in lines if l.category == "revenue" and l.price
                     and prices.prices.get(tuple(l.price.split(".", 1))) is not None
                     and prices.prices[tuple(l.price.split(".", 1))].market == "none")
    if unmarketed > 0:
        notes.append(f"{unmarketed / revenue:.0%} of the revenue comes from products with no traded market "
                     f"({', '.join(sorted(set(no_market)))}): valued by a rule (chemistry/prices.yaml), range from 0")
    opex = -sum(l.value for l in lines if l.category not in ("revenue", "capital"))
    capital_charge = -sum(l.value for l in lines if l.category == "capital")
    net = revenue - opex - capital_charge
    cash = revenue - opex
    fixed_cost = -sum(l.value for l in lines if l.category in FIXED)
    variable = opex - fixed_cost
    finance = _finance(equipment, rate, years)
    feed_per_kg = -sum(l.value for l in lines if l.category == "feed") / cells_y
    if discounted:
        dcf = cash_flow(fc, wc, revenue, variable, fixed_cost, finance)
        try:
            breakeven_feed = feed_per_kg + breakeven(fc, wc, revenue, variable, fixed_cost, finance, cells_y)
        except ValueError:
            breakeven_feed = None
        npv = dcf.npv
    else:
        dcf = _NO_CASH_FLOW
        breakeven_feed, npv = None, float("nan")
    kwh_y = _capacity_kwh_per_year(result, cells_y)
    categories = dict.fromkeys(l.category for l in lines)
    return Economics(
        net_value=float(net / cells_y),
        net_value_per_kwh=float(net / kwh_y) if kwh_y else None,
        annual=Annual(revenue=float(revenue), operating_cost=float(opex), capital_charge=float(capital_charge),
                      net=float(net), cash_flow=float(cash)),
        capital=Capital(fixed=float(fc), working=float(wc),
                        isbl=float(sum(it.cost for it in items if it.basis != "total_capital")),
                        references=float(sum(it.cost for it in items if it.basis == "total_capital")),
                        unit_cost=float(fc / (cells_y / 1000.0)),
                        items=tuple(CapitalCost(step=it.step, item=it.name, size=float(it.size), size_unit=it.size_unit,
                                                cost=float(it.cost), basis=it.basis) for it in items)),
        npv=float(npv),
        irr=float(dcf.irr) if dcf.irr is not None else None,
        payback=float(dcf.payback) if dcf.payback is not None else None,
        feed_price=float(feed_per_kg),
        breakeven_feed_price=float(breakeven_feed) if breakeven_feed is not None else None,
        cash_flow=CashFlow(years=tuple(dcf.years), after_tax=tuple(float(c) for c in dcf.cash)),
        throughput=float(cells_y / 1000.0),
        breakdown=tuple(lines),
        linear_model=linear_model(lines, cells_y),
        by_category={c: float(sum(l.value for l in lines if l.category == c)) for c in categories},
        cost_breakdown={c: float(-sum(l.value for l in lines if l.category == c) / cells_y)
                        for c in categories if c != "revenue"},
        revenue_without_market=float(unmarketed / cells_y),
        by_step={s: float(sum(l.value for l in lines if l.step == s)) for s in dict.fromkeys(l.step for l in lines)},
        notes=tuple(sorted(set(notes))),
        assumptions=Assumptions(discount_rate=rate, plant_life_years=years, operating_days=seconds / 86400,
                                price_file=prices.label),
    )


class _NoCashFlow:
    """What ``economics(discounted=False)`` reports for the cash flow it skipped."""

    npv = float("nan")
    irr = payback = None
    years: tuple = ()
    cash: tuple = ()


_NO_CASH_FLOW = _NoCashFlow()


def _per_tonne_line(p, category: str, item: str, t_y: float) -> Line:
    """A cost the price file gives per t of cells (``per_tonne``), for ``t_y`` t of cells a year."""
    return Line("plant", category, f"{item} (given per t of cells)", -p.value * t_y,
                f"{t_y:.4g} t/y x {p.value:.4g} USD/t ({p.source})", f"per_tonne.{p.name}", -t_y)


def linear_model(lines: list[Line], cells_y: float) -> LinearModel:
    """Net value per kg of cells as c0 + sum_k a_k p_k in the prices p (USD per price unit),
    ``coefficients`` keyed "section.name", both per kg of cells."""
    coef: dict[str, float] = {}
    const = 0.0
    for line in lines:
        if line.price:
            coef[line.price] = coef.get(line.price, 0.0) + line.amount / cells_y
        else:
            const += line.value / cells_y
    return LinearModel(constant=const, coefficients=coef)


FIXED = ("labour", "maintenance")     # costs that do not scale with the first year's output
LI2CO3_PER_LI = 73.891 / (2 * 6.941)  # kg Li2CO3 equivalent per kg Li


def _feed_lines(result: RouteResult, prices: PriceBook, seconds: float) -> list[Line]:
    """What the spent cells cost: a payable share of the Ni, Co and Li in the electrodes' active
    materials (cathode and Li or Li-In anode: metal prices; Li as Li2CO3 equivalent), as NCM
    black-mass markets quote it, plus collection and transport, plus any `feed` price that names a
    species (charged per kg of that species in the cells). Counting the anode's Li keeps the
    price independent of the state of charge (charging moves Li from cathode to anode). Li in the
    electrolyte is not paid for: black-mass payables are quoted on electrode metals (S)."""
    db = result.db
    cathode = np.where(db.mask(role="cathode") | db.mask(role="anode"), result.feed[Case.EXPECTED], 0.0)
    element_kg = db.element_totals(cathode) * db.element_molar_mass * seconds               # kg/year
    kg = dict(zip(db.elements, element_kg))
    out = []
    nico = prices.get("payable_NiCo").value
    for element, price in (("Ni", "Ni_metal"), ("Co", "Co_metal")):
        if kg.get(element, 0.0) > 0:
            p = prices.get(price)
            amount = -nico * kg[element]
            out.append(Line("feed", "feed", f"cells: payable {element}", amount * p.value,
                            f"{kg[element] / 1000:.4g} t/y {element} x payable {nico:.3g} x {p.value:.4g} USD/kg",
                            f"feed.{price}", amount))
    if kg.get("Li", 0.0) > 0:
        li = prices.get("payable_Li").value
        p = prices.get("Li2CO3")
        amount = -li * kg["Li"] * LI2CO3_PER_LI
        out.append(Line("feed", "feed", "cells: payable Li", amount * p.value,
                        f"{kg['Li'] / 1000:.4g} t/y Li x {LI2CO3_PER_LI:.3f} LCE x payable {li:.3g} x {p.value:.4g} USD/kg",
                        f"{p.section}.Li2CO3", amount))
    # a feed price on a species of the cells (a price file's `feed` entry with `species`), e.g.
    # Ma et al. 2024's purchase of the spent cathode active material per kg of it
    for (section, name), p in prices.prices.items():
        if section != "feed" or not p.species:
            continue
        i = db.index[p.species]
        kg_y = float(result.feed[Case.EXPECTED][i] * db.molar_mass[i]) * seconds
        if kg_y > 0:
            per = 1000.0 if p.unit == "USD/t" else 1.0
            out.append(Line("feed", "feed", f"cells: {name} ({p.species})", -kg_y / per * p.value,
                            f"{kg_y / 1000:.4g} t/y {p.species} x {p.value / per:.4g} USD/kg", f"feed.{name}", -kg_y / per))
    t_y = float(result.feed[Case.EXPECTED] @ db.molar_mass) * seconds / 1000.0
    p = prices.get("collection_transport")
    out.append(Line("feed", "feed", "collection and transport", -t_y * p.value, f"{t_y:.4g} t/y x {p.value:.4g} USD/t",
                    "feed.collection_transport", -t_y))
    return out


def _finance(equipment: dict, rate: float, years: float) -> Finance:
    g = equipment["general"]
    schedule = tuple(float(x) for x in str(g["construction_schedule"]["value"]).split(","))
    return Finance(rate, int(years), float(g["tax_rate"]["value"]), schedule, float(g["startup_sales"]["value"]),
                   float(g["startup_variable"]["value"]), str(g["depreciation"]["value"]))


def _sold_price(prices: PriceBook, name: str, route, sink: str):
    """The price a route's ``sells`` entry names (a product, or a reagent sold back)."""
    from .errors import InputError, closest

    for section in ("products", "reagents"):
        p = prices.prices.get((section, name))
        if p is not None and p.species:
            return p
    raise InputError(f"{route.label}: sells.{sink}", f"no product or reagent price {name!r}; {closest(name, prices.names)}")


def _waste_kind(target: str) -> str:
    name = target.lower()
    if "slag" in name:
        return "slag"
    if "brine" in name:
        return "brine"
    if any(w in name for w in ("effluent", "liquor", "water")):
        return "wastewater"
    return "hazardous_solid"


def _capacity_kwh_per_year(result, cells_y: float) -> float | None:
    """kWh of cell capacity processed per year, from the catalogue cells of the inventory."""
    inv = result.inventory
    if inv is None or not inv.rows or any(r.specific_energy is None for r in inv.rows):
        return None
    return cells_y * sum(r.mass * r.specific_energy for r in inv.rows) / inv.total_mass / 3.6e6

