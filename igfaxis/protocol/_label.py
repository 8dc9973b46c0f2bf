"""Doses above the label maximum (or, for unapproved drugs, above the largest dose studied).

Each route of each drug in :data:`igfaxis.model.drugs.DRUGS` carries ``label_max`` per dose
in ``mg`` or ``mg/kg``; a dose in another unit is converted with the person's weight and the
drug's molar mass. The simulation still runs: the check informs, it does not refuse.

Examples
--------
>>> from igfaxis.protocol import Person, Protocol
>>> p = Protocol(doses=["tesamorelin 4 mg sc daily x 7 at 22:00"])
>>> print(dose_warnings(p, Person(weight_kg=80))[0])  # doctest: +ELLIPSIS
tesamorelin 4 mg sc exceeds the label maximum of 2 mg per dose (Egrifta label, daily dose); ...
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

from igfaxis.errors import DoseWarning
from igfaxis.model.drugs import DrugInfo
from igfaxis.protocol._person import Person
from igfaxis.protocol._protocol import Dose, Protocol

__all__ = ["contraindicated", "dose_warnings", "warn_doses"]

#: a dose this much above the maximum counts (float noise in unit conversions is not a warning)
_REL_TOL = 1e-9

_CAVEAT = (
    "the simulation runs, but the model is not checked against such doses and its result "
    "is not a dosing recommendation; check the amount and its unit"
)


def _per_kg(unit: str) -> bool:
    return unit.endswith("/kg")


def _one(dose: Dose, weight_kg: float) -> str | None:
    route = dose.info.routes[dose.route]
    if route.label_max is None:
        return None
    mg = dose.amount_ug(weight_kg) / 1000.0
    label_per_kg = _per_kg(route.label_max_unit)
    value = mg / weight_kg if label_per_kg else mg
    if value <= route.label_max * (1.0 + _REL_TOL):
        return None
    what = f"{dose.drug} {dose.amt:.4g} {dose.amt_unit} {dose.route}"
    if dose.amt_unit != route.label_max_unit:
        what += f" ({value:.4g} {route.label_max_unit} at {weight_kg:g} kg)"
    limit = f"{route.label_max:.4g} {route.label_max_unit} per dose"
    note = route.label_note
    if label_per_kg:
        note = f"{route.label_max * weight_kg:.4g} mg at {weight_kg:g} kg; {note}"
    if dose.info.approved:
        return f"{what} exceeds the label maximum of {limit} ({note}); {_CAVEAT}."
    return f"{what} exceeds {limit}, the limit used for this unapproved drug ({note}); {_CAVEAT}."


def dose_warnings(protocol: Protocol | Iterable[Dose], person: Person) -> list[str]:
    """One message per dose record above its label maximum, in protocol order, and one per
    drug whose label (or class precaution) the person's ``contraindications`` rule out.

    Parameters
    ----------
    protocol
        A protocol, or its doses.
    person
        Whose weight converts between per-kg and absolute amounts.

    Returns
    -------
    list[str]
        Messages naming the dose, the limit and its source; empty when all doses are
        within their labels. Identical messages appear once.
    """
    doses = protocol.doses if isinstance(protocol, Protocol) else tuple(protocol)
    messages = [_one(d, person.weight_kg) for d in doses]
    messages += [contraindicated(d.info, person) for d in doses]
    return list(dict.fromkeys(m for m in messages if m is not None))


def contraindicated(info: DrugInfo, person: Person) -> str | None:
    """Why the drug's label (or class precaution) rules it out for the person, or None."""
    hit = [c for c in person.contraindications if c in info.contraindications]
    if not hit:
        return None
    kind = "label" if info.approved else "class precaution (GH-raising drugs)"
    return (f"{info.name} is contraindicated for this person ({', '.join(hit)}: "
            f"{kind}); the simulation runs, but this is not a treatment option to consider "
            "without a clinician.")


def warn_doses(protocol: Protocol | Iterable[Dose], person: Person, *, stacklevel: int = 2) -> None:
    """Emit each of :func:`dose_warnings` as a :class:`~igfaxis.errors.DoseWarning`.

    ``stacklevel`` counts as in :func:`warnings.warn`, from the caller of this function.
    """
    for message in dose_warnings(protocol, person):
        warnings.warn(message, DoseWarning, stacklevel=stacklevel + 1)
