"""Reading and writing the user's files, bounded and atomic (one place for every file slot).

Reading: :func:`read_text` refuses a missing, oversized, binary or non-UTF-8 file with a
:class:`~igfaxis.errors.ProtocolError` before anything is parsed; :func:`load_yaml` parses
YAML with a bound on alias expansion (a "billion laughs" file expands to billions of nodes
from a few hundred bytes) and on nesting; :func:`load_json` does the same for JSON.

Writing: :func:`staged_outputs` gives temporary files next to the outputs and renames them
all into place only when every one was written, so an output is either the old file or the
complete new one, and a failed command changes no file; :func:`write_text_atomic` is the
one-file case.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import yaml

from igfaxis._messages import one_line, short_repr
from igfaxis.errors import ProtocolError

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "load_json",
    "load_yaml",
    "read_text",
    "staged_outputs",
    "write_text_atomic",
]

#: largest YAML/JSON input (protocol, person, targets) [bytes]
MAX_YAML_BYTES: Final = 1 << 20
#: largest CSV input (labs, dosing table, reference table) [bytes]
MAX_CSV_BYTES: Final = 4 << 20
#: most YAML nodes after alias expansion
MAX_YAML_NODES: Final = 200_000

_MIB: Final = float(1 << 20)


def _name(path: Path) -> str:
    return short_repr(path.name or str(path))


def read_text(path: str | Path, what: str, *, max_bytes: int = MAX_YAML_BYTES) -> str:
    """The text of a user's file: UTF-8 (a byte-order mark is dropped), at most ``max_bytes``.

    Parameters
    ----------
    path
        The file.
    what
        What the file holds, for messages (``"protocol"``, ``"labs"``).

    Other Parameters
    ----------------
    max_bytes
        Largest accepted size [bytes].

    Raises
    ------
    ProtocolError
        The file does not exist, is larger than ``max_bytes``, holds NUL bytes (binary) or
        is not UTF-8.
    """
    p = Path(path)
    if not p.is_file():
        raise ProtocolError(f"{what} file {short_repr(str(p))} does not exist; check the path.")
    limit = f"{max_bytes / _MIB:g} MiB"
    if p.stat().st_size > max_bytes:
        raise ProtocolError(
            f"{what} file {_name(p)} is {p.stat().st_size / _MIB:.1f} MiB; at most {limit} "
            f"is read. Check that it is the right file, or split it."
        )
    with p.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while read, or not a regular size (e.g. a pipe)
        raise ProtocolError(f"{what} file {_name(p)} is larger than {limit}; split it.")
    if b"\x00" in data:
        raise ProtocolError(
            f"{what} file {_name(p)} is binary (NUL byte at offset {data.index(0)}), not "
            "text; pass the YAML/CSV file itself."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"{what} file {_name(p)} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8."
        ) from None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node, source: str, max_nodes: int) -> None:
    """Refuse a document whose aliases expand to more than ``max_nodes`` nodes, or recurse.

    Aliases share one node, so the expanded size is counted once per distinct node
    (depth-first, iterative: deep nesting cannot exhaust the stack here).
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[key] > max_nodes:
                raise ProtocolError(
                    f"{source} expands to more than {max_nodes} YAML nodes (anchors and "
                    "aliases, `&a` / `*a`, repeat their content); write the values out or "
                    "use fewer aliases."
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ProtocolError(
                f"{source} has an alias inside its own anchor (a recursive YAML structure); "
                "remove the self-reference."
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)


def load_yaml(text: str, source: str, *, max_nodes: int = MAX_YAML_NODES) -> Any:
    """Parse YAML ``text`` (safe types only) with alias expansion bounded by ``max_nodes``.

    Returns ``None`` for a document with no content.

    Raises
    ------
    ProtocolError
        The text is not YAML, holds several documents, nests too deeply, recurses, or
        expands to more than ``max_nodes`` nodes.
    """
    try:  # the reader checks the characters as it is made (a control character: ReaderError)
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        raise ProtocolError(f"{source} is not valid YAML: {one_line(str(exc), 300)}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source, max_nodes)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ProtocolError(f"{source} is not valid YAML: {one_line(str(exc), 300)}") from None
    except RecursionError:
        raise ProtocolError(
            f"{source} nests too deeply (lists or mappings inside each other); flatten it."
        ) from None
    finally:
        loader.dispose()


def load_json(text: str, source: str) -> Any:
    """Parse JSON ``text``; errors (and too deep nesting) become one-line messages.

    Raises
    ------
    ProtocolError
        The text is not JSON or nests too deeply.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"{source} is not valid JSON: {one_line(str(exc), 300)}") from None
    except RecursionError:
        raise ProtocolError(f"{source} nests too deeply; flatten it.") from None


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def staged_outputs(*paths: str | Path) -> Iterator[tuple[Path, ...]]:
    """Temporary files to write ``paths`` to; all renamed into place when the block succeeds.

    Each temporary file sits in its output's folder (created if missing) and keeps its
    suffix (matplotlib reads the format from it), so :func:`os.replace` is atomic. When the
    block raises, every temporary file is removed and no output is touched.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with staged_outputs(out) as (tmp,):
    ...     _ = tmp.write_text("done")
    >>> out.read_text()
    'done'
    """
    finals = [Path(p) for p in paths]
    for final in finals:  # what would fail at the rename, refused before anything is written
        if final.is_dir():
            raise ProtocolError(
                f"the output {short_repr(str(final))} is a folder; give a file name."
            )
    if len(set(finals)) != len(finals):
        raise ProtocolError(
            f"two outputs would be the same file ({short_repr([str(f) for f in finals])}); "
            "give each its own name."
        )
    temps: list[Path] = []
    try:
        for final in finals:
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(
                dir=final.parent, prefix=f".{final.name}.", suffix=final.suffix or ".tmp"
            )
            os.close(fd)
            temps.append(Path(tmp))
        yield tuple(temps)
        for final, tmp in zip(finals, temps, strict=True):
            mode = final.stat().st_mode & 0o777 if final.is_file() else _new_file_mode()
            tmp.chmod(mode)
        for final, tmp in zip(finals, temps, strict=True):
            os.replace(tmp, final)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (parent folders are created)."""
    out = Path(path)
    with staged_outputs(out) as (tmp,):
        tmp.write_text(text, encoding="utf-8")
    return out
