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

from .capital import fixed_capital, operating_seconds, sized_items
from .cases import Case, SampleRows
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


@dataclass(frozen=True, kw_only=True)
class PriceModels:
    """Every sample's price model and capital, from a batch result at once
    (:func:`price_models`); arrays of shape (samples,). For sample n,
    ``constant[n] + sum_k coefficients[k][n] x price_k`` is its net value per kg of cells (as
    :class:`LinearModel` of its own plan); ``isbl`` and ``references`` are its
    :class:`Capital` ``isbl`` and ``references``.

    constant: USD per kg of cells; coefficients: "section.name" -> USD per price unit per kg of
    cells (0 for a sample without that line; a key is here when some sample has the line);
    isbl, references: USD; cells_y: kg of cells per year."""

    constant: np.ndarray
    coefficients: dict[str, np.ndarray]
    isbl: np.ndarray
    references: np.ndarray
    cells_y: np.ndarray


@dataclass
class _Term:
    """A line of the breakdown for every sample at once: ``value`` (USD/year) and ``amount``
    (in the price's unit denominator) of shape (samples,), 0 where the sample has no such line
    (``present`` False). ``text`` is (format, arguments): the line's basis for one sample, an
    argument an array over the samples or a scalar."""

    step: str
    category: str
    item: str
    value: np.ndarray
    text: tuple[str, tuple]
    price: str | None
    amount: np.ndarray
    present: np.ndarray

    def line(self, j: int) -> Line:
        """The breakdown line of sample ``j``."""
        fmt, args = self.text
        basis = fmt.format(*(a[j] if isinstance(a, np.ndarray) else a for a in args))
        return Line(self.step, self.category, self.item, float(self.value[j]), basis, self.price,
                    float(self.amount[j]))


def _term(step: str, category: str, item: str, value, text: tuple[str, tuple], price: str | None = None,
          amount=0.0, present=True) -> _Term:
    value = np.asarray(value, dtype=float)
    present = np.broadcast_to(np.asarray(present, dtype=bool), value.shape)
    return _Term(step, category, item, np.where(present, value, 0.0), text, price,
                 np.where(present, np.broadcast_to(amount, value.shape), 0.0), present)


@dataclass
class _Sheet:
    """What the economics of every sample of a result is made of: its lines, capital items and
    fixed and working capital (arrays over the samples), and the notes (None when not asked)."""

    terms: list[_Term]
    items: list          # recycle.capital.Item, sizes and costs over the samples
    fixed: np.ndarray    # USD
    working: np.ndarray  # USD
    cells_y: np.ndarray  # kg of cells per year
    rate: float
    years: float
    seconds: float
    notes: list[str] | None


def _sheet(result: RouteResult, prices: PriceBook, equipment: dict, rows: SampleRows,
           notes: list[str] | None) -> _Sheet:
    """The breakdown lines of every sample of ``result`` (``rows``: a plan's one sample or a
    batch's every sample), from its expected rows; equipment sized on its worst rows
    (recycle.capital). The one computation behind :func:`economics` and :func:`price_models`;
    ``notes`` (a list to extend, or None) are written for a plan only."""
    db = result.db
    seconds = operating_seconds(equipment)
    years = float(str(equipment["general"]["plant_life"]["value"]).split()[0])
    rate = _g(equipment, "discount_rate")
    terms: list[_Term] = []
    reagent_prices = prices.by_species("reagents")

    def expected(x):
        return rows.at(x, Case.EXPECTED)

    # revenue: what each product sink is declared to sell (route `sells`), from the balances x price
    sells = result.route.sells or {}
    for edge, amounts, _ in result.streams.values():
        if edge.sink_kind != "product":
            continue
        sink = edge.target.split(":", 1)[1]
        mass = expected(amounts)                # kg/year of a species: mass[:, i] * molar mass[i] * seconds
        sold = set()
        for price_name in sells.get(sink, []):
            p = _sold_price(prices, price_name, result.route, sink)
            i = db.index[p.species]
            sold.add(i)
            kg_y = mass[:, i] * db.molar_mass[i] * seconds
            made = kg_y > 0
            if not made.any():
                continue
            amount = kg_y * p.purity_factor        # recovery is in the balances; grade in the price file
            grade = f" x purity factor {p.purity_factor:g}" if p.purity_factor != 1.0 else ""
            terms.append(_term(edge.source, "revenue", f"{p.name} ({sink})", amount * p.value,
                               ("{0:.4g} t/y" + grade.replace("{", "{{").replace("}", "}}") + " x {1:.4g} USD/kg",
                                (kg_y / 1000, p.value)),
                               f"{p.section}.{p.name}", amount, made))
            if p.conversion_cost > 0:
                terms.append(_term(edge.source, "conversion", f"converting {p.name} ({sink})",
                                   -kg_y * p.conversion_cost,
                                   ("{0:.4g} t/y x {1:.4g} USD/kg to a saleable product",
                                    (kg_y / 1000, p.conversion_cost)), present=made))
        if notes is not None:
            kg_y = mass[0] * db.molar_mass * seconds
            unsold = [db.names[i] for i in np.flatnonzero(kg_y > 1e-9 * kg_y.sum()) if i not in sold]
            if unsold:
                notes.append(f"'{sink}' also holds {', '.join(unsold)}: not sold (not in the route's `sells`)")
    terms += _feed_terms(result, prices, seconds, rows)
    # reagents and utilities per step
    elec = prices.get("electricity").value
    gas_price = prices.get("natural_gas").value
    cooling = prices.get("cooling_water").value
    eff = _g(equipment, "heater_efficiency")
    for sid, step in result.steps.items():
        # reagents bought (not drawn from the air), in the columns where some row has any: the
        # others are 0 kg/year, and count as such in a row's largest
        air = step.outcome.from_air
        used = np.any(step.reagents != 0, axis=0)
        if air is not None:
            used = used | np.any(air != 0, axis=0)
        cols = np.flatnonzero(used)
        kg_y = ((expected(step.reagents)[:, cols] - (0 if air is None else expected(air)[:, cols]))
                * db.molar_mass[cols] * seconds)
        largest = kg_y.max(axis=1, initial=-np.inf) if len(cols) == len(used) else kg_y.max(axis=1, initial=0.0)
        bought = kg_y > 1e-12 * np.maximum(largest, 1e-300)[:, None]
        for j in np.flatnonzero(bought.any(axis=0)):
            i = cols[j]
            name = db.names[i]
            p = reagent_prices.get(name)
            if p is None:
                if notes is not None:
                    notes.append(f"no reagent price for {name} in {sid}: not costed")
                continue
            per = 1000.0 if p.unit == "USD/t" else 1.0          # kg per price unit
            terms.append(_term(sid, "reagent", p.name, -kg_y[:, j] / per * p.value,
                               ("{0:.4g} t/y x {1:.4g} USD/kg", (kg_y[:, j] / 1000, p.value / per)),
                               f"reagents.{p.name}", -kg_y[:, j] / per, bought[:, j]))
        u = step.outcome.utilities
        if "electricity" in u:
            kwh = expected(u["electricity"]) * seconds / 3.6e6
            terms.append(_term(sid, "utility", "electricity", -kwh * elec,
                               ("{0:.4g} kWh/y x {1:.4g} USD/kWh", (kwh, elec)), "utilities.electricity", -kwh))
        heat = expected(u["heat"]) if "heat" in u else np.maximum(expected(step.enthalpy_duty), 0.0)
        if (heat > 0).any():
            gj = heat * seconds / 1e9 / eff
            terms.append(_term(sid, "utility", "natural gas", -gj * gas_price,
                               ("{0:.4g} GJ/y fuel x {1:.4g} USD/GJ", (gj, gas_price)), "utilities.natural_gas",
                               -gj, heat > 0))
        cool = expected(u["cooling"]) * seconds / 1e9       # heat removed (recycle.simulate)
        if (cool > 0).any():
            terms.append(_term(sid, "utility", "cooling water", -cool * cooling,
                               ("{0:.4g} GJ/y x {1:.4g} USD/GJ", (cool, cooling)), "utilities.cooling_water",
                               -cool, cool > 0))
    # waste disposal
    for edge, amounts, _ in result.streams.values():
        if edge.sink_kind != "waste":
            continue
        t_y = expected(amounts) @ db.molar_mass * seconds / 1000.0
        kind = _waste_kind(edge.target)
        p = prices.get(kind)
        terms.append(_term(edge.source, "waste", f"{kind} ({edge.target.split(':', 1)[1]})", -t_y * p.value,
                           ("{0:.4g} t/y x {1:.4g} USD/t", (t_y, p.value)), f"waste.{kind}", -t_y))
    # labour: Wessel's work-hours per day of a processing step, or one operator per manual station
    overhead = float(prices.get("overhead_factor").value)
    wage = prices.get("operator_wage").value * overhead
    crews = _g(equipment, "crews")
    facts = step_facts(db)
    feed_kg = expected(result.feed) @ db.molar_mass                         # kg/s of cells
    t_per_day = feed_kg * 86400.0 / 1000.0                                 # t of cells per operating day
    given = {name: prices.prices[("per_tonne", name)] for name in PER_TONNE if ("per_tonne", name) in prices.prices}
    cells_t_y = feed_kg * seconds / 1000.0                                   # t of cells per year
    if notes is not None:
        for name, p in given.items():
            notes.append(f"{name.replace('_', ' ')} is given per t of cells by {prices.label} ({p.value:.4g} USD/t), "
                         "not computed")
    if "labour" in given:
        terms.append(_per_tonne_term(given["labour"], "labour", "operators", cells_t_y))
    for sid, step in result.steps.items():
        if "labour" in given:
            break
        labour = facts[step.type].labour
        if labour == "stations":
            n = expected(step.outcome.quantities["stations"][0])
            how = ("{0:g} stations", (n,))
        else:
            n = labour * t_per_day ** WESSEL_EXPONENT / 24.0
            how = (f"Wessel {labour:g} x ({{1:.4g}} t/day)^{WESSEL_EXPONENT} h/day = {{0:.3g}} on duty",
                   (n, t_per_day))
        if (n != 0).any():
            terms.append(_term(sid, "labour", "operators", -n * crews * 2080 * wage,
                               (how[0] + f" x {crews:g} crews x 2080 h x {wage:.4g} USD/h (loaded)", how[1]),
                               "labour.operator_wage", -n * crews * 2080 * overhead, n != 0))
    # capital: annualised fixed capital, working capital, maintenance
    items = sized_items(result, equipment, rows)
    fc, per_step = fixed_capital(items, equipment)
    fc = np.broadcast_to(np.asarray(fc, dtype=float), (rows.samples,))
    needed = {}         # the samples for which a step has equipment
    for it in items:
        needed[it.step] = needed.get(it.step, False) | ~(it.size <= 0)
    factor = crf(rate, years)
    if "capital_charge" in given:      # the fixed capital whose annual charge the price file gives
        fc = given["capital_charge"].value * cells_t_y / factor
        per_step = {"plant": fc}       # what maintenance, if computed, is a share of
        needed = {"plant": True}
        items = []
        terms.append(_per_tonne_term(given["capital_charge"], "capital", "capital charge", cells_t_y))
        if notes is not None:
            notes.append(f"fixed capital {fc[0]:.4g} USD is the capital charge given per t / CRF {factor:.4f}: "
                         "the itemised equipment is not used (run without the price file's per_tonne to see it)")
    if "maintenance" in given:
        terms.append(_per_tonne_term(given["maintenance"], "maintenance", "maintenance", cells_t_y))
    wc = _g(equipment, "working_capital_fraction") * fc
    maint = _g(equipment, "maintenance_fraction")
    accuracy = prices.get("capital_cost_factor").value if ("estimates", "capital_cost_factor") in prices.prices else 1.0
    key = "estimates.capital_cost_factor" if ("estimates", "capital_cost_factor") in prices.prices else None
    if "capital_charge" in given:      # a given capital is not an estimate of ours: no accuracy factor
        accuracy, key = 1.0, None
    for sid, c in per_step.items():
        if "maintenance" not in given:
            terms.append(_term(sid, "maintenance", "maintenance", -maint * c * accuracy,
                               (f"{maint:.0%} of {{0:.4g}} USD fixed capital x {accuracy:g} (estimate accuracy)", (c,)),
                               key, -maint * c, needed[sid]))
        if "capital_charge" not in given:
            crf_text = f"CRF {factor:.4f} ({rate:.0%}, {years:g} y) x {{0:.4g}} USD x {accuracy:g} (estimate accuracy)"
            terms.append(_term(sid, "capital", "capital charge", -factor * c * accuracy, (crf_text, (c,)),
                               key, -factor * c, needed[sid]))
    if (wc != 0).any():
        terms.append(_term("plant", "capital", "working capital charge", -rate * wc * accuracy,
                           (f"{rate:.0%} of {{0:.4g}} USD x {accuracy:g}", (wc,)), key, -rate * wc, wc != 0))
    cells_y = feed_kg * seconds                                                 # kg/year
    return _Sheet(terms, items, fc, wc, cells_y, rate, years, seconds, notes)


def _priced(sheet: _Sheet) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Every sample's net value per kg of cells as c0 + sum_k a_k p_k in the prices p (USD per
    price unit): c0 (samples,), a_k (samples,) keyed "section.name", both per kg of cells."""
    coef: dict[str, np.ndarray] = {}
    const = np.zeros(len(sheet.cells_y))
    for t in sheet.terms:
        if t.price:
            coef[t.price] = coef.get(t.price, 0.0) + t.amount / sheet.cells_y
        else:
            const = const + t.value / sheet.cells_y
    return const, coef


def price_models(result: RouteResult, prices: PriceBook, equipment: dict | None = None) -> PriceModels:
    """Every sample's price model and capital from a batch result (recycle.batch: 2N rows,
    sample-major) in one pass of array operations: for sample n what
    ``economics(sample_rows(result, n), prices)`` gives as ``linear_model`` and ``capital``
    (``isbl``, ``references``), computed by the same code (tests/test_batch_economics.py)."""
    equipment = equipment or result.db.data("equipment.yaml")
    sheet = _sheet(result, prices, equipment, SampleRows.batch(len(result.feed)), None)
    const, coef = _priced(sheet)
    isbl, references = _capital_parts(sheet)
    return PriceModels(constant=const, coefficients=coef, isbl=isbl, references=references, cells_y=sheet.cells_y)


def _capital_parts(sheet: _Sheet) -> tuple[np.ndarray, np.ndarray]:
    """ISBL (equipment-costed) and whole-plant reference capital of every sample, USD."""
    isbl = sum((it.cost for it in sheet.items if it.basis != "total_capital"), np.zeros(len(sheet.cells_y)))
    references = sum((it.cost for it in sheet.items if it.basis == "total_capital"), np.zeros(len(sheet.cells_y)))
    return isbl, references


def economics(result: RouteResult, prices: PriceBook, equipment: dict | None = None,
              discounted: bool = True) -> Economics:
    """Net value and breakdown of ``result`` (a throughput-basis plan) at ``prices``.

    ``discounted=False`` skips the discounted cash flow (NPV, IRR, payback and the break-even
    feed price, which need a cash flow each and a bisection): ``npv`` is then NaN and those are
    None. Net value, breakdown, price model and capital are the same (the exact Monte Carlo needs
    only these)."""
    equipment = equipment or result.db.data("equipment.yaml")
    notes: list[str] = []
    sheet = _sheet(result, prices, equipment, SampleRows.plan(len(result.feed)), notes)
    lines = [t.line(0) for t in sheet.terms if t.present[0]]
    items = [it for it in sheet.items if not it.size[0] <= 0]
    fc, wc, cells_y = float(sheet.fixed[0]), float(sheet.working[0]), float(sheet.cells_y[0])
    rate, years, seconds = sheet.rate, sheet.years, sheet.seconds
    revenue = sum(l.value for l in lines if l.category == "revenue")
    market_none = [l for l in lines if l.category == "revenue" and l.price
                   and prices.prices.get(tuple(l.price.split(".", 1))) is not None
                   and prices.prices[tuple(l.price.split(".", 1))].market == "none"]
    unmarketed = sum(l.value for l in market_none)
    if unmarketed > 0:
        no_market = sorted({l.price.split(".", 1)[1] for l in market_none})
        notes.append(f"{unmarketed / revenue:.0%} of the revenue comes from products with no traded market "
                     f"({', '.join(no_market)}): valued by a rule (chemistry/prices.yaml), range from 0")
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
    const, coef = _priced(sheet)
    isbl, references = _capital_parts(sheet)
    return Economics(
        net_value=float(net / cells_y),
        net_value_per_kwh=float(net / kwh_y) if kwh_y else None,
        annual=Annual(revenue=float(revenue), operating_cost=float(opex), capital_charge=float(capital_charge),
                      net=float(net), cash_flow=float(cash)),
        capital=Capital(fixed=float(fc), working=float(wc), isbl=float(isbl[0]), references=float(references[0]),
                        unit_cost=float(fc / (cells_y / 1000.0)),
                        items=tuple(CapitalCost(step=it.step, item=it.name, size=float(it.size[0]),
                                                size_unit=it.size_unit, cost=float(it.cost[0]), basis=it.basis)
                                    for it in items)),
        npv=float(npv),
        irr=float(dcf.irr) if dcf.irr is not None else None,
        payback=float(dcf.payback) if dcf.payback is not None else None,
        feed_price=float(feed_per_kg),
        breakeven_feed_price=float(breakeven_feed) if breakeven_feed is not None else None,
        cash_flow=CashFlow(years=tuple(dcf.years), after_tax=tuple(float(c) for c in dcf.cash)),
        throughput=float(cells_y / 1000.0),
        breakdown=tuple(lines),
        linear_model=LinearModel(constant=float(const[0]),
                                 coefficients={k: float(a[0]) for k, a in coef.items()
                                               if any(t.present[0] for t in sheet.terms if t.price == k)}),
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


def _per_tonne_term(p, category: str, item: str, t_y: np.ndarray) -> _Term:
    """A cost the price file gives per t of cells (``per_tonne``), for ``t_y`` t of cells a year."""
    return _term("plant", category, f"{item} (given per t of cells)", -p.value * t_y,
                 ("{0:.4g} t/y x {1:.4g} USD/t ({2})", (t_y, p.value, p.source)), f"per_tonne.{p.name}", -t_y)


FIXED = ("labour", "maintenance")     # costs that do not scale with the first year's output
LI2CO3_PER_LI = 73.891 / (2 * 6.941)  # kg Li2CO3 equivalent per kg Li


def _feed_terms(result: RouteResult, prices: PriceBook, seconds: float, rows: SampleRows) -> list[_Term]:
    """What the spent cells cost: a payable share of the Ni, Co and Li in the electrodes' active
    materials (cathode and Li or Li-In anode: metal prices; Li as Li2CO3 equivalent), as NCM
    black-mass markets quote it, plus collection and transport, plus any `feed` price that names a
    species (charged per kg of that species in the cells). Counting the anode's Li keeps the
    price independent of the state of charge (charging moves Li from cathode to anode). Li in the
    electrolyte is not paid for: black-mass payables are quoted on electrode metals (S)."""
    db = result.db
    feed = rows.at(result.feed, Case.EXPECTED)
    electrodes = db.mask(role="cathode") | db.mask(role="anode")
    element_kg = (feed[:, electrodes] @ db.element_matrix[:, electrodes].T) * db.element_molar_mass * seconds  # kg/year
    kg = {e: element_kg[:, k] for k, e in enumerate(db.elements)}
    out = []
    nico = prices.get("payable_NiCo").value
    for element, price in (("Ni", "Ni_metal"), ("Co", "Co_metal")):
        if element in kg and (kg[element] > 0).any():
            p = prices.get(price)
            amount = -nico * kg[element]
            out.append(_term("feed", "feed", f"cells: payable {element}", amount * p.value,
                             (f"{{0:.4g}} t/y {element} x payable {nico:.3g} x {p.value:.4g} USD/kg",
                              (kg[element] / 1000,)), f"feed.{price}", amount, kg[element] > 0))
    if "Li" in kg and (kg["Li"] > 0).any():
        li = prices.get("payable_Li").value
        p = prices.get("Li2CO3")
        amount = -li * kg["Li"] * LI2CO3_PER_LI
        out.append(_term("feed", "feed", "cells: payable Li", amount * p.value,
                         (f"{{0:.4g}} t/y Li x {LI2CO3_PER_LI:.3f} LCE x payable {li:.3g} x {p.value:.4g} USD/kg",
                          (kg["Li"] / 1000,)), f"{p.section}.Li2CO3", amount, kg["Li"] > 0))
    # a feed price on a species of the cells (a price file's `feed` entry with `species`), e.g.
    # Ma et al. 2024's purchase of the spent cathode active material per kg of it
    for (section, name), p in prices.prices.items():
        if section != "feed" or not p.species:
            continue
        i = db.index[p.species]
        kg_y = feed[:, i] * db.molar_mass[i] * seconds
        if (kg_y > 0).any():
            per = 1000.0 if p.unit == "USD/t" else 1.0
            out.append(_term("feed", "feed", f"cells: {name} ({p.species})", -kg_y / per * p.value,
                             (f"{{0:.4g}} t/y {p.species} x {p.value / per:.4g} USD/kg", (kg_y / 1000,)),
                             f"feed.{name}", -kg_y / per, kg_y > 0))
    t_y = feed @ db.molar_mass * seconds / 1000.0
    p = prices.get("collection_transport")
    out.append(_term("feed", "feed", "collection and transport", -t_y * p.value,
                     ("{0:.4g} t/y x {1:.4g} USD/t", (t_y, p.value)), "feed.collection_transport", -t_y))
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

