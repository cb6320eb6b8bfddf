"""Your own species and cells without editing the package: an overlay of the chemistry folder.

``--species FILE`` adds condensed species: a YAML file in the format of the shipped
``chemistry/species_*.yaml`` (Cantera species with ``equation-of-state.density`` and a ``note``
saying where each number comes from), plus, for each new species,

- ``reactivity``: how it behaves in every medium, in the format of ``reactivity.yaml``'s
  ``species`` entries (``media`` and/or ``elsewhere``), or ``group: NAME`` to join a shipped
  group (e.g. ``inert_solids``);
- ``roles`` (optional): its role in a cell (cathode, anode, electrolyte with family, ...), as
  ``species_index.yaml`` lists them.

``--cells FILE`` adds catalogue cells (and materials) in the format of ``chemistry/cells.yaml``.

The files are merged into a private copy of the chemistry folder, and everything is then loaded
and checked by the same code as the shipped data, so a user file is held to the same rules
(every species in every medium, densities, sources, balances). A name that already exists is an
error: the overlay adds, it never silently replaces. Errors name the user's file.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import yaml

from .errors import InputError, closest
from .resources import chemistry_dir
from .yamlio import load_yaml_file

SPECIES_KEYS = {"description", "units", "species", "reactivity", "roles"}
CELL_KEYS = {"description", "materials", "cells"}


def load_planner(species_files=(), cells_files=()):
    """A Planner on the shipped data with the user's species and cells added; an error in what
    the user's files added names the user's file."""
    from .planner import Planner

    sources: dict[str, Path] = {}
    folder = overlay(species_files, cells_files, sources=sources)
    try:
        return Planner.load(folder)
    except InputError as exc:
        for key, path in sources.items():
            if key in exc.where or key in exc.message:
                raise InputError(f"{path} (as merged into {exc.where})", exc.message) from None
        raise


def overlay(species_files=(), cells_files=(), base: Path | None = None, sources: dict | None = None) -> Path | None:
    """A chemistry folder with the user's species and cells merged in, or None when there are
    none (use the shipped folder). The folder lives until the process exits. ``sources``, when
    given, collects the keys each user file added (as they appear in error locations) -> file."""
    species_files, cells_files = [Path(p) for p in species_files or ()], [Path(p) for p in cells_files or ()]
    sources = {} if sources is None else sources
    if not species_files and not cells_files:
        return None
    source = Path(base) if base is not None else chemistry_dir()
    folder = Path(tempfile.mkdtemp(prefix="recycle-chemistry-"))
    atexit.register(shutil.rmtree, folder, True)
    target = folder / "chemistry"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    for i, path in enumerate(species_files):
        _add_species(target, path, i, sources)
    for path in cells_files:
        _add_cells(target, path, sources)
    return target


def _load(path: Path, keys: set[str], what: str) -> dict:
    if not path.is_file():
        raise InputError(str(path), f"no such {what} file")
    data = load_yaml_file(path)
    if not isinstance(data, dict):
        raise InputError(str(path), f"expected a mapping with {', '.join(sorted(keys - {'description'}))}")
    unknown = sorted(set(data) - keys)
    if unknown:
        raise InputError(f"{path}: {unknown[0]}", f"unknown key; {closest(unknown[0], keys)}")
    return data


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _add_species(target: Path, path: Path, i: int, sources: dict) -> None:
    data = _load(path, SPECIES_KEYS, "species")
    species = data.get("species")
    if not isinstance(species, list) or not species:
        raise InputError(f"{path}: species", "expected a list of Cantera species")
    shipped = set()
    for f in target.glob("species*.yaml"):
        shipped |= {s.get("name") for s in (load_yaml_file(f).get("species") or []) if isinstance(s, dict)}
    shipped |= set(load_yaml_file(target / "nasa_densities.yaml")["densities"])
    names = []
    for k, sp in enumerate(species):
        where = f"{path}: species[{k}]"
        if not isinstance(sp, dict) or "name" not in sp:
            raise InputError(where, "each species needs a name (Cantera species format)")
        if sp["name"] in shipped:
            raise InputError(f"{where}.name", f"{sp['name']!r} is already a species of recycle; choose another name")
        if not str(sp.get("note", "")).strip():
            raise InputError(where, f"{sp['name']}: needs a note saying where its thermo data and density come from")
        names.append(sp["name"])
        sources[f"species.{sp['name']}"] = path
        sources[f"species {sp['name']}"] = path
    sources[f"species_user{i}.yaml"] = path
    reactivity = data.get("reactivity") or {}
    missing = [n for n in names if n not in reactivity]
    if missing:
        raise InputError(f"{path}: reactivity", f"say how {missing[0]} behaves in every medium "
                         "(media/elsewhere as in chemistry/reactivity.yaml, or group: NAME)")
    _dump(target / f"species_user{i}.yaml", {"description": f"user species from {path}",
                                             "units": data.get("units", {"length": "cm", "quantity": "mol",
                                                                        "energy": "J"}),
                                             "species": species})
    rpath = target / "reactivity.yaml"
    shipped_reactivity = load_yaml_file(rpath)
    groups = shipped_reactivity.get("groups") or {}
    entries = shipped_reactivity.setdefault("species", {}) or {}
    for name, entry in reactivity.items():
        where = f"{path}: reactivity.{name}"
        if name not in names:
            raise InputError(where, f"not a species of this file; {closest(name, names)}")
        if not isinstance(entry, dict):
            raise InputError(where, "expected media/elsewhere, or group: NAME")
        if "group" in entry:
            if set(entry) != {"group"} or entry["group"] not in groups:
                raise InputError(where + ".group", f"unknown group {entry.get('group')!r}; {closest(str(entry.get('group')), groups)}")
            groups[entry["group"]].setdefault("species", []).append(name)
        else:
            entries[name] = entry
    shipped_reactivity["species"] = entries
    _dump(rpath, shipped_reactivity)
    ipath = target / "species_index.yaml"
    index = load_yaml_file(ipath)
    for name, role in (data.get("roles") or {}).items():
        where = f"{path}: roles.{name}"
        if name not in names:
            raise InputError(where, f"not a species of this file; {closest(name, names)}")
        roles = index.setdefault("roles", {})
        role_name, _, family = str(role).partition(".")
        if role_name not in roles:
            raise InputError(where, f"unknown role {role_name!r}; {closest(role_name, roles)}")
        if isinstance(roles[role_name], dict):
            if family not in roles[role_name]:
                raise InputError(where, f"say the family, e.g. electrolyte.sulfide; {closest(family, roles[role_name])}")
            roles[role_name][family].append(name)
        else:
            roles[role_name].append(name)
    _dump(ipath, index)


def _add_cells(target: Path, path: Path, sources: dict) -> None:
    data = _load(path, CELL_KEYS, "cells")
    cpath = target / "cells.yaml"
    catalogue = load_yaml_file(cpath)
    for section in ("materials", "cells"):
        for name, entry in (data.get(section) or {}).items():
            if name in catalogue[section]:
                raise InputError(f"{path}: {section}.{name}", "already in the catalogue; choose another name")
            catalogue[section][name] = entry
            sources[f"{section}.{name}"] = path
    if not data.get("cells"):
        raise InputError(f"{path}: cells", "expected at least one cell")
    _dump(cpath, catalogue)


__all__ = ["load_planner", "overlay"]
