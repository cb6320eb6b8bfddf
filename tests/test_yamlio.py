"""User YAML is read by one rule set on libyaml's C parser and on the pure-Python one alike."""
from __future__ import annotations

import pytest
import yaml

from recycle import yamlio
from recycle.errors import InputError

CASES = [
    "a: 010\nb: 1:20\nc: yes\nd: 0o10\ne: true\nf: 1.5e3\ng: .inf\nh: off",   # YAML 1.2 core schema
    "cells:\n  - {chemistry: LATP-LFP-LI, mass: 120 kg, soc: 0.1}\n  - bom: {Li: 1 kg}\n    count: 40",
]
BAD = {
    "a: &x [1, 2]\nb: *x": "aliases",
    "cells:\n  - chemistry: A\n    chemistry: B": "given twice",
}


@pytest.mark.parametrize("text", CASES)
def test_c_and_python_loaders_read_the_same(text):
    assert yaml.load(text, Loader=yamlio.STRICT_LOADER) == yaml.load(text, Loader=yamlio._NoAliasLoader)


def test_core_schema_values():
    doc = yamlio.load_yaml_text(CASES[0], "x")
    assert doc == {"a": 10, "b": "1:20", "c": "yes", "d": 8, "e": True, "f": 1500.0, "g": float("inf"), "h": "off"}


@pytest.mark.parametrize("text, message", BAD.items())
def test_both_loaders_refuse_aliases_and_duplicate_keys(text, message, monkeypatch):
    with pytest.raises(InputError, match=message):
        yamlio.load_yaml_text(text, "x")
    monkeypatch.setattr(yamlio, "STRICT_LOADER", yamlio._NoAliasLoader)
    with pytest.raises(InputError, match=message):
        yamlio.load_yaml_text(text, "x")


def test_reading_a_small_file_takes_its_size_not_the_limit(tmp_path):
    """read_regular_file reads what the file holds: a 1 kB file costs about 1 kB (it used to
    reserve a buffer of the 200 MB limit on every read), and a file over the limit is refused."""
    import tracemalloc

    import pytest

    from recycle.errors import InputError
    from recycle.yamlio import read_regular_file

    small = tmp_path / "small.yaml"
    small.write_text("a: 1\n" * 200)
    tracemalloc.start()
    raw = read_regular_file(small, "small.yaml")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert raw == small.read_bytes() and peak < 100_000
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2000)
    with pytest.raises(InputError, match="limit"):
        read_regular_file(big, "big.yaml", limit=1000)
