"""Safe YAML reading with errors that name the file and line.

Only plain YAML is accepted: Python object tags are refused by the safe loader, and anchors
and aliases are refused outright (none of recycle's files needs them, and they are the way
"billion laughs" documents blow up).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import InputError

MAX_BYTES = 200_000_000   # a user file larger than this is refused while it is read


class _UniqueKeys:
    """Constructor mix-in: a key given twice in one mapping is refused."""

    def construct_mapping(self, node, deep=False):
        """Refuse a key given twice in one mapping (YAML would silently keep the last)."""
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice (first on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


class _NoAliasLoader(_UniqueKeys, yaml.SafeLoader):
    """SafeLoader that refuses aliases (``*name``) so a document cannot expand exponentially."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in recycle files", event.start_mark)
        return super().compose_node(parent, index)


# YAML 1.2 core schema for user files: 010 is ten (not octal eight), 1:20 is text (not
# sexagesimal), yes/no/on/off are text; only true/false are booleans.
_CORE = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _CORE]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_NoAliasLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_NoAliasLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
_NoAliasLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _core_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _core_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


_NoAliasLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
_NoAliasLoader.add_constructor("tag:yaml.org,2002:bool", _core_bool)


def _refuse_shared_nodes(root) -> None:
    """libyaml composes an alias as the node it names, shared: a node met twice is an alias."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in recycle files",
                                              node.start_mark)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


if getattr(yaml, "CSafeLoader", None) is not None:
    class _StrictCLoader(_UniqueKeys, yaml.CSafeLoader):
        """The strict loader's rules (core schema, no duplicate keys, no aliases) on libyaml's C
        parser: the same result, several times faster on large inventories."""

        yaml_implicit_resolvers = _NoAliasLoader.yaml_implicit_resolvers

        def construct_document(self, node):
            _refuse_shared_nodes(node)
            return super().construct_document(node)

    _StrictCLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
    _StrictCLoader.add_constructor("tag:yaml.org,2002:bool", _core_bool)
    STRICT_LOADER = _StrictCLoader
else:                                   # pragma: no cover - PyYAML built without libyaml
    STRICT_LOADER = _NoAliasLoader


def read_regular_file(path: Path, where: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices and anything over ``limit`` bytes
    (checked while reading, so a symlink to /dev/zero cannot exhaust memory)."""
    import stat

    try:
        info = path.stat()
        mode = info.st_mode
    except FileNotFoundError:
        raise InputError(where, "file not found") from None
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputError(where, "is a directory, expected a file")
    if not stat.S_ISREG(mode):
        raise InputError(where, "is not a regular file (a pipe, a device or a socket): give a file")
    try:
        with open(path, "rb") as fh:
            # read what the file holds, not a limit-sized buffer (read(n) reserves n bytes first);
            # a file that grew since stat is read on, still up to the limit
            raw = fh.read(min(info.st_size, limit) + 1)
            if len(raw) > info.st_size:
                raw += fh.read(limit + 1 - len(raw))
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise InputError(where, f"larger than the {limit / 1e6:.0f} MB limit")
    return raw


def load_yaml_text(text: str, where: str, trusted: bool = False):
    """Parse YAML ``text``; ``where`` names its origin in error messages.

    User files go through the strict loader (no aliases, no duplicate keys, YAML 1.2 core
    schema), on libyaml's C parser where PyYAML has it. ``trusted`` files
    (the data shipped with recycle, checked by tests/test_chemistry.py with the strict loader)
    use libyaml's C safe loader when it is there: five times faster.
    """
    loader = getattr(yaml, "CSafeLoader", _NoAliasLoader) if trusted else STRICT_LOADER
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise InputError(f"{where}: {line}", f"{exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InputError(f"{where}: line {line}", f"character #x{exc.character:04x} is not allowed in YAML") from None
    except yaml.YAMLError as exc:
        raise InputError(where, f"not valid YAML: {exc}") from None


def load_yaml_file(path: Path | str, label: str | None = None):
    """Read and parse a YAML file; errors name ``label`` (default: the path). Files shipped with
    recycle (under its chemistry/ and flowsheets/ folders) are parsed with the fast loader."""
    path = Path(path)
    where = label or str(path)
    raw = read_regular_file(path, where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{where}: line {line}", "not UTF-8 text") from None
    return load_yaml_text(text, where, trusted=_shipped(path))


def _shipped(path: Path) -> bool:
    from .resources import chemistry_dir, flowsheets_dir

    try:
        resolved = path.resolve()
    except OSError:
        return False
    return any(resolved.is_relative_to(d.resolve()) for d in (chemistry_dir(), flowsheets_dir()))
