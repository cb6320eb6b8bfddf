# %% [markdown]
# # recycle from Python: plan, audit, compare and the Monte Carlo on your own inventory
#
# A `# %%` script (open it in VS Code, Spyder or Jupyter with jupytext, or run it with
# `python docs/example.py`). tests/test_docs_example.py runs it, so it stays correct.
# Amounts inside a plan are SI arrays. `audit`, `economics`, `safety`, `environment`,
# `compare_routes` and `monte_carlo` return frozen dataclasses whose fields name their unit
# (`money.net_value` in USD/kg, `money.quantity("net_value")` as a pint quantity);
# `recycle.report.to_json` makes their {"value", "unit"} JSON.

# %%
import pandas as pd

from recycle import (Planner, audit, compare_routes, economics, environment, load_prices, monte_carlo,
                     plan_frames, route_model, tornado, write_workbook)

planner = Planner.load()
prices = load_prices(planner.db.directory)

# %% [markdown]
# An inventory is a file, a DataFrame or a list of dicts with the CSV's columns: a catalogue
# cell (`recycle chemistries`), how many, the mass of one cell, and the state of charge.

# %%
inventory = pd.DataFrame([
    {"name": "sulfide pouch cells", "chemistry": "LPSCL-NCM811-LI", "count": 400, "cell_mass": "0.8 kg", "soc": 0.1},
    {"name": "garnet pouch cells", "chemistry": "LLZO-NCM811-LI", "count": 250, "cell_mass": "0.45 kg", "soc": 0.0},
])

# %% [markdown]
# ## A plan: mass and energy balances of every step, at a plant throughput

# %%
result = planner.plan(inventory, "hydrometallurgy", basis="10 t/day")
print(result)
print(f"largest element residual: {result.max_relative_element_residual():.1e}")
frames = plan_frames(result)                     # tidy DataFrames with a unit column
gases = frames["gases"]
print(gases[gases["species"] == "H2S"])

# %% [markdown]
# ## Gas handling, money and footprint of that plan

# %%
findings = audit(result)
critical = [f for f in findings.findings if f.severity == "critical"]
print(f"{len(critical)} critical audit findings")
money = economics(result, prices)
print(money)                                     # a frozen dataclass: floats in the units its fields name
print("net value:", money.quantity("net_value"), " break-even feed price:", money.quantity("breakeven_feed_price"))
footprint = environment(result, region="US")
print("GHG (US grid):", footprint.ghg.quantity("total"), "of which electricity", footprint.ghg.electricity.total)

# %% [markdown]
# ## All routes side by side, and how sure the ranking is

# %%
comparison = compare_routes(planner, inventory, None, "10 t/day", {}, prices)
print(pd.DataFrame([{"route": r.route, "net value [USD/kg]": r.economics.net_value,
                     "worst risk (1-25)": r.safety.risk.worst_risk} for r in comparison.routes]))
models = [route_model(planner, inventory, r, "10 t/day", {}, prices) for r in ("direct-regeneration", "hydrometallurgy")]
mc = monte_carlo(models, prices, samples=5_000, seed=1)
for r in mc.routes:
    print(r.route, "P(best net value) =", r.probability_best_net_value, "GHG p50 =", r.quantity("ghg")["p50"])
print(pd.DataFrame(tornado(models[1], prices, top=5))[["input", "net_value_low", "net_value_high"]])

# %% [markdown]
# ## Everything to Excel

# %%
write_workbook("example-plan.xlsx", frames)
print(pd.read_excel("example-plan.xlsx", sheet_name=None).keys())
