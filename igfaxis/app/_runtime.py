"""Process-wide settings every entry point applies at start (the CLI, the web server and
its job workers): JAX in float64 (STYLE A10) with a persistent compilation cache."""

from __future__ import annotations

import os
import sys
from typing import Any

from igfaxis._cache import cache_dir

__all__ = ["configure_jax", "jax_settings"]


def jax_settings() -> dict[str, Any]:
    """JAX settings of every command: the engine is written for float64 (A10), and compiled
    JAX programs (the JAX backend, the JAX cell model) persist across processes."""
    return {"jax_enable_x64": True, "jax_compilation_cache_dir": str(cache_dir("jax")),
            "jax_persistent_cache_min_compile_time_secs": 0.2}  # fmt: skip


def configure_jax() -> None:
    """Apply :func:`jax_settings` without importing JAX: most commands run the native
    kernel and never need it (importing it costs about a second). JAX reads its settings
    from ``JAX_*`` environment variables when it is first imported; if it already is
    (an embedding process), they are set on its config directly."""
    settings = jax_settings()
    jax = sys.modules.get("jax")
    if jax is not None:
        for key, value in settings.items():
            jax.config.update(key, value)
        return
    for key, value in settings.items():
        os.environ[key.upper()] = "1" if value is True else str(value)
