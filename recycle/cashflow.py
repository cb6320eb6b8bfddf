"""Discounted cash flow of a plant, in the manner of BioSTEAM's TEA: construction schedule,
start-up, working capital, depreciation, income tax; NPV, IRR, payback and the break-even feed
price (the feed cost per kg of cells at which NPV is zero).

Conventions (parameters in ``chemistry/equipment.yaml`` ``general``, each with its source):
- years are counted from the start of construction; capital is spent over the construction
  years by ``construction_schedule``; working capital is spent in the last construction year
  and recovered at the end of the plant life;
- the first operating year runs at ``startup_sales`` of the sales and ``startup_variable`` of
  the variable costs (fixed costs in full);
- depreciation of the fixed capital by MACRS 7-year (IRS half-year table) or straight line
  over ``depreciation_years``;
- income tax at ``tax_rate`` on positive taxable income (no credit for a loss);
- cash flows are discounted to the start of construction.
Units: USD, USD per year, years.
"""
from __future__ import annotations

from dataclasses import dataclass

MACRS7 = (0.1429, 0.2449, 0.1749, 0.1249, 0.0893, 0.0892, 0.0893, 0.0446)


@dataclass(frozen=True)
class Finance:
    """Financial conventions: rate, life and tax as fractions and years."""

    discount_rate: float
    plant_life: int
    tax_rate: float
    construction_schedule: tuple[float, ...]
    startup_sales: float
    startup_variable: float
    depreciation: str            # "MACRS7" or "straight"
    depreciation_years: int = 10


@dataclass(frozen=True)
class CashFlow:
    """Yearly cash flows (index 0 = first year of construction) and the figures drawn from them."""

    years: tuple[int, ...]
    cash: tuple[float, ...]          # after-tax net cash flow, USD/year
    npv: float
    irr: float | None
    payback: float | None            # years of operation until the cumulative cash turns positive


def cash_flow(fixed_capital: float, working_capital: float, sales: float, variable_cost: float,
              fixed_cost: float, finance: Finance, with_irr: bool = True) -> CashFlow:
    """Cash flows and NPV, IRR (unless ``with_irr`` is False), payback of a plant (all amounts
    in USD or USD/year)."""
    build = len(finance.construction_schedule)
    life = finance.plant_life
    cash = []
    dep = _depreciation(fixed_capital, finance)
    for year in range(build + life):
        if year < build:
            flow = -fixed_capital * finance.construction_schedule[year]
            if year == build - 1:
                flow -= working_capital
            cash.append(flow)
            continue
        op = year - build                               # operating year 0, 1, ...
        s = sales * (finance.startup_sales if op == 0 else 1.0)
        v = variable_cost * (finance.startup_variable if op == 0 else 1.0)
        d = dep[op] if op < len(dep) else 0.0
        taxable = s - v - fixed_cost - d
        tax = finance.tax_rate * max(taxable, 0.0)
        flow = s - v - fixed_cost - tax
        if op == life - 1:
            flow += working_capital
        cash.append(flow)
    npv = _npv(cash, finance.discount_rate)
    return CashFlow(tuple(range(len(cash))), tuple(cash), npv, _irr(cash) if with_irr else None,
                    _payback(cash, build))


def breakeven(fixed_capital: float, working_capital: float, sales: float, variable_cost: float,
              fixed_cost: float, finance: Finance, feed_mass: float) -> float:
    """The extra feed cost (USD per kg of cells; negative: a gate fee the plant needs) at which the
    NPV is zero, by bisection; ``feed_mass`` kg of cells per year."""
    def npv_at(x: float) -> float:
        return cash_flow(fixed_capital, working_capital, sales, variable_cost + x * feed_mass, fixed_cost, finance,
                         with_irr=False).npv

    lo, hi = -1.0, 1.0
    while npv_at(lo) < 0:
        lo *= 2
        if lo < -1e6:
            raise ValueError("no break-even feed price")
    while npv_at(hi) > 0:
        hi *= 2
        if hi > 1e6:
            raise ValueError("no break-even feed price")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if npv_at(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, abs(mid)):
            break
    return 0.5 * (lo + hi)


def _depreciation(fixed_capital: float, finance: Finance) -> list[float]:
    if finance.depreciation == "MACRS7":
        return [fixed_capital * f for f in MACRS7]
    n = finance.depreciation_years
    return [fixed_capital / n] * n


def _npv(cash: list[float], rate: float) -> float:
    return float(sum(c / (1 + rate) ** t for t, c in enumerate(cash)))


def _irr(cash: list[float]) -> float | None:
    """Internal rate of return by bisection on [-0.99, 10]; None when NPV does not change sign."""
    lo, hi = -0.99, 10.0
    f_lo, f_hi = _npv(cash, lo), _npv(cash, hi)
    if f_lo * f_hi > 0:
        return None
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = _npv(cash, mid)
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _payback(cash: list[float], build: int) -> float | None:
    """Years of operation until the cumulative (undiscounted) cash flow turns positive."""
    total = 0.0
    for t, c in enumerate(cash):
        before = total
        total += c
        if t >= build and total >= 0 > before:
            return (t - build) + (-before / c if c else 0.0)
    return None
