"""Strict runtime for the whole suite and the doctests (STYLE G2)."""

import jax
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture
def getkey():
    """Deterministic PRNG keys: each call gives the next one."""
    keys = iter(jax.random.split(jax.random.key(0), 1000))
    return lambda: next(keys)
