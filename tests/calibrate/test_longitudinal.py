"""Published longitudinal series (igfaxis/validation/longitudinal.yaml; docs/validation.md):
calibrate on every lab but the last, predict the last. The group mean is fitted as one
typical person with a single person's lab noise (the conservative choice for a group mean,
whose noise is smaller); the published last value should lie inside the 90% predictive
interval.
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from igfaxis import Person
from igfaxis.calibrate import calibrate
from igfaxis.protocol import History, LabValue

SERIES = yaml.safe_load(
    resources.files("igfaxis.validation").joinpath("longitudinal.yaml").read_text("utf-8"))
#: series the model does not yet predict, with why (strict: a fix makes them fail)
#: (V-LONG-01, Moller 1993, was one: 616 [471-772] ng/mL predicted vs 468 observed, because
#: the first day of each dose step lost the previous evening's dose at day resolution and
#: the fit read the 1 and 2 IU/m2 labs low; then 514 [402-659], 463 [361-595] since gh_ec50
#: moved 12 -> 7 ng/mL)
KNOWN_MISSES: dict[str, str] = {}


def _labs(series: dict) -> list[LabValue]:
    return [LabValue(day=float(lab["day"]), date=None, value=float(lab["igf1_ng_ml"]),
                     unit="ng/mL", igf1_ng_ml=float(lab["igf1_ng_ml"]), line=i + 1,
                     time=lab.get("time", "08:00"), igfbp3_ng_ml=lab.get("igfbp3_ng_ml"))
            for i, lab in enumerate(series["labs"])]  # fmt: skip


@pytest.mark.filterwarnings("ignore::igfaxis.errors.DoseWarning")  # Moller's 4 IU/m2 step
@pytest.mark.parametrize("series", [
    pytest.param(s, id=s["id"], marks=[pytest.mark.xfail(reason=KNOWN_MISSES[s["id"]],
                                                         strict=True)]
                 if s["id"] in KNOWN_MISSES else []) for s in SERIES])  # fmt: skip
def test_last_lab_is_predicted_from_the_earlier_ones(series: dict) -> None:
    person = Person(**series["population"]["person"])
    labs = _labs(series)
    fit = calibrate(person, labs[:-1], history=History(segments=series["history"]))
    assert fit.converged, fit.message
    (pred,) = fit.predict_labs([labs[-1].day], clock_h=8.0)
    assert pred.q05 <= labs[-1].igf1_ng_ml <= pred.q95, (pred, labs[-1].igf1_ng_ml)
