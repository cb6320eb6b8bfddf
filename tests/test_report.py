"""Reports (issue 7): files written atomically, self-contained HTML with the flowsheet and Sankey
diagrams drawn (checked in headless Chromium), Markdown with a Mermaid flowsheet, compare chart."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli import app
from recycle.compare import pareto_front
from recycle.flows import edge_masses
from recycle.report import svg

runner = CliRunner()
SVG_IDS = ("flowsheet", "sankey-mass", "sankey-Li", "sankey-S", "sankey-Cl")


def invoke(*args):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "plan"
    res = invoke("plan", "--basis", "10 t/day", "--out", str(out))
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "compare"
    res = invoke("compare", "--routes", "direct-regeneration", "--routes", "pyrometallurgy", "--out", str(out))
    assert res.exit_code == 0, res.output
    return out


def test_plan_writes_report_files(plan_dir):
    names = {p.name for p in plan_dir.iterdir()}
    assert {"plan.json", "steps.csv", "streams.csv", "report.html", "report.md", "summary.json"} <= names
    summary = json.loads((plan_dir / "summary.json").read_text())
    assert {"audit", "safety", "economics", "steps", "balance"} <= set(summary)
    assert summary["balance"]["max_relative_element_residual"] < 1e-9


def test_batch_plan_report_has_no_audit(tmp_path):
    out = tmp_path / "batch"
    assert invoke("plan", "--out", str(out)).exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert "audit" not in summary and summary["basis"]["kind"] == "batch"
    assert "need a throughput basis" in (out / "report.html").read_text()


def test_existing_report_folder_needs_force(plan_dir, tmp_path):
    out = tmp_path / "again"
    shutil.copytree(plan_dir, out)
    before = (out / "report.html").read_text()
    res = invoke("plan", "--basis", "10 t/day", "--set", "quench.solvent=DEC", "--out", str(out))
    assert res.exit_code == 2 and "--force" in res.output
    assert (out / "report.html").read_text() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".again")]  # no half-written temp folder


def test_html_is_self_contained(plan_dir):
    html = (plan_dir / "report.html").read_text()
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html, re.I)
    for section in ("Stream table", "Balances", "Heat", "Safety", "Economics", "Environmental footprint",
                    "Gas-handling audit", "Assumptions and data sources"):
        assert f">{section}</h2>" in html
    for svg_id in SVG_IDS:
        assert f'<svg id="{svg_id}"' in html
    assert "Luo 2024 section 4.2" in html  # a step parameter's source
    assert "chemistry/prices.yaml" in html  # the price file


def test_flowsheet_svg_draws_every_step_and_stream(planner):
    result = planner.plan(None, "direct-regeneration", "10 t/day")
    drawing = svg.flowsheet_svg(result)
    assert drawing.count('class="node step"') == len(result.route.steps)
    assert drawing.count('class="stream"') == len({(e.source, e.target) for e in result.route.edges})


def test_sankey_conserves_lithium(planner):
    """The Li bands into the sinks carry all the Li fed (the route closes the Li balance)."""
    result = planner.plan(None, "direct-regeneration", "10 t/day")
    db = result.db
    j = db.elements.index("Li")
    fed = float(db.element_totals(result.feed + result.reagents)[0, j] * db.element_molar_mass[j]) * 3600
    flows = edge_masses(result, "Li")
    out = sum(v for (s, t), (v, _) in flows.items() if svg.node_kind(t) in ("product", "waste", "stack"))
    assert out == pytest.approx(fed, rel=1e-9)
    assert svg.sankey_svg(result, "Li").count('class="band"') >= len([v for v, _ in flows.values() if v > 0])


def test_markdown_has_mermaid_flowsheet_and_tables(plan_dir):
    md = (plan_dir / "report.md").read_text()
    block = re.search(r"```mermaid\n(flowchart LR\n.*?)```", md, re.S)
    assert block
    for step in ("discharge", "dismantle", "quench", "flare", "scrub"):
        assert f'"{step}' in block.group(1)
    assert "| stream" not in md and "| from" in md  # the stream table
    assert "## Gas-handling audit" in md and "## Assumptions and data sources" in md


def test_pareto_front_by_hand():
    # a: safest; b: most valuable; c dominated by a (safer and more valuable); d ties a on safety, worse value
    points = {"a": (40, 5.0), "b": (45, 20.0), "c": (42, 4.0), "d": (40, 3.0)}
    assert pareto_front(points) == ["a", "b"]


def test_compare_writes_chart_and_report(compare_dir):
    names = {p.name for p in compare_dir.iterdir()}
    assert {"compare.json", "compare.csv", "compare.png", "report.html", "report.md", "summary.json"} <= names
    assert (compare_dir / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (compare_dir / "report.html").read_text()
    assert "data:image/png;base64," in html and "<script" not in html.lower()
    assert '<svg id="flowsheet-pyrometallurgy"' in html
    assert "![Safety score against net value; Pareto front marked.](compare.png)" in (compare_dir / "report.md").read_text()


# ----------------------------------------------------------------------------- headless Chromium
def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.fail("headless Chromium is needed to check that report.html renders: install the Debian package "
                "`chromium` (apt-get install -y chromium); .ci/run installs it when missing")


def _run_chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,2000",
           *args, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def _image(path: Path) -> np.ndarray:
    import matplotlib.image

    return matplotlib.image.imread(str(path))[..., :3]  # RGB in 0-1


def test_report_renders_in_headless_chromium(plan_dir, tmp_path):
    png = tmp_path / "report.png"
    _run_chromium(tmp_path, (plan_dir / "report.html").as_uri(), f"--screenshot={png}")
    img = _image(png)
    assert img.shape[:2] == (2000, 1400)
    assert img.std() > 0.05, "the screenshot is blank"
    assert (img.min(axis=2) < 0.9).mean() > 0.03, "almost nothing drawn"
    step_blue = np.abs(img - np.array([0x2F, 0x4B, 0x7C]) / 255).max(axis=2) < 0.06
    assert step_blue.sum() > 500, "no step boxes of the flowsheet in the first screen"

    # the page with a measuring script (a test copy: the report itself has no script)
    probe = tmp_path / "probe.html"
    script = ("<script>document.body.setAttribute('data-rendered', Array.from(document.querySelectorAll('svg'))"
              ".map(s => { const b = s.getBBox(); return s.id + ':' + Math.round(b.width) + ':' + Math.round(b.height)"
              " + ':' + s.querySelectorAll('path,rect').length; }).join(' '));</script>")
    probe.write_text((plan_dir / "report.html").read_text().replace("</body>", script + "</body>"))
    dom = _run_chromium(tmp_path, probe.as_uri(), "--dump-dom").stdout
    rendered = re.search(r'data-rendered="([^"]*)"', dom)
    assert rendered, "the SVG elements were not laid out"
    sizes = {i: (int(w), int(h), int(n)) for i, w, h, n in (item.split(":") for item in rendered.group(1).split())}
    for svg_id in SVG_IDS:
        w, h, shapes = sizes[svg_id]
        assert w > 300 and h > 100 and shapes > 10, (svg_id, sizes[svg_id])


def test_sankey_is_drawn_in_chromium(planner, tmp_path):
    """The mass Sankey alone, rendered: its bands cover a good part of the picture."""
    result = planner.plan(None, "direct-regeneration", "10 t/day")
    page = tmp_path / "sankey.html"
    page.write_text(f"<!DOCTYPE html><html><body style='margin:0'>{svg.sankey_svg(result)}</body></html>")
    png = tmp_path / "sankey.png"
    _run_chromium(tmp_path, page.as_uri(), f"--screenshot={png}")
    img = _image(png)[:700]
    coloured = img.max(axis=2) - img.min(axis=2) > 0.1  # bands and nodes are coloured, text and page are grey
    assert coloured.mean() > 0.1, f"only {coloured.mean():.1%} of the Sankey area is coloured"


def test_markdown_report_escapes_raw_html():
    """A name with tags reaches report.md as text, not as HTML (hostile input, round two)."""
    from recycle.report.html import to_markdown

    md = to_markdown("<script>alert(1)</script>", [("s", "Section <b>", [("p", "step <img src=x onerror=1>")])])
    assert "<script>" not in md and "&lt;script&gt;" in md and "<img" not in md


def test_every_cited_reference_of_the_report_resolves(tmp_path):
    """Issue 17: a report's "[n]" citations resolve to a reference list in the report itself:
    the data files' reference blocks are gathered under References, and the audit's sources
    point to them."""
    from typer.testing import CliRunner

    from cli import app
    from recycle.chemistry import ChemistryDB
    from recycle.report.references import data_references, split_references

    db = ChemistryDB.load()
    refs = data_references(db)
    assert refs["audit.yaml"]["2"].startswith("NFPA 69")
    assert "species.yaml" in refs and "R7" in refs["species.yaml"]
    text, found = split_references("Intro.\n\nReferences\n  [1] A. Author, Title,\n      J. 1 (2000) 2.\n  [2] B.")
    assert text == "Intro." and found == {"1": "A. Author, Title, J. 1 (2000) 2.", "2": "B."}
    res = CliRunner().invoke(app, ["plan", "--throughput", "10 t/day", "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    md = (tmp_path / "r" / "report.md").read_text()
    assert "### References" in md and "chemistry/audit.yaml [2] under References" in md
    for name, entries in refs.items():
        for key in entries:
            assert f"| chemistry/{name}" in md and f"[{key}]" in md
