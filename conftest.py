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


def _group_suffix(item) -> str:
    names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                    for m in item.iter_markers("xdist_group")})  # fmt: skip
    return "@" + "_".join(names) if names else ""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Two things for ``make test`` (-n 2 --dist loadgroup).

    Modules that hold a ``slow`` test run first, each module's tests together and in their
    order: a test of minutes handed out last kept one worker busy while the other had
    nothing left (the titration validation, 2.5 min, came after nearly everything).

    ``xdist_group`` marks take effect again. pytest-xdist 3.8 tells its scheduler a test's
    group by appending ``@group`` to ``item._nodeid``, which pytest 9.2 no longer reads
    (node ids are structured, ``item._id``), so every group was silently split across the
    workers and each worker set up the module fixtures itself (the demo's 1-minute run
    twice; pytest-dev/pytest-xdist#1386, open). The same suffix is put on the structured id,
    the form pytest 8 had; nothing is done where xdist's own suffix took effect."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)  # stable: the rest keep their order
    if not getattr(config.option, "loadgroup", False):  # set on xdist's workers
        return
    for item in items:
        suffix = _group_suffix(item)
        if suffix and not item.nodeid.endswith(suffix):
            item._id = type(item._id).parse(item.nodeid + suffix)
