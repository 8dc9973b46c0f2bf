"""Personal calibration: fit the twin's personal parameters to a person's own labs.

:func:`calibrate` returns a :class:`CalibrationResult` (posterior of the multipliers of
:data:`igfaxis.model.PERSONAL_PARAMETERS`, predictions of the next lab with intervals, the
most informative date of a next lab). The forward model is the day-resolution model
(:func:`igfaxis.simulate.day_schedule`, :func:`igfaxis.simulate.solve_schedule`).

Model predictions and published associations, not medical advice.
"""

from igfaxis.calibrate._fit import (
    IGFBP3_CV_I as IGFBP3_CV_I,
    CalibrationConfig as CalibrationConfig,
    calibrate as calibrate,
    lab_sigma as lab_sigma,
    model_labs as model_labs,
)
from igfaxis.calibrate._forward import NAMES as NAMES
from igfaxis.calibrate._result import (
    CalibrationResult as CalibrationResult,
    LabPrediction as LabPrediction,
)

__all__ = ["IGFBP3_CV_I", "NAMES", "CalibrationConfig", "CalibrationResult", "LabPrediction",
           "calibrate", "lab_sigma", "model_labs"]  # fmt: skip
