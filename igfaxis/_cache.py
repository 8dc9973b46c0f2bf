"""Where igfaxis keeps what it computes once and reuses across processes.

One folder, ``$IGFAXIS_CACHE_DIR`` or ``~/.cache/igfaxis``: the native kernel's generated
modules and numba's compiled code, persons' habitual states, and (when the CLI runs) JAX's
persistent compilation cache. Deleting it is always safe: everything is rebuilt on demand.
Files are written atomically (:func:`igfaxis._files.write_text_atomic`), so concurrent
processes and a kill mid-write never leave half a file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["SIMULATION_SOURCES", "cache_dir", "import_generated", "source_fingerprint"]


def cache_dir(*parts: str) -> Path:
    """The cache folder (or a sub-folder of it), created if missing."""
    env = os.environ.get("IGFAXIS_CACHE_DIR")
    root = Path(env) if env else Path.home() / ".cache" / "igfaxis"
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path



def source_fingerprint(*paths: str) -> str:
    """Short hash of the source and data files of the package under these folders or of
    these files (e.g. ``"model", "protocol", "data/parameters.csv"``): part of every cache
    key whose value depends on the equations, so a cached result never outlives the code
    that computed it."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in paths:
        where = root / path
        files = [where] if where.is_file() else sorted(where.rglob("*"))
        for f in files:
            if f.is_file() and f.suffix in (".py", ".csv", ".yaml"):
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


#: what a simulated result depends on: the equations and their parameter tables, the
#: forcing compiler and the native integrator (not the risk layer's tables, the assays or
#: the packaged example protocols, whose edits must not invalidate cached tables)
SIMULATION_SOURCES: tuple[str, ...] = (
    "model", "protocol", "data/parameters.csv", "data/personal_parameters.csv",
    "data/signalling_parameters.csv", "simulate/_kernel.py", "simulate/_native.py",
    "simulate/_tableau.py", "simulate/_forcing.py", "simulate/_config.py", "simulate/_run.py",
)


def import_generated(prefix: str, text: str) -> ModuleType:
    """Write generated Python source to the cache folder and import it as a module.

    Content-addressed: the file is ``<prefix>_<hash of text>.py``, written (atomically) only
    when missing or different, so its mtime stays put and numba's ``cache=True`` files for
    it stay valid across processes.
    """
    from igfaxis._files import write_text_atomic

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    name = f"{prefix}_{digest}"
    path = cache_dir() / f"{name}.py"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_text_atomic(path, text)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the generated module {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
