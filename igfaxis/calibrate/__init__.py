"""Personal calibration: fit the twin's personal parameters to a person's own labs.

:func:`calibrate` returns a :class:`CalibrationResult` (posterior of the multipliers of
:data:`igfaxis.model.PERSONAL_PARAMETERS`, predictions of the next lab with intervals, the
most informative date of a next lab). The forward model is the day-resolution model
(:func:`igfaxis.simulate.day_schedule`, :func:`igfaxis.simulate.solve_schedule`).

Model predictions and published associations, not medical advice.
"""

from igfaxis.calibrate._fit import (
    GH_CV_A as GH_CV_A,
    IGFBP3_CV_I as IGFBP3_CV_I,
    CalibrationConfig as CalibrationConfig,
    calibrate as calibrate,
    gh_draw_cdf as gh_draw_cdf,
    gh_draw_quantiles as gh_draw_quantiles,
    gh_draw_score as gh_draw_score,
    lab_sigma as lab_sigma,
    model_labs as model_labs,
)
from igfaxis.calibrate._forward import NAMES as NAMES
from igfaxis.calibrate._result import (
    CalibrationResult as CalibrationResult,
    LabPrediction as LabPrediction,
)

__all__ = ["GH_CV_A", "IGFBP3_CV_I", "NAMES", "CalibrationConfig", "CalibrationResult",
           "LabPrediction", "calibrate", "gh_draw_cdf", "gh_draw_quantiles", "gh_draw_score",
           "lab_sigma", "model_labs"]  # fmt: skip
