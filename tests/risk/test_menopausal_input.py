"""``menopausal`` must be a bool or None: a string such as "no" is truthy and would pick
the postmenopausal breast-cancer curve (issue 16, item 1)."""

import numpy as np
import pytest

import igfaxis
from igfaxis.errors import ProtocolError
from igfaxis.risk import select_curves


@pytest.mark.parametrize("value", ["no", "yes", "", 0, 1, "False"])
def test_assess_refuses_a_non_bool_menopausal(value):
    with pytest.raises(ProtocolError, match="`menopausal` must be True"):
        igfaxis.assess(100, "ng/mL", 60, "female", menopausal=value)


def test_select_curves_refuses_a_string():
    with pytest.raises(ProtocolError, match="not a string"):
        select_curves("female", menopausal="no")  # type: ignore[arg-type]


def test_bools_still_select_the_curves():
    post = igfaxis.assess(100, "ng/mL", 60, "female", menopausal=np.bool_(True))
    pre = igfaxis.assess(100, "ng/mL", 60, "female", menopausal=False)
    assert {r.curve_id for r in post.hazard_ratios} != {r.curve_id for r in pre.hazard_ratios}


@pytest.mark.parametrize("seed", [-1, None, 1.5])
def test_assess_seed_is_checked(seed):
    with pytest.raises(ProtocolError, match="`seed` must be a whole number"):
        igfaxis.assess(100, "ng/mL", 60, "male", seed=seed)
