"""The arguments of one run, checked once at the boundary: who, what, how long, which seed.

:func:`check_run` is what :func:`igfaxis.simulate`, the SBML export and the app flows call
before compiling anything, so a wrong type or value is a
:class:`~igfaxis.errors.ProtocolError` that says what to pass, never an ``AttributeError``
deep inside, and a silent extrapolation is a warning.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Final

from igfaxis._messages import short_repr
from igfaxis.errors import DoseWarning, ExtrapolationWarning, ProtocolError
from igfaxis.protocol._person import Person
from igfaxis.protocol._protocol import Protocol

__all__ = ["CALIBRATED_AGE_Y", "MAX_DAYS", "MAX_SEED", "check_run", "check_seed"]

#: adult ages the model's somatopause and reference data cover [y]
CALIBRATED_AGE_Y: Final = (18.0, 80.0)
#: longest horizon [days] (100 years)
MAX_DAYS: Final = 36500.0
#: largest seed (the burst generator takes any non-negative 64-bit integer)
MAX_SEED: Final = 2**63 - 1


def _person(person: object) -> Person:
    if isinstance(person, Person):
        return person
    raise ProtocolError(
        f"`person` must be an igfaxis.Person; got {short_repr(person)} "
        f"({type(person).__name__}). Build one with `Person(age_y=45, sex='male', "
        "weight_kg=80)` or `Person.model_validate(mapping)`."
    )


def _protocol(protocol: object) -> Protocol:
    if protocol is None:
        return Protocol(name="usual day")
    if isinstance(protocol, Protocol):
        return protocol
    hint = (
        "Read a file or YAML text with `Protocol.from_yaml(...)`."
        if isinstance(protocol, str)
        else "Build one with `Protocol(...)` or `Protocol.from_dict(mapping)`."
    )
    raise ProtocolError(
        f"`protocol` must be an igfaxis.Protocol or None; got {short_repr(protocol)} "
        f"({type(protocol).__name__}). {hint}"
    )


def _days(days: object, protocol: Protocol, save_every_h: float) -> float:
    value = days if days is not None else (protocol.days if protocol.days is not None else 1.0)
    name = "days" if days is not None else "Protocol.days"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ProtocolError(
            f"`{name}` must be a number of days; got {short_repr(value)} "
            f"({type(value).__name__}). Pass e.g. `days=7`."
        )
    d = float(value)
    shortest = save_every_h / 24.0
    if not (math.isfinite(d) and shortest <= d <= MAX_DAYS):
        raise ProtocolError(
            f"`{name}` must be a number in [{shortest:.4g}, {MAX_DAYS:g}] (one output step "
            f"of {save_every_h:g} h to 100 years); got {short_repr(value)} "
            f"({type(value).__name__}). Pass e.g. `days=7`."
        )
    return d


def check_seed(seed: object) -> int:
    """``seed`` as an ``int`` if it is a whole number from 0 to :data:`MAX_SEED`.

    Raises
    ------
    ProtocolError
        ``seed`` is not an integer (``None``, a float, a bool) or is out of range.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ProtocolError(
            f"`seed` must be a whole number from 0 to 2**63 - 1; got {short_repr(seed)} "
            f"({type(seed).__name__}). Pass e.g. `seed=0`; the same seed gives the same "
            "random numbers."
        )
    s = int(seed)
    if not 0 <= s <= MAX_SEED:
        raise ProtocolError(
            f"`seed` must be a whole number from 0 to 2**63 - 1; got {short_repr(seed)}. "
            "Pass e.g. `seed=0`."
        )
    return s


def _warn_extrapolation(person: Person, stacklevel: int) -> None:
    low, high = CALIBRATED_AGE_Y
    if not low <= person.age_y <= high:
        warnings.warn(
            f"`Person.age_y` = {person.age_y:g} lies outside the adult ages the model is "
            f"calibrated on ({low:g}-{high:g} y): the result extrapolates "
            + (
                "(the model has no childhood growth or puberty)."
                if person.age_y < low
                else "(somatopause continued beyond the data)."
            ),
            ExtrapolationWarning,
            stacklevel=stacklevel + 1,
        )


def _warn_late_doses(protocol: Protocol, days: float, stacklevel: int) -> None:
    end_h = 24.0 * days
    late = [i for i, dose in enumerate(protocol.doses) if dose.time_h >= end_h]
    if late:
        first = protocol.doses[late[0]]
        warnings.warn(
            f"{len(late)} of the protocol's {len(protocol.doses)} dose records start at or "
            f"after the horizon ({end_h:g} h = {days:g} days) and are not simulated (first: "
            f"`doses.{late[0]}`, {first.drug} at {first.time_h:g} h). Pass a longer `days` "
            "or move the doses.",
            DoseWarning,
            stacklevel=stacklevel + 1,
        )


def check_run(
    person: object,
    protocol: object,
    days: object,
    seed: object,
    *,
    save_every_h: float = 5.0 / 60.0,
    warn: bool = True,
    stacklevel: int = 2,
) -> tuple[Person, Protocol, float, int]:
    """Check the arguments of one run and return them typed.

    Parameters
    ----------
    person
        A :class:`~igfaxis.protocol.Person`.
    protocol
        A :class:`~igfaxis.protocol.Protocol`, or ``None`` for a usual day.
    days
        Horizon [days]; ``None`` takes ``protocol.days``, else 1.
    seed
        Seed of the GH burst train: an integer from 0 to :data:`MAX_SEED`.

    Other Parameters
    ----------------
    save_every_h
        Output step [h]; the horizon must hold at least one.
    warn
        Emit the warnings below (an adapter that checks its arguments before calling
        :func:`igfaxis.simulate`, which warns itself, passes ``False``).
    stacklevel
        Of the warnings: 2 (the default) points at the caller of the function that calls
        :func:`check_run`, as :func:`warnings.warn` counts.

    Returns
    -------
    ``(person, protocol, days, seed)``.

    Raises
    ------
    ProtocolError
        A wrong type (a dict as person, a string as protocol or days, ``None`` or a
        negative number as seed) or a horizon outside [one output step, 100 years].

    Warns
    -----
    ExtrapolationWarning
        The person's age lies outside :data:`CALIBRATED_AGE_Y`.
    DoseWarning
        A dose record starts at or after the horizon, so none of its doses is simulated.

    Examples
    --------
    >>> check_run(Person(age_y=40), None, "3", 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    igfaxis.errors.ProtocolError: `days` must be a number of days; got '3' (str). ...
    """
    p, pr = _person(person), _protocol(protocol)
    d, s = _days(days, pr, save_every_h), check_seed(seed)
    if warn:
        _warn_extrapolation(p, stacklevel + 1)
        _warn_late_doses(pr, d, stacklevel + 1)
    return p, pr, d, s
