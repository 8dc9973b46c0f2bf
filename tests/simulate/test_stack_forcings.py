"""``stack_forcings`` (one allocation, each forcing written once) against the padding then
stacking it replaced in ``solve_many``, ``daily_summaries`` and the cohort benchmark."""

from __future__ import annotations

import numpy as np
import pytest

from igfaxis import Person, Protocol
from igfaxis.model import default_params
from igfaxis.protocol import compile_protocol
from igfaxis.simulate import pad_forcing
from igfaxis.simulate._forcing import stack_forcings


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def test_stack_forcings_is_np_stack_of_pad_forcing():
    base = default_params()
    persons = [Person(age_y=25, sex="male"), Person(age_y=70, sex="female"),
               Person(age_y=45, condition="acromegaly")]  # fmt: skip
    forcings = [compile_protocol(Protocol(name="usual"), x, base, days=d, seed=i,
                                 warmup_h=24.0)[1]
                for i, (x, d) in enumerate(zip(persons, (3.0, 5.0, 4.0), strict=True))]  # fmt: skip
    for size in (max(f.boundaries.size for f in forcings), 1024):
        padded = [pad_forcing(f.boundaries, f.values, f.t1, size) for f in forcings]
        b_ref = np.stack([b for b, _ in padded])
        v_ref = np.stack([v for _, v in padded])
        b, v = stack_forcings([(f.boundaries, f.values, f.t1) for f in forcings], size)
        assert b.shape == b_ref.shape
        assert v.shape == v_ref.shape
        np.testing.assert_array_equal(_bits(b), _bits(b_ref))
        np.testing.assert_array_equal(_bits(v), _bits(v_ref))
    f = forcings[0]
    with pytest.raises(ValueError, match="size"):
        stack_forcings([(f.boundaries, f.values, f.t1)], f.boundaries.size - 1)
    with pytest.raises(ValueError, match="values of shape"):
        stack_forcings([(f.boundaries, f.values[:-1], f.t1)], f.boundaries.size)
    with pytest.raises(ValueError, match="no forcings"):
        stack_forcings([], 16)
