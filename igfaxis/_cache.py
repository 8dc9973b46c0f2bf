"""Where igfaxis keeps what it computes once and reuses across processes.

One folder, ``$IGFAXIS_CACHE_DIR`` or ``~/.cache/igfaxis``: the native kernel's generated
modules and numba's compiled code, persons' habitual states, and (when the CLI runs) JAX's
persistent compilation cache. Deleting it is always safe: everything is rebuilt on demand.
Files are written atomically (a temporary file in the same folder, then ``os.replace``),
so concurrent processes and a kill mid-write never leave half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "cache_dir", "source_fingerprint"]


def cache_dir(*parts: str) -> Path:
    """The cache folder (or a sub-folder of it), created if missing."""
    env = os.environ.get("IGFAXIS_CACHE_DIR")
    root = Path(env) if env else Path.home() / ".cache" / "igfaxis"
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_fingerprint(*folders: str) -> str:
    """Short hash of the source and data files under these folders of the package (e.g.
    ``"model", "protocol", "data"``): part of every cache key whose value depends on the
    equations, so a cached result never outlives the code that computed it."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for folder in folders:
        for f in sorted((root / folder).rglob("*")):
            if f.is_file() and f.suffix in (".py", ".csv", ".yaml"):
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]
