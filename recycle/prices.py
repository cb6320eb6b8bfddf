"""Prices and costs (``chemistry/prices.yaml``), with user overrides, in USD.

Every entry has value, low, high, date, source. ``--prices FILE`` overrides any subset (same
structure); ``--set price.NAME="12 USD/kg"`` overrides one value. Values in CNY, EUR or GBP
are converted with the file's dated rates. Internal units: USD per kg, per kWh (electricity),
per GJ (heat), per t (water, waste), per h (labour).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from .errors import InputError, closest
from .units import Q_, check_grammar
from .yamlio import load_yaml_file

SECTIONS = ("products", "reagents", "utilities", "labour", "waste", "feed", "estimates", "per_tonne")
#: Costs a price file may give per t of cells instead of having them computed (a published model
#: that takes them as fixed per-tonne inputs): each replaces the computed lines of its category.
PER_TONNE = ("labour", "capital_charge", "maintenance")


@dataclass(frozen=True)
class Price:
    name: str
    section: str
    value: float            # USD per `unit`
    low: float
    high: float
    unit: str               # e.g. "USD/kg"
    species: str | None
    source: str
    date: str
    purity_factor: float = 1.0   # share of the price realised for the product's grade (products only)
    market: str | None = None    # products: commodity | intermediate | none (no traded market)
    conversion_cost: float = 0.0  # intermediates: cost to turn it into what the price is for, USD per unit


class PriceBook:
    """Prices by name, with lookups by species for products and reagents."""

    def __init__(self, data: dict, label: str):
        self.label = label
        self.rates = {code: float(Q_(str(c["value"])).to("USD").magnitude)
                      for code, c in (data.get("currencies") or {}).items()}
        # dated rates: a price quoted in a currency converts at the rate of its own date
        self.history = {code: {str(k): float(Q_(str(v["value"])).to("USD").magnitude)
                               for k, v in (c.get("history") or {}).items()}
                        for code, c in (data.get("currencies") or {}).items()}
        self.prices: dict[tuple[str, str], Price] = {}      # (section, name) -> price
        for section in SECTIONS:
            for name, e in (data.get(section) or {}).items():
                if not isinstance(e, dict) or "value" not in e:
                    continue
                self.prices[(section, name)] = self._price(name, section, e)
        self.correlations = self._correlations(data.get("correlations") or {})

    def _correlations(self, groups: dict) -> dict[str, tuple[tuple[str, ...], float]]:
        """Groups of prices drawn together: name -> (("section.name", ...), rho)."""
        out = {}
        for group, g in groups.items():
            where = f"{self.label}: correlations.{group}"
            if not isinstance(g, dict) or not {"prices", "rho", "source"} <= set(g):
                raise InputError(where, "needs prices (a list of section.name), rho and source")
            keys = tuple(str(k) for k in g["prices"])
            for k in keys:
                if tuple(k.split(".", 1)) not in self.prices:
                    raise InputError(f"{where}.prices", f"{k!r} is not a price; {closest(k, self.keys())}")
            rho = g["rho"]
            if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not 0.0 <= rho < 1.0:
                raise InputError(f"{where}.rho", f"expected a correlation in [0, 1), got {rho!r}")
            out[group] = (keys, float(rho))
        seen: dict[str, str] = {}
        for group, (keys, _) in out.items():
            for k in keys:
                if k in seen:
                    raise InputError(f"{self.label}: correlations.{group}", f"{k} is already in group {seen[k]}")
                seen[k] = group
        return out

    def keys(self) -> list[str]:
        """Every price as "section.name"."""
        return [f"{s}.{n}" for s, n in self.prices]

    KEYS = {"value", "low", "high", "date", "source", "quality", "species", "unit", "purity_factor", "note",
            "market", "conversion_cost"}
    MARKETS = ("commodity", "intermediate", "none")

    def _price(self, name, section, e) -> Price:
        where = f"{self.label}: {section}.{name}"
        unknown = sorted(set(e) - self.KEYS)
        if unknown:
            raise InputError(f"{where}.{unknown[0]}", f"unknown key; {closest(unknown[0], self.KEYS)}")
        unit = e.get("unit") or _unit_of(str(e["value"]))
        date = str(e.get("date", ""))
        value = self.to_usd(e["value"], unit, where + ".value", date)
        low = self.to_usd(e.get("low", e["value"]), unit, where + ".low", date)
        high = self.to_usd(e.get("high", e["value"]), unit, where + ".high", date)
        if value < 0 or not low <= value <= high:
            raise InputError(where, f"needs 0 <= low <= value <= high, got low {low:g}, value {value:g}, "
                             f"high {high:g} {unit}")
        purity = float(e.get("purity_factor", 1.0))
        if not 0.0 < purity <= 1.0:
            raise InputError(where + ".purity_factor", f"{purity} is not a fraction in (0, 1]")
        market, conversion = e.get("market"), 0.0
        if section == "products":
            if market not in self.MARKETS:
                raise InputError(where + ".market", f"{market!r}: say whether the product is a traded 'commodity', an "
                                 "'intermediate' (with its conversion_cost) or has no traded market ('none')")
            if market == "none" and low != 0:
                raise InputError(where + ".low", "a product with no traded market has a range that starts at 0")
            if "conversion_cost" in e:
                if market != "intermediate":
                    raise InputError(where + ".conversion_cost", "only an intermediate has a conversion cost")
                conversion = self.to_usd(e["conversion_cost"], unit, where + ".conversion_cost", date)
        return Price(name, section, value, low, high, unit, e.get("species"), str(e.get("source", "")),
                     str(e.get("date", "")), purity, market, conversion)

    def rate(self, code: str, date: str = "") -> float:
        """USD per unit of currency ``code`` at ``date`` ("2022", "2025-09", ...): the dated rate
        whose key the date starts with (the most specific one), else the current rate."""
        dated = [k for k in self.history.get(code, {}) if date and str(date).startswith(k)]
        return self.history[code][max(dated, key=len)] if dated else self.rates[code]

    def to_usd(self, text, unit: str, where: str, date: str = "") -> float:
        """Magnitude of ``text`` in ``unit`` (USD-based), converting other currencies at the rate
        of ``date`` where the currency has one (:meth:`rate`)."""
        s = str(text)
        check_grammar(s.strip(), text, where)
        for code in self.rates:
            s = re.sub(rf"\b{code}\b", f"({self.rate(code, date)} USD)", s)
        try:
            q = Q_(s)
            return float(q.to(unit).magnitude) if unit else float(q.to("dimensionless").magnitude)
        except Exception:  # noqa: BLE001 - pint raises several kinds
            raise InputError(where, f"cannot read price {text!r} as {unit or 'a number'}") from None

    def by_species(self, section: str) -> dict[str, Price]:
        return {p.species: p for p in self.prices.values() if p.section == section and p.species}

    @property
    def names(self) -> list[str]:
        return sorted({name for _, name in self.prices})

    def get(self, name: str) -> Price:
        """The price called ``name`` (products first, then reagents, utilities, labour, waste)."""
        for section in SECTIONS:
            if (section, name) in self.prices:
                return self.prices[(section, name)]
        raise KeyError(name)

    def override(self, name: str, text: str, where: str) -> None:
        """Set a price (``--set price.NAME=VALUE``) in the unit of the entry; a commodity that
        is both product and reagent (Li2CO3, LiOH) gets the value in both."""
        keys = [k for k in self.prices if k[1] == name]
        if not keys:
            raise InputError(where, f"unknown price {name!r}; {closest(name, self.names)}")
        for key in keys:
            old = self.prices[key]
            v = self.to_usd(text, old.unit, where)
            if v < 0:
                raise InputError(where, f"{text!r} is negative; a price is >= 0")
            self.prices[key] = Price(name, old.section, v, v, v, old.unit, old.species, f"user ({where})", "user",
                                     old.purity_factor, old.market, old.conversion_cost)


def _unit_of(text: str) -> str:
    """'10.52 USD/kg' -> 'USD/kg'; '1.6' -> ''."""
    parts = text.strip().split(None, 1)
    return parts[1] if len(parts) > 1 else ""


def load_prices(db_dir, override_file=None, overrides: dict[str, str] | None = None) -> PriceBook:
    """The shipped price book, with a user price file and single overrides applied."""
    data = load_yaml_file(db_dir / "prices.yaml", "chemistry/prices.yaml")
    label = "chemistry/prices.yaml"
    if override_file is not None:
        user = load_yaml_file(override_file)
        if not isinstance(user, dict):
            raise InputError(str(override_file), "expected a mapping of sections (products, reagents, ...)")
        data = copy.deepcopy(data)
        for section, entries in user.items():
            if section not in SECTIONS + ("currencies", "description", "correlations"):
                raise InputError(f"{override_file}: {section}", f"unknown section; {closest(section, SECTIONS)}")
            if section == "description":
                continue
            if section == "correlations":        # a user group replaces the shipped group of that name
                data = {**data, "correlations": {**(data.get("correlations") or {}), **(entries or {})}}
                continue
            if not isinstance(entries or {}, dict):
                raise InputError(f"{override_file}: {section}", "expected a mapping of names to prices "
                                 "(name: {value: ..., source: ...}), not a list or a single value")
            for name, e in (entries or {}).items():
                if section == "per_tonne" and name not in PER_TONNE:
                    raise InputError(f"{override_file}: per_tonne.{name}",
                                     f"not a cost given per t of cells; {closest(name, PER_TONNE)}")
                if section == "per_tonne" and not (isinstance(e, dict) and "source" in e and "value" in e):
                    raise InputError(f"{override_file}: per_tonne.{name}", "needs value (USD/t of cells) and source")
                base = data.setdefault(section, {}).get(name, {})
                if section == "per_tonne":
                    base = {"value": "0 USD/t"}
                if not base and not (isinstance(e, dict) and e.get("species") and section in ("products", "reagents", "feed")):
                    raise InputError(f"{override_file}: {section}.{name}",
                                     f"unknown price; {closest(name, data[section])} (a new product, reagent or "
                                     "feed price needs 'species' and 'value')")
                data[section][name] = {**base, **(e if isinstance(e, dict) else {"value": e})}
                if "value" in base:   # keep the shipped entry's unit; the user may write CNY/t
                    data[section][name]["unit"] = _unit_of(str(base["value"]))
                if "value" in (e if isinstance(e, dict) else {}) and isinstance(e, dict) and "low" not in e:
                    data[section][name]["low"] = data[section][name]["high"] = e["value"]
        label = f"{override_file}"
    book = PriceBook(data, label)
    for name, text in (overrides or {}).items():
        book.override(name, text, f"--set price.{name}")
    return book
