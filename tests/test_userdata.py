"""Your own species, cells and routes without editing the package (issue 17): --species,
--cells and --route files, checked as strictly as the shipped data, from any folder and from a
non-editable install."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture()
def user_files(tmp_path):
    for name in ("user_species.yaml", "user_cells.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path / "user_species.yaml", tmp_path / "user_cells.yaml"


def test_a_user_cell_with_a_user_species_plans_and_balances(user_files):
    species, cells = user_files
    res = runner.invoke(app, ["plan", "-c", "LLZO-LCO-BN-TEST", "--species", str(species), "--cells", str(cells),
                              "--route", "hydrometallurgy", "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["balance"]["max_relative_element_residual"] < 1e-9
    listed = runner.invoke(app, ["chemistries", "--species", str(species), "--cells", str(cells)])
    assert "LLZO-LCO-BN-TEST" in listed.stdout
    # the shipped data are untouched: without the files the cell is unknown
    res = runner.invoke(app, ["plan", "-c", "LLZO-LCO-BN-TEST"])
    assert res.exit_code == 2 and "unknown chemistry" in res.stderr


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("group: inert_materials", "group: inert_stuff"), "reactivity.BN(s).group: unknown group"),
    (lambda t: t.replace("name: BN(s)", "name: NiO(s)").replace("BN(s): {group", "NiO(s): {group"),
     "already a species of recycle"),
    (lambda t: t.split("reactivity:")[0], "say how BN(s) behaves in every medium"),
    (lambda t: t.replace('  note: "hexagonal', '  comment: "hexagonal'), "needs a note"),
])
def test_a_bad_species_file_is_refused_naming_the_file(user_files, edit, message):
    species, _ = user_files
    species.write_text(edit(species.read_text()))
    res = runner.invoke(app, ["plan", "--species", str(species)])
    assert res.exit_code == 2, res.output
    assert str(species.name) in res.stderr and message in res.stderr


def test_a_cell_file_cannot_replace_a_catalogue_cell_and_its_errors_name_it(user_files, tmp_path):
    species, cells = user_files
    clash = tmp_path / "clash.yaml"
    clash.write_text(cells.read_text().replace("LLZO-LCO-BN-TEST", "LLZO-NCM811-LI"))
    res = runner.invoke(app, ["plan", "--species", str(species), "--cells", str(clash)])
    assert res.exit_code == 2 and "clash.yaml: cells.LLZO-NCM811-LI" in res.stderr
    res = runner.invoke(app, ["plan", "--cells", str(cells)])            # BN(s) needs --species
    assert res.exit_code == 2 and "user_cells.yaml" in res.stderr and "unknown species 'BN(s)'" in res.stderr


def test_user_files_work_from_a_non_editable_install(user_files, tmp_path):
    """The package installed (not editable) into a folder of its own, run from another folder:
    the shipped data come from the installed package and the user's files from the folder."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True)
    work = tmp_path / "work"
    work.mkdir()
    species, cells = user_files
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-c", "import sys, cli; sys.argv[0] = 'recycle'; cli.main()", "plan", "-c",
                          "LLZO-LCO-BN-TEST", "--species", str(species), "--cells", str(cells), "-f", "json"],
                         cwd=work, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    import_check = subprocess.run([sys.executable, "-c", "import recycle; print(recycle.__file__)"], cwd=work, env=env, check=True,
                                  capture_output=True, text=True)
    assert import_check.stdout.startswith(str(target))
    assert json.loads(run.stdout)["balance"]["max_relative_element_residual"] < 1e-9
