"""Strict runtime for the whole suite and the doctests (STYLE G2)."""

import jax
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture
def getkey():
    """Deterministic PRNG keys: each call gives the next one."""
    keys = iter(jax.random.split(jax.random.key(0), 1000))
    return lambda: next(keys)


@pytest.fixture(scope="module")
def cache_without_tables(tmp_path_factory):
    """A fresh ``IGFAXIS_CACHE_DIR`` for a test module: no day tables and no habitual states
    (they are computed afresh), but the compiled kernels of the current cache folder, linked
    in (numba's machine code sits next to the generated modules), so that the module does
    not recompile every kernel it runs (about 12 s each)."""
    from igfaxis._cache import cache_dir  # after x64 is on (above)

    root, into = cache_dir(), tmp_path_factory.mktemp("cache")
    for f in root.iterdir():
        if f.name not in ("day", "habitual"):
            (into / f.name).symlink_to(f)
    mp = pytest.MonkeyPatch()
    mp.setenv("IGFAXIS_CACHE_DIR", str(into))
    yield into
    mp.undo()
