"""Chemistry data: every species cited and usable, reactions balanced, Cantera enthalpies right."""
from __future__ import annotations

import numpy as np
import pytest

from recycle.errors import InputError
from recycle.reactions import load_reactions
from recycle.yamlio import load_yaml_file

FLAGS = {"E", "X", "D", "T", "S", "U"}


@pytest.mark.parametrize("fname", ["species.yaml", "species_process.yaml", "species_reactivity.yaml"])
def test_every_project_species_has_sources_flags_and_density(db, fname):
    data = load_yaml_file(db.directory / fname)
    assert data["description"].strip()
    for sp in data["species"]:
        assert sp.get("note"), f"{sp['name']} has no source note"
        quality = sp.get("quality")
        assert isinstance(quality, dict), f"{sp['name']} has no quality flags"
        for key in ("h0", "density"):
            assert str(quality.get(key)) in FLAGS, f"{sp['name']}: quality of {key} missing"
        assert "density" in sp["equation-of-state"]


def test_every_condensed_species_has_a_positive_density(db):
    condensed = ~db.is_gas
    assert np.all(db.density[condensed] > 100.0)       # kg/m^3; Li is the lightest at 534
    assert np.all(np.isnan(db.density[db.is_gas]))


def test_molar_masses_from_cantera_weights(db):
    # Hand calculation with IUPAC weights: Li 6.94, Li2CO3 = 2(6.94) + 12.011 + 3(15.999) = 73.89,
    # Li6PS5Cl = 6(6.94) + 30.974 + 5(32.06) + 35.45 = 268.36 g/mol.
    assert db.molar_mass[db.index["Li(cr)"]] == pytest.approx(6.94e-3, rel=1e-3)
    assert db.molar_mass[db.index["Li2CO3(s)"]] == pytest.approx(73.89e-3, rel=1e-3)
    assert db.molar_mass[db.index["Li6PS5Cl(s)"]] == pytest.approx(268.36e-3, rel=1e-3)


def test_li_water_enthalpy_from_cantera(planner):
    # DOMAIN.md section 5 (Cantera's own data): 2 Li + 2 H2O(l) -> 2 LiOH + H2, -398.2 kJ,
    # i.e. -199 kJ per mol Li.
    r = planner.reactions["li_water"]
    assert r.enthalpy(planner.db, 298.15) / 2 / 1000 == pytest.approx(-199.1, abs=0.5)


def test_li3n_hydrolysis_enthalpy(planner):
    # DOMAIN.md section 5: Li3N + 3 H2O(L) -> 3 LiOH + NH3, -478.7 kJ from Cantera's data.
    r = planner.reactions["hydrolysis_Li3N"]
    assert r.enthalpy(planner.db, 298.15) / 1000 == pytest.approx(-478.7, abs=1.0)


def test_every_reaction_conserves_every_element(planner):
    db = planner.db
    for r in planner.reactions.values():
        assert np.abs(db.element_matrix @ r.stoich).max() < 1e-12, r.id


def test_unbalanced_reaction_is_refused_with_its_name(db, tmp_path):
    bad = tmp_path / "reactions.yaml"
    bad.write_text("reactions:\n  wrong:\n    equation: Li(cr) + H2O(L) => LiOH(s) + H2\n    source: test\n")
    with pytest.raises(InputError, match=r"reactions.wrong.*does not balance.*H \+1"):
        load_reactions(db, bad)


def test_unknown_species_in_reaction_names_closest(db, tmp_path):
    bad = tmp_path / "reactions.yaml"
    bad.write_text("reactions:\n  r:\n    equation: Li(cr) + H2OL => LiOH(s)\n    source: test\n")
    with pytest.raises(InputError, match="unknown species 'H2OL'"):
        load_reactions(db, bad)


def test_aliases_resolve_and_typos_get_suggestions(db):
    assert db.resolve("Li", "x") == "Li(cr)"
    assert db.resolve("Al", "x") == "AL(cr)"
    assert db.resolve("NCM811", "x") == "NCM811(s)"
    with pytest.raises(InputError, match="did you mean"):
        db.resolve("Li6PS5C", "x")


@pytest.mark.parametrize("fname", ["prices.yaml", "hazards.yaml", "equipment.yaml", "emission_factors.yaml",
                                   "step_types.yaml", "audit.yaml", "moisture.yaml", "cells.yaml",
                                   "regeneration.yaml", "safety.yaml"])
def test_every_value_in_the_data_files_names_its_source(db, fname):
    """Any mapping that gives a value (a 'value', 'low' or 'high', a correlation or a reference)
    says where it comes from, itself or in the entry that holds it."""
    data = load_yaml_file(db.directory / fname)
    assert str(data.get("description", "")).strip(), fname
    missing = []

    def walk(node, path, sourced):
        if isinstance(node, dict):
            here = sourced or any(k in node for k in ("source", "source_note", "corrosive_source"))
            if any(k in node for k in ("value", "low", "high", "correlation", "reference", "cost_per_area")) \
                    and not here:
                missing.append(path)
            for k, v in node.items():
                walk(v, f"{path}.{k}", here)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]", sourced)

    walk({k: v for k, v in data.items() if k != "description"}, fname, False)
    assert not missing, missing[:10]


def test_shipped_yaml_passes_the_strict_loader(db):
    """Shipped data are parsed with libyaml's fast loader; here they must also pass the strict
    one (no aliases, no key given twice)."""
    from recycle.resources import flowsheets_dir
    from recycle.yamlio import load_yaml_text

    files = list(db.directory.glob("*.yaml")) + list(flowsheets_dir().glob("*.yaml"))
    assert len(files) > 15
    for f in files:
        load_yaml_text(f.read_text(), str(f), trusted=False)


def test_every_step_type_has_one_checked_block_of_facts(db):
    """chemistry/step_types.yaml: a registered step type without a block, or a block without its
    operators, equipment points, audit factors, uncertainty ranges or capital items, is refused
    (a missing entry used to mean zero capital, zero labour or one safety point)."""
    from recycle.step_types import load_step_facts, step_facts
    from recycle.steps import STEP_TYPES

    facts = step_facts(db)
    assert set(facts) == set(STEP_TYPES)
    assert facts["flare"].fired and not facts["quench"].fired
    assert facts["acid_scrub"].equipment == facts["scrub"].equipment          # same_as: scrub
    data = load_yaml_file(db.directory / "step_types.yaml")
    del data["step_types"]["leach"]["labour"]
    with pytest.raises(InputError, match=r"step_types.leach: missing \['labour'\]"):
        load_step_facts(data)
    del data["step_types"]["leach"]
    with pytest.raises(InputError, match=r"step_types.leach: missing"):
        load_step_facts(data)
