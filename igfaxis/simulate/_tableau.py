"""Explicit Runge-Kutta methods as data (the pattern of diffrax ``_solver/tsit5.py``).

:data:`DOPRI5` is the Dormand-Prince 5(4) pair with first-same-as-last stages and its
fourth-order continuous extension.

References
----------
Dormand, J. R. & Prince, P. J. (1980). A family of embedded Runge-Kutta formulae. J. Comput.
Appl. Math. 6, 19-26. Hairer, E., Nørsett, S. P. & Wanner, G. (1993). Solving Ordinary
Differential Equations I, 2nd ed., Springer: table II.5.2 (the pair) and section II.6
(dense output, the coefficients ``d`` of the code DOPRI5).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DOPRI5", "ButcherTableau"]


@dataclass(frozen=True)
class ButcherTableau:
    """An embedded explicit Runge-Kutta pair with a continuous extension.

    Attributes
    ----------
    c
        Nodes, one per stage.
    a
        Rows of the strictly lower-triangular stage matrix; row ``i`` has ``i`` entries.
    b
        Weights of the propagated (higher-order) solution.
    b_low
        Weights of the embedded (lower-order) solution; ``b - b_low`` estimates the error.
    dense
        Coefficients of the continuous extension (Hairer's ``d``): with
        ``r1 = y1 - y0``, ``r2 = h k1 - r1``, ``r3 = r1 - h k7 - r2`` and
        ``r4 = h sum(dense_i k_i)``, ``y(t0 + theta h) = y0 + theta (r1 + (1 - theta)
        (r2 + theta (r3 + (1 - theta) r4)))``.
    order
        Order of ``b``; the error estimate is of order ``order - 1``.
    """

    c: tuple[float, ...]
    a: tuple[tuple[float, ...], ...]
    b: tuple[float, ...]
    b_low: tuple[float, ...]
    dense: tuple[float, ...]
    order: int

    def constants(self) -> dict[str, float]:
        """Named scalars for generated code: ``A{i}{j}`` (1-based, i > j), ``E{j}`` (error
        weights ``b - b_low``), ``D{j}`` (dense output)."""
        out: dict[str, float] = {}
        for i, row in enumerate(self.a):
            for j, v in enumerate(row):
                out[f"A{i + 1}{j + 1}"] = float(v)
        for j, (hi, lo) in enumerate(zip(self.b, self.b_low, strict=True)):
            out[f"E{j + 1}"] = float(hi - lo)
        for j, d in enumerate(self.dense):
            out[f"D{j + 1}"] = float(d)
        return out


DOPRI5 = ButcherTableau(
    c=(0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0),
    a=(
        (),
        (1 / 5,),
        (3 / 40, 9 / 40),
        (44 / 45, -56 / 15, 32 / 9),
        (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
        (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
        (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
    ),
    b=(35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0),
    b_low=(5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40),
    dense=(
        -12715105075 / 11282082432,
        0.0,
        87487479700 / 32700410799,
        -10690763975 / 1880347072,
        701980252875 / 199316789632,
        -1453857185 / 822651844,
        69997945 / 29380423,
    ),
    order=5,
)
