"""Array aliases shared across igfaxis (jaxtyping)."""

from __future__ import annotations

from typing import TypeAlias

from jaxtyping import Array, Float

Scalar: TypeAlias = Float[Array, ""] | float
Time: TypeAlias = Float[Array, ""] | float
Conc: TypeAlias = Float[Array, ""] | float
Rate: TypeAlias = Float[Array, ""] | float
Times: TypeAlias = Float[Array, " times"]
