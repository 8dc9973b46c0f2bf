"""SBML export of a person's model: SBML Level 3 Version 2, written with python-libsbml.

The exported document is the personalised model of one person under one protocol, ready
for any SBML simulator (libRoadRunner, COPASI, AMICI). Its layout:

* **Compartment.** One compartment ``plasma`` of constant size 1 L. Each :class:`State`
  field is a species in it, so a species' concentration and amount are the same number.
  Concentration states keep the model's units through their substance units: GHRH and SRIF
  [pg/mL = ng/L] count ``nanogram``, GH [ng/mL = µg/L] counts ``microgram``, the IGF-1,
  IGFBP-3 and ALS pools [nmol/L] count ``nanomole``. The subcutaneous depot and transit
  states are amounts [µg] (``hasOnlySubstanceUnits`` = true). The compartment is a
  bookkeeping device, not a physiological volume: GH volumes are the parameters ``gh_vc``
  and ``gh_vp``.
* **Parameters.** Every :class:`~igfaxis.model.Params` field is a constant parameter at the
  person's personalised value. Its unit from ``igfaxis/data/parameters.csv`` becomes an SBML
  unit definition, and the table's unit string, bounds and source are repeated in the notes.
* **Rate rules.** One per state. The math is :func:`~igfaxis.model.vector_field` evaluated on
  symbolic values (:class:`igfaxis.model.Sym`), so the SBML equations are the engine's
  equations, not a transcription of them.
* **Inputs.** Each :class:`~igfaxis.model.Inputs` field (burst drive, dosing rates, secretion
  gate) is a non-constant parameter. It starts at the forcing's first row, and one event per
  later forcing boundary sets the inputs that change there (trigger ``time >= s_i``,
  persistent, ``initialValue`` true, values from trigger time). A bolus is the engine's
  one-minute zero-order input, so it is two events.
* **Observables.** Every :class:`~igfaxis.model.Observables` field is a parameter set by an
  assignment rule, e.g. ``igf1_total_ng_ml`` (total IGF-1 [ng/mL]).
* **Time.** The time unit is the hour. SBML time starts at 0 at the start of the warm-up,
  the forcing's ``t0 = -warmup_h``; model time is ``t_h = time + time_offset_h`` (parameter
  ``time_offset_h`` = ``t0``, assignment-rule parameter ``model_time_h``). Hence the model's
  ``t = 0`` (midnight, start of day 1) is SBML time ``warmup_h``. The forcing ends at
  ``24 days`` h model time; after that the inputs hold their last values.

``libsbml`` is imported only when a function here is called.
"""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import igfaxis
from igfaxis._files import write_text_atomic
from igfaxis.errors import ExportError, FeatureNotSupportedError, ProtocolError
from igfaxis.model import (
    INPUT_UNITS,
    OBSERVABLE_UNITS,
    PARAMETERS,
    STATE_UNITS,
    Inputs,
    Params,
    State,
    Sym,
    default_params,
    observables,
    param_hash,
    vector_field,
)
from igfaxis.protocol import (
    BURST_ORIGIN_H,
    Forcing,
    Person,
    Protocol,
    check_run,
    compile_protocol,
)
from igfaxis.simulate import SolverConfig, start_state

__all__ = ["to_sbml", "write_sbml"]

_INSTALL_HINT = "to_sbml requires the 'sbml' extra: pip install 'igfaxis[sbml]'"
_XHTML = "http://www.w3.org/1999/xhtml"
_COMPARTMENT = "plasma"

#: unit string of a state -> (SBML substance unit id, hasOnlySubstanceUnits)
_SPECIES_UNITS: Mapping[str, tuple[str, bool]] = {
    "pg/mL": ("nanogram", False),  # pg/mL = ng/L in a 1 L compartment
    "ng/mL": ("microgram", False),  # ng/mL = µg/L
    "nmol/L": ("nanomole", False),
    "ug": ("microgram", True),  # an amount, not a concentration
    "1": ("dimensionless", True),  # relative levels (energy status, ghrelin, training)
    "g/kg/d": ("dimensionless", True),  # protein status: a rate per body mass, kept as a number
}

#: unit symbol -> (SBML base unit kind, factor to that kind)
_SYMBOLS: Mapping[str, tuple[str, float]] = {
    "pg": ("gram", 1e-12),
    "ng": ("gram", 1e-9),
    "ug": ("gram", 1e-6),
    "µg": ("gram", 1e-6),
    "mg": ("gram", 1e-3),
    "g": ("gram", 1.0),
    "kg": ("gram", 1e3),
    "nmol": ("mole", 1e-9),
    "mol": ("mole", 1.0),
    "mL": ("litre", 1e-3),
    "L": ("litre", 1.0),
    "m": ("metre", 1.0),
    "min": ("second", 60.0),
    "h": ("second", 3600.0),
    "d": ("second", 86400.0),
    "decade": ("second", 3600.0 * 24.0 * 365.25 * 10.0),
}

#: fixed unit definitions: id -> (kind, scale, multiplier)
_FIXED_UNITS: Mapping[str, tuple[str, int, float]] = {
    "hour": ("second", 0, 3600.0),
    "nanogram": ("gram", -9, 1.0),
    "microgram": ("gram", -6, 1.0),
    "nanomole": ("mole", -9, 1.0),
}


def _libsbml() -> Any:
    try:
        import libsbml
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return libsbml


# --- units -----------------------------------------------------------------------------


def _parse_unit(text: str) -> tuple[dict[str, int], float] | None:
    """Parse a table unit such as ``1/(nmol/L)/h`` into base-kind exponents and a factor.

    Returns ``None`` for a unit outside the small grammar (``a/b/c``, ``a*b``, parentheses,
    ``m2``-style exponents, ``1``); such a unit is kept only in the notes.
    """
    tokens = re.findall(r"\(|\)|/|\*|[A-Za-zµ]+\d*|\d+", text.replace(" ", ""))
    if "".join(tokens) != text.replace(" ", ""):
        return None
    pos = 0

    def factor() -> tuple[dict[str, int], float] | None:
        nonlocal pos
        if pos >= len(tokens):
            return None
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            inner = expr()
            if inner is None or pos >= len(tokens) or tokens[pos] != ")":
                return None
            pos += 1
            return inner
        if tok == "1":
            return {}, 1.0
        m = re.fullmatch(r"([A-Za-zµ]+)(\d*)", tok)
        if m is None or m.group(1) not in _SYMBOLS:
            return None
        kind, scale = _SYMBOLS[m.group(1)]
        exponent = int(m.group(2) or 1)
        return {kind: exponent}, scale**exponent

    def expr() -> tuple[dict[str, int], float] | None:
        nonlocal pos
        left = factor()
        while left is not None and pos < len(tokens) and tokens[pos] in "/*":
            op = tokens[pos]
            pos += 1
            right = factor()
            if right is None:
                return None
            sign = -1 if op == "/" else 1
            kinds = dict(left[0])
            for kind, e in right[0].items():
                kinds[kind] = kinds.get(kind, 0) + sign * e
            left = ({k: e for k, e in kinds.items() if e != 0}, left[1] * right[1] ** sign)
        return left

    out = expr()
    return out if pos == len(tokens) else None


def _unit_id(text: str) -> str:
    """A readable SBML UnitSId for a unit string, e.g. ``pg/mL/h`` -> ``pg_per_mL_per_h``."""
    s = text.replace("µ", "u")
    s = re.sub(r"^1/", "per_", s).replace("/", "_per_")
    s = re.sub(r"[^A-Za-z0-9_]+", "_", s).strip("_")
    s = re.sub(r"_+", "_", s)
    return s if s[:1].isalpha() else f"u_{s}"


class _Units:
    """Creates unit definitions on demand and remembers them by unit string."""

    def __init__(self, lib: Any, model: Any) -> None:
        self._lib, self._model = lib, model
        self._ids: dict[str, str | None] = {}
        for uid, (kind, scale, multiplier) in _FIXED_UNITS.items():
            self._define(uid, uid, [(kind, 1, scale, multiplier)])

    def _define(self, uid: str, name: str, units: list[tuple[str, int, int, float]]) -> None:
        ud = self._model.createUnitDefinition()
        _ok(ud.setId(uid), f"unit definition {uid}")
        _ok(ud.setName(name), f"unit definition {uid}")
        for kind, exponent, scale, multiplier in units:
            u = ud.createUnit()
            _ok(u.setKind(self._lib.UnitKind_forName(kind)), f"unit kind {kind}")
            _ok(u.setExponent(exponent), f"unit {uid}")
            _ok(u.setScale(scale), f"unit {uid}")
            _ok(u.setMultiplier(multiplier), f"unit {uid}")

    def __call__(self, text: str) -> str | None:
        """The unit id for ``text`` (``dimensionless`` for ``1``), or None if unparseable."""
        if text in self._ids:
            return self._ids[text]
        parsed = _parse_unit(text)
        uid: str | None
        if parsed is None:
            uid = None
        elif not parsed[0] and parsed[1] == 1.0:
            uid = "dimensionless"
        elif not parsed[0]:
            uid = _unit_id(text)
            self._define(uid, text, [("dimensionless", 1, 0, parsed[1])])
        else:
            kinds, scale = parsed
            uid = _unit_id(text)
            first, *rest = sorted(kinds)
            units = [(first, kinds[first], 0, scale ** (1.0 / kinds[first]))]
            units += [(k, kinds[k], 0, 1.0) for k in rest]
            self._define(uid, text, units)
        self._ids[text] = uid
        return uid


# --- helpers ---------------------------------------------------------------------------


def _ok(code: int, what: str) -> None:
    if code != 0:  # libsbml.LIBSBML_OPERATION_SUCCESS
        raise ExportError(
            f"libsbml refused to set {what} (return code {code}). This is a bug in igfaxis; "
            "please report it with the scenario JSON."
        )


def _notes(*paragraphs: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f'<body xmlns="{_XHTML}">{body}</body>'


def _math(lib: Any, formula: str) -> Any:
    ast = lib.parseL3Formula(formula)
    if ast is None:
        raise ExportError(
            f"libsbml could not parse the generated formula {formula[:200]!r}: "
            f"{lib.getLastParseL3Error()}. This is a bug in igfaxis; please report it."
        )
    return ast


def _symbols() -> tuple[State, Inputs, Any]:
    y = State(*(Sym(n) for n in State._fields))
    u = Inputs(*(Sym(n) for n in Inputs._fields))
    p = Params(*(Sym(n) for n in Params._fields))
    return y, u, p


def _check_ids() -> None:
    names = [_COMPARTMENT, "time_offset_h", "model_time_h", *State._fields, *Inputs._fields,
             *Params._fields, *OBSERVABLE_UNITS._fields]  # fmt: skip
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise FeatureNotSupportedError(
            f"SBML needs one namespace for states, inputs, parameters and observables; "
            f"these names clash: {', '.join(dup)}. Rename them in igfaxis.model."
        )


def _consistency_errors(lib: Any, doc: Any) -> list[str]:
    doc.setConsistencyChecks(lib.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.setConsistencyChecks(lib.LIBSBML_CAT_MODELING_PRACTICE, False)
    doc.checkConsistency()
    errors = []
    for i in range(doc.getNumErrors()):
        err = doc.getError(i)
        if err.getSeverity() >= lib.LIBSBML_SEV_ERROR:
            errors.append(f"line {err.getLine()}: {err.getMessage().strip()}")
    return errors


# --- the document ----------------------------------------------------------------------


def _add_species(lib: Any, model: Any, y0: Any) -> None:
    rates = vector_field(*_symbols())
    for name in State._fields:
        unit = getattr(STATE_UNITS, name)
        if unit not in _SPECIES_UNITS:
            raise FeatureNotSupportedError(
                f"state `{name}` has unit {unit!r}; the SBML exporter knows only "
                f"{', '.join(_SPECIES_UNITS)}. Add it to `_SPECIES_UNITS` in igfaxis/io/sbml.py."
            )
        substance, amount_only = _SPECIES_UNITS[unit]
        s = model.createSpecies()
        _ok(s.setId(name), f"species {name}")
        _ok(s.setCompartment(_COMPARTMENT), f"species {name}")
        _ok(s.setHasOnlySubstanceUnits(amount_only), f"species {name}")
        value = float(getattr(y0, name))
        _ok(s.setInitialAmount(value) if amount_only else s.setInitialConcentration(value),
            f"initial value of {name}")  # fmt: skip
        _ok(s.setSubstanceUnits(substance), f"species {name}")
        _ok(s.setBoundaryCondition(False), f"species {name}")
        _ok(s.setConstant(False), f"species {name}")
        _ok(s.setNotes(_notes(f"unit: {unit}")), f"notes of {name}")
        rule = model.createRateRule()
        _ok(rule.setVariable(name), f"rate rule of {name}")
        _ok(rule.setMath(_math(lib, str(getattr(rates, name)))), f"rate rule of {name}")


def _add_parameter(model: Any, units: _Units, name: str, value: float, unit: str,
                   constant: bool, *notes: str) -> None:  # fmt: skip
    q = model.createParameter()
    _ok(q.setId(name), f"parameter {name}")
    _ok(q.setValue(float(value)), f"parameter {name}")
    _ok(q.setConstant(constant), f"parameter {name}")
    uid = units(unit)
    if uid is not None:
        _ok(q.setUnits(uid), f"units of {name}")
    _ok(q.setNotes(_notes(f"unit: {unit}", *notes)), f"notes of {name}")


def _add_events(lib: Any, model: Any, forcing: Forcing) -> None:
    """One event per forcing boundary after t0, setting the inputs that change there."""
    t0 = forcing.t0
    for i in range(1, forcing.boundaries.size):
        before, after = forcing.values[i - 1], forcing.values[i]
        changed = [j for j in range(len(Inputs._fields)) if after[j] != before[j]]
        if not changed:
            continue
        s = float(forcing.boundaries[i] - t0)
        e = model.createEvent()
        _ok(e.setId(f"forcing_{i}"), f"event {i}")
        _ok(e.setUseValuesFromTriggerTime(True), f"event {i}")
        trigger = e.createTrigger()
        _ok(trigger.setMath(_math(lib, f"time >= {s!r}")), f"trigger of event {i}")
        # initialValue true: the trigger is false at SBML time 0 (s > 0), so this only says
        # that nothing fires at the start; the first row of the forcing is the initial value.
        _ok(trigger.setInitialValue(True), f"trigger of event {i}")
        _ok(trigger.setPersistent(True), f"trigger of event {i}")
        for j in changed:
            ea = e.createEventAssignment()
            _ok(ea.setVariable(Inputs._fields[j]), f"assignment of event {i}")
            _ok(ea.setMath(_math(lib, repr(float(after[j])))), f"assignment of event {i}")


def _model_notes(person: Person, protocol: Protocol, days: float, seed: int, p: Any,
                 forcing: Forcing) -> str:  # fmt: skip
    meta = {
        "igfaxis_version": igfaxis.__version__,
        "person": person.model_dump(mode="json"),
        "protocol": protocol.to_dict(),
        "days": days,
        "seed": seed,
        "param_hash": param_hash(p),
        "t0_h": forcing.t0,
        "t1_h": forcing.t1,
    }
    return _notes(
        "igfaxis model of the GH/IGF-1 axis, personalised for one person under one protocol. "
        "Model predictions, not medical advice.",
        "Time unit: hour. SBML time 0 is the start of the warm-up: model time "
        "t_h = time + time_offset_h (see parameter model_time_h); model t = 0 is midnight at "
        f"the start of day 1, i.e. SBML time {-forcing.t0!r}.",
        "Compartment plasma has constant size 1 L, so concentrations and amounts of the "
        "species are the same numbers; species units are those of igfaxis.model.STATE_UNITS "
        "(pg/mL = ng/L, ng/mL = ug/L, nmol/L; SC depots in ug as amounts).",
        "Inputs (ghrh_drive, gh_sc_rate, gh_iv_rate, igf1_iv_rate, secretion_gate) are "
        "piecewise constant, changed by the events forcing_i at the forcing boundaries.",
        "Reproducibility record: " + json.dumps(meta, sort_keys=True),
    )


def _build(lib: Any, person: Person, protocol: Protocol, p: Any, y0: Any, forcing: Forcing,
           days: float, seed: int) -> Any:  # fmt: skip
    doc = lib.SBMLDocument(3, 2)
    model = doc.createModel()
    _ok(model.setId("igfaxis_gh_igf1_axis"), "model id")
    _ok(model.setName(f"igfaxis {igfaxis.__version__}: {protocol.name}"), "model name")
    units = _Units(lib, model)
    _ok(model.setTimeUnits("hour"), "time units")
    _ok(model.setVolumeUnits("litre"), "volume units")
    _ok(model.setNotes(_model_notes(person, protocol, days, seed, p, forcing)), "model notes")

    c = model.createCompartment()
    _ok(c.setId(_COMPARTMENT), "compartment")
    _ok(c.setSize(1.0), "compartment size")
    _ok(c.setSpatialDimensions(3.0), "compartment dimensions")
    _ok(c.setUnits("litre"), "compartment units")
    _ok(c.setConstant(True), "compartment")

    _add_species(lib, model, y0)
    for name in Params._fields:
        spec = PARAMETERS[name]
        _add_parameter(model, units, name, getattr(p, name), spec.unit, True,
                       f"table default: {spec.value!r}; bounds: [{spec.lower!r}, "
                       f"{spec.upper!r}]", f"source: {spec.source}")  # fmt: skip
    for j, name in enumerate(Inputs._fields):
        _add_parameter(model, units, name, forcing.values[0, j], getattr(INPUT_UNITS, name),
                       False, "input, piecewise constant; set by the forcing events")  # fmt: skip
    _add_parameter(model, units, "time_offset_h", forcing.t0, "h", True,
                   "model time at SBML time 0: t_h = time + time_offset_h")  # fmt: skip
    _add_parameter(model, units, "model_time_h", forcing.t0, "h", False,
                   "model time t_h (assignment rule time + time_offset_h)")  # fmt: skip
    rule = model.createAssignmentRule()
    _ok(rule.setVariable("model_time_h"), "rule model_time_h")
    _ok(rule.setMath(_math(lib, "time + time_offset_h")), "rule model_time_h")

    y, u, sym_p = _symbols()
    obs = observables(y, u, sym_p)
    for name in OBSERVABLE_UNITS._fields:
        _add_parameter(model, units, name, 0.0, getattr(OBSERVABLE_UNITS, name), False,
                       "observable (assignment rule)")  # fmt: skip
        rule = model.createAssignmentRule()
        _ok(rule.setVariable(name), f"rule {name}")
        _ok(rule.setMath(_math(lib, str(getattr(obs, name)))), f"rule {name}")

    _add_events(lib, model, forcing)
    return doc


def to_sbml(
    person: Person,
    protocol: Protocol | None,
    *,
    days: float,
    seed: int = 0,
    params: Any = None,
    warmup_days: float = 2.0,
    start: str = "habitual",
) -> str:
    """Export one person's model under one protocol as an SBML Level 3 Version 2 document.

    The document reproduces :func:`igfaxis.simulate` for the same arguments: same
    personalised parameters, same initial state, same burst train and doses (as events), and
    the same equations (generated from :func:`~igfaxis.model.vector_field`). The layout and
    the time convention are described in the module docstring of :mod:`igfaxis.io.sbml`.

    Parameters
    ----------
    person
        Who is simulated.
    protocol
        What happens to them; ``None`` is a usual day with no intervention.

    Other Parameters
    ----------------
    days
        Horizon [days] of the forcing (bursts and doses), as in :func:`igfaxis.simulate`.
    seed
        Seed of the endogenous burst generator; the same seed gives the same bursts as
        :func:`igfaxis.simulate`.
    params
        Base :class:`~igfaxis.model.Params` (before personalisation); table defaults if None.
    warmup_days
        Warm-up [days] before model time 0; SBML time 0 is model time ``-24 warmup_days`` h.
    start
        Initial species amounts: ``"habitual"`` (the person's habitual state, as
        :func:`igfaxis.simulate` starts) or ``"initial"`` (the model description's rough
        initial state); see :class:`igfaxis.SolverConfig`.

    Returns
    -------
    str
        The SBML document (XML text), checked with libsbml's consistency checks.

    Raises
    ------
    ImportError
        python-libsbml is not installed.
    ProtocolError
        ``days`` or ``warmup_days`` is out of range.
    ExportError
        libsbml rejected the generated document (a bug in igfaxis).
    """
    lib = _libsbml()
    person, protocol, days, seed = check_run(person, protocol, days, seed, warn=False)
    if not (isinstance(warmup_days, numbers.Real) and 0.0 <= warmup_days <= 3650.0):
        raise ProtocolError(
            f"`warmup_days` must be a number in [0, 3650]; got {warmup_days!r} "
            f"({type(warmup_days).__name__}). Pass e.g. `warmup_days=2`."
        )
    _check_ids()
    base = params if params is not None else default_params()
    p, forcing = compile_protocol(
        protocol, person, base, days=float(days), seed=seed, warmup_h=24.0 * warmup_days,
        burst_origin_h=BURST_ORIGIN_H,
    )
    y0 = start_state(person, protocol, params, p, SolverConfig(start=start))
    doc = _build(lib, person, protocol, p, y0, forcing, float(days), seed)
    errors = _consistency_errors(lib, doc)
    if errors:
        raise ExportError(
            f"the generated SBML fails libsbml's consistency checks ({len(errors)} errors; "
            f"first: {errors[0]}). This is a bug in igfaxis; please report it with the "
            "scenario JSON."
        )
    return lib.writeSBMLToString(doc)


def write_sbml(
    path: str | Path,
    person: Person,
    protocol: Protocol | None,
    *,
    days: float,
    seed: int = 0,
    params: Any = None,
    warmup_days: float = 2.0,
    start: str = "habitual",
) -> Path:
    """Write :func:`to_sbml` of the arguments to ``path`` (UTF-8) and return the path.

    Parameters
    ----------
    path
        Target file, conventionally ``*.xml`` or ``*.sbml``; parent folders must exist.
    person, protocol, days, seed, params, warmup_days
        As in :func:`to_sbml`.
    """
    text = to_sbml(person, protocol, days=days, seed=seed, params=params,
                   warmup_days=warmup_days, start=start)  # fmt: skip
    return write_text_atomic(path, text)
