"""Validated user input: persons, protocols, doses; compilation into forcing."""

from igfaxis.protocol._compile import (
    BURST_ORIGIN_H as BURST_ORIGIN_H,
    Forcing as Forcing,
    compile_protocol as compile_protocol,
    compile_protocol_seeds as compile_protocol_seeds,
)
from igfaxis.protocol._errors import (
    format_errors as format_errors,
    format_validation_error as format_validation_error,
)
from igfaxis.protocol._history import History as History, HistorySegment as HistorySegment
from igfaxis.protocol._lab import DEFAULT_TIME as DEFAULT_TIME, LabValue as LabValue
from igfaxis.protocol._label import (
    contraindicated as contraindicated,
    dose_warnings as dose_warnings,
    warn_doses as warn_doses,
)
from igfaxis.protocol._lifestyle import (
    Diet as Diet,
    DietPhase as DietPhase,
    Exercise as Exercise,
    Fast as Fast,
)
from igfaxis.protocol._lifestyle_compile import lifestyle_events as lifestyle_events
from igfaxis.protocol._person import Person as Person
from igfaxis.protocol._protocol import (
    BOLUS_DURATION_H as BOLUS_DURATION_H,
    Dose as Dose,
    Protocol as Protocol,
    Sleep as Sleep,
)
from igfaxis.protocol._regimen import (
    default_route as default_route,
    format_regimen as format_regimen,
    normalize_unit as normalize_unit,
    parse_regimen as parse_regimen,
)
from igfaxis.protocol._run_checks import (
    CALIBRATED_AGE_Y as CALIBRATED_AGE_Y,
    MAX_DAYS as MAX_DAYS,
    MAX_SEED as MAX_SEED,
    check_run as check_run,
    check_seed as check_seed,
)
