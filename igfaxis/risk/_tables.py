"""Reference-interval tables: a BCPE parameter table per analyte and assay, plus its citation.

A table is data plus a citation. The packaged tables are listed in
``igfaxis/data/reference_tables.yaml`` (one entry per table: name, analyte, assay, unit, file,
citation) and loaded into an immutable registry the first time they are asked for
(STYLE A8, A9). Adding an assay-specific table means adding its CSV
(``sex,age,mu,sigma,nu,tau``) and one entry to that manifest; a laboratory's own table can
also be read at run time with :func:`load_reference_table`.

Parameters ``(mu, sigma, nu, tau)`` have one row per sex and age and are interpolated linearly
in age, each parameter separately, as the childsds R package does (``stats::approx``; rows that
share an age are averaged first, R's default ``ties = mean``).
"""

from __future__ import annotations

import csv
import functools
import io
import numbers
import types
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Final, Literal

import numpy as np
import yaml
from numpy.typing import ArrayLike, NDArray

from igfaxis._files import MAX_CSV_BYTES, read_text
from igfaxis._messages import short_repr
from igfaxis.errors import ExtrapolationWarning, ModelError, ProtocolError, UnitError
from igfaxis.risk._bcpe import BCPEParameters
from igfaxis.units import IGF1_NMOL_PER_NG, IGFBP3_NMOL_PER_NG

__all__ = [
    "DEFAULT_TABLE",
    "MAX_AGE_Y",
    "ReferenceTable",
    "load_reference_table",
    "reference_table",
    "reference_tables",
]

Sex = Literal["male", "female"]

#: name of the default table of every analyte
DEFAULT_TABLE: Final = "life"

#: the oldest age igfaxis accepts at all [y] (Person allows the same); ages between the
#: table's last row and this are clamped with a warning, older ones are refused
MAX_AGE_Y: Final = 120.0

_SEX_ALIASES: Final[Mapping[str, Sex]] = types.MappingProxyType(
    {"male": "male", "m": "male", "female": "female", "f": "female"}
)
_ANALYTES: Final = ("igf1", "igfbp3")
_NMOL_PER_NG: Final = types.MappingProxyType(
    {"igf1": IGF1_NMOL_PER_NG, "igfbp3": IGFBP3_NMOL_PER_NG}
)
_MANIFEST: Final = "reference_tables.yaml"
_MANIFEST_KEYS: Final = frozenset({"name", "analyte", "assay", "unit", "file", "citation"})
_COLUMNS: Final = ("sex", "age", "mu", "sigma", "nu", "tau")
_BUG: Final = "This is a bug in igfaxis; please report it."

#: Ages are tabulated to 6 significant digits (2/12 y is written 0.166667), so an age this
#: close to either end counts as inside the table [y] (1e-5 y is about 5 minutes).
_AGE_TOLERANCE_Y: Final = 1e-5


# --------------------------------------------------------------------------------------
# Input validation shared by the risk layer
# --------------------------------------------------------------------------------------


def _real(name: str, value: object, unit: str, fix: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ProtocolError(
            f"`{name}` must be a real number [{unit}]; got {short_repr(value)} "
            f"({type(value).__name__}). {fix}"
        )
    return float(value)


def _normalise_sex(sex: object) -> Sex:
    key = sex.strip().lower() if isinstance(sex, str) else None
    if key is None or key not in _SEX_ALIASES:
        raise ProtocolError(
            f"`sex` must be 'male' or 'female' (or 'm'/'f', any case); got {short_repr(sex)} "
            f"({type(sex).__name__}). The reference tables are sex-specific; pass the sex "
            f"the laboratory reference applies to."
        )
    return _SEX_ALIASES[key]


def _normalise_analyte(analyte: object) -> str:
    key = (
        analyte.strip().lower().replace("-", "").replace("_", "")
        if isinstance(analyte, str)
        else None
    )
    if key is None or key not in _ANALYTES:
        raise ProtocolError(
            f"`analyte` must be one of {list(_ANALYTES)}; got {short_repr(analyte)} "
            f"({type(analyte).__name__}). Use 'igf1' for IGF-1 or 'igfbp3' for IGFBP-3."
        )
    return key


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SexRows:
    """Read-only parameter columns of one sex, ages strictly increasing [y]."""

    age: NDArray[np.float64]
    mu: NDArray[np.float64]
    sigma: NDArray[np.float64]
    nu: NDArray[np.float64]
    tau: NDArray[np.float64]


@dataclass(frozen=True)
class ReferenceTable:
    """An immutable age- and sex-specific BCPE reference table for one analyte and assay.

    Get a packaged one with :func:`reference_table`, or read a laboratory's own with
    :func:`load_reference_table`; the columns are read-only numpy arrays.

    Attributes
    ----------
    analyte
        ``"igf1"`` or ``"igfbp3"``.
    name
        Registry name, e.g. ``"life"``; what ``--assay`` selects on the command line.
    assay
        The assay (platform) the reference was measured with, as far as known.
    unit
        Concentration unit of ``mu`` and of the values scored against it (``"ng/mL"``).
    citation
        Source publication and distribution of the parameters.
    source
        File the parameters were read from (a packaged file name under ``igfaxis/data``).
    """

    analyte: str
    name: str
    assay: str
    unit: str
    citation: str
    source: str
    _rows: Mapping[str, _SexRows] = field(repr=False, compare=False)

    @property
    def age_range_y(self) -> tuple[float, float]:
        """Youngest and oldest tabulated age over both sexes [y]."""
        low = min(float(r.age[0]) for r in self._rows.values())
        high = max(float(r.age[-1]) for r in self._rows.values())
        return low, high

    def parameters(self, age_y: float, sex: str) -> BCPEParameters:
        """BCPE parameters at ``age_y`` for ``sex``, interpolated linearly in age.

        Parameters
        ----------
        age_y
            Age [y]; above the table's maximum (up to 120 y) it is clamped with an
            ``ExtrapolationWarning``.
        sex
            ``"male"`` or ``"female"`` (also ``"m"``/``"f"``, any case).

        Returns
        -------
        The interpolated ``(mu, sigma, nu, tau)``; ``mu`` in :attr:`unit`.

        Raises
        ------
        ProtocolError
            ``age_y`` is not finite, below the table's minimum or above 120 y, or ``sex`` is
            unknown.
        """
        return self._lookup(age_y, sex, stacklevel=3)

    def _lookup(self, age_y: float, sex: str, *, stacklevel: int) -> BCPEParameters:
        """Validate, clamp and interpolate; ``stacklevel`` points the warning at the user."""
        age = _real("age_y", age_y, "y", "Pass the age in years, e.g. 60 or 60.5.")
        mu, sigma, nu, tau = self._lookup_many(
            np.asarray([age]), sex, stacklevel=stacklevel + 1, shown=age_y
        )
        return BCPEParameters(float(mu[0]), float(sigma[0]), float(nu[0]), float(tau[0]))

    def _lookup_many(
        self, ages_y: ArrayLike, sex: str, *, stacklevel: int, shown: object = None
    ) -> tuple[NDArray[np.float64], ...]:
        """Vectorised :meth:`_lookup`: one parameter array each for ``ages_y`` [y]."""
        rows = self._rows[_normalise_sex(sex)]
        ages = np.asarray(ages_y, dtype=np.float64)
        youngest, oldest = float(rows.age[0]), float(rows.age[-1])
        bad = ~np.isfinite(ages) | (ages < youngest - _AGE_TOLERANCE_Y) | (ages > MAX_AGE_Y)
        if np.any(bad):
            got = shown if shown is not None else float(ages[bad][0])
            raise ProtocolError(
                f"`age_y` must be a finite age from {youngest:.2f} y (2 months) to "
                f"{MAX_AGE_Y:g} y for the {self.analyte} reference table ({self.source}); got "
                f"{short_repr(got)} ({type(got).__name__}). Pass the age in years, e.g. 60 for an "
                f"adult or 0.5 for a 6-month-old."
            )
        above = ages > oldest + _AGE_TOLERANCE_Y
        if np.any(above):
            age = float(ages[above].max())
            warnings.warn(
                f"`age_y` = {age:g} y lies above the oldest age in the {self.analyte} "
                f"reference table ({oldest:g} y, {self.source}); the {oldest:g}-year "
                f"reference is used instead (age clamped to {oldest:g} y, extrapolated). "
                f"Read the SDS and percentile as approximate.",
                ExtrapolationWarning,
                stacklevel=stacklevel,
            )
        clamped = np.clip(ages, youngest, oldest)
        return tuple(
            np.interp(clamped, rows.age, col) for col in (rows.mu, rows.sigma, rows.nu, rows.tau)
        )


# --------------------------------------------------------------------------------------
# Reading tables
# --------------------------------------------------------------------------------------


def _read_only(values: NDArray[np.float64]) -> NDArray[np.float64]:
    array = np.array(values, dtype=np.float64)  # a copy that owns its data
    array.flags.writeable = False
    return array


def _collapse_ties(
    age: NDArray[np.float64], columns: list[NDArray[np.float64]]
) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
    """Average the rows that share an age, as R ``approx(ties = mean)`` (childsds) does."""
    unique_age, inverse, counts = np.unique(age, return_inverse=True, return_counts=True)
    return unique_age, [np.bincount(inverse, weights=col) / counts for col in columns]


def _parse_table(
    text: str, source: str, error: type[Exception], hint: str, mu_scale: float = 1.0
) -> dict[str, _SexRows]:
    reader = csv.reader(io.StringIO(text))
    raw: dict[str, list[list[float]]] = {"male": [], "female": []}
    try:
        header = tuple(h.strip() for h in next(reader, ()))
        if header != _COLUMNS:
            raise error(
                f"{source}: expected the columns {','.join(_COLUMNS)}; got "
                f"{short_repr(header)}. {hint}"
            )
        for line_no, row in enumerate(reader, start=2):
            try:
                if len(row) != len(_COLUMNS) or row[0].strip() not in raw:
                    raise ValueError
                raw[row[0].strip()].append([float(v) for v in row[1:]])
            except ValueError:
                raise error(
                    f"{source}, line {line_no}: expected sex (male/female) and five numbers; "
                    f"got {short_repr(row)}. {hint}"
                ) from None
    except csv.Error as exc:
        raise error(f"{source} is not a readable CSV table: {exc}. {hint}") from None
    by_sex: dict[str, _SexRows] = {}
    for sex, values in raw.items():
        data = np.asarray(values, dtype=np.float64)
        if data.ndim != 2 or data.shape[0] < 2 or not np.all(np.isfinite(data)):
            raise error(f"{source}: fewer than two finite {sex} rows. {hint}")
        age = data[:, 0]
        if np.any(np.diff(age) < 0.0):
            raise error(f"{source}: the {sex} ages are not sorted ascending. {hint}")
        age, (mu, sigma, nu, tau) = _collapse_ties(age, [data[:, k] for k in range(1, 5)])
        if np.any(mu <= 0.0) or np.any(sigma <= 0.0) or np.any(tau <= 0.0):
            raise error(f"{source}: {sex} mu, sigma and tau must all be > 0. {hint}")
        # Scaling mu scales the whole BCPE distribution (z depends on y/mu only).
        by_sex[sex] = _SexRows(*(_read_only(c) for c in (age, mu * mu_scale, sigma, nu, tau)))
    return by_sex


def _mu_scale(analyte: str, unit: str, where: str) -> float:
    """Factor that brings ``mu`` from ``unit`` to ng/mL."""
    key = unit.strip().lower().replace("µ", "u")
    if key in {"ng/ml", "ug/l"}:
        return 1.0
    if key in {"mg/l", "ug/ml"}:
        return 1000.0
    if key == "nmol/l":
        return 1.0 / _NMOL_PER_NG[analyte]
    raise UnitError(
        f"{where}: `unit` must be ng/mL, µg/L, mg/L, µg/mL or nmol/L; got {short_repr(unit)} "
        f"({type(unit).__name__}). State the unit of the table's mu column."
    )


@functools.cache
def _manifest() -> Mapping[tuple[str, str], Mapping[str, str]]:
    text = (resources.files("igfaxis") / "data" / _MANIFEST).read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    out: dict[tuple[str, str], Mapping[str, str]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != _MANIFEST_KEYS:
            raise ModelError(
                f"{_MANIFEST}: entry {short_repr(entry)} needs {sorted(_MANIFEST_KEYS)}. {_BUG}"
            )
        key = (_normalise_analyte(entry["analyte"]), str(entry["name"]))
        if key in out:
            raise ModelError(f"{_MANIFEST}: table {key} is listed twice. {_BUG}")
        out[key] = types.MappingProxyType({k: str(v).strip() for k, v in entry.items()})
    return types.MappingProxyType(out)


@functools.cache
def _load(analyte: str, name: str) -> ReferenceTable:
    entry = _manifest()[(analyte, name)]
    file_name = entry["file"]
    text = (resources.files("igfaxis") / "data" / file_name).read_text(encoding="utf-8")
    scale = _mu_scale(analyte, entry["unit"], f"{_MANIFEST} ({file_name})")
    return ReferenceTable(
        analyte=analyte,
        name=name,
        assay=entry["assay"],
        unit="ng/mL",
        citation=entry["citation"],
        source=file_name,
        _rows=types.MappingProxyType(_parse_table(text, file_name, ModelError, _BUG, scale)),
    )


def reference_tables() -> tuple[tuple[str, str], ...]:
    """The packaged tables as ``(analyte, name)`` pairs, e.g. ``("igf1", "life")``."""
    return tuple(_manifest())


def reference_table(analyte: str = "igf1", name: str = DEFAULT_TABLE) -> ReferenceTable:
    """A packaged reference table (loaded once, then shared).

    Parameters
    ----------
    analyte
        ``"igf1"`` or ``"igfbp3"`` (``"IGF-1"``, ``"IGFBP-3"`` and other cases also work).
    name
        Registry name of the table (the assay it belongs to); ``"life"`` by default.

    Returns
    -------
    The immutable :class:`ReferenceTable` (``mu`` in ng/mL).

    Raises
    ------
    ProtocolError
        ``analyte`` or ``name`` has no packaged table.
    """
    key = _normalise_analyte(analyte)
    table_name = name.strip().lower() if isinstance(name, str) else name
    if (key, table_name) not in _manifest():
        known = sorted(n for a, n in _manifest() if a == key)
        raise ProtocolError(
            f"`assay` (reference table) must be one of {known} for {key}; got {short_repr(name)} "
            f"({type(name).__name__}). Use a packaged table, or read your laboratory's own "
            f"with igfaxis.risk.load_reference_table(path, ...)."
        )
    return _load(key, str(table_name))


def load_reference_table(
    path: str | Path,
    *,
    analyte: str,
    name: str,
    assay: str,
    citation: str,
    unit: str = "ng/mL",
) -> ReferenceTable:
    """Read an assay-specific BCPE reference table (a laboratory's own, or a published one).

    Parameters
    ----------
    path
        CSV file with the columns ``sex,age,mu,sigma,nu,tau``: sex ``male``/``female``, age
        [y] ascending within each sex, and the gamlss BCPE parameters.

    Other Parameters
    ----------------
    analyte
        ``"igf1"`` or ``"igfbp3"``.
    name
        A short name for the table, shown in reports.
    assay
        The assay (platform and calibrator) the reference was measured with.
    citation
        Where the parameters come from; required, because a table is data plus a citation.
    unit
        Unit of the ``mu`` column: ``"ng/mL"`` (= µg/L), ``"mg/L"`` (= µg/mL) or
        ``"nmol/L"``; ``mu`` is converted to ng/mL on reading.

    Returns
    -------
    The immutable :class:`ReferenceTable`; pass it as ``reference=`` to
    :func:`igfaxis.risk.sds` or :func:`igfaxis.assess`.

    Raises
    ------
    ProtocolError
        The file is missing or malformed, a field is empty, or the unit is unknown.
    """
    key = _normalise_analyte(analyte)
    for field_name, value in (("name", name), ("assay", assay), ("citation", citation)):
        if not isinstance(value, str) or not value.strip():
            raise ProtocolError(
                f"`{field_name}` must be a non-empty string; got {short_repr(value)} "
                f"({type(value).__name__}). A reference table is data plus its source."
            )
    p = Path(path)
    text = read_text(p, "reference table", max_bytes=MAX_CSV_BYTES)
    hint = "Fix the file: one row per sex and age, columns sex,age,mu,sigma,nu,tau."
    rows = _parse_table(text, p.name, ProtocolError, hint, _mu_scale(key, unit, p.name))
    return ReferenceTable(
        analyte=key,
        name=name.strip(),
        assay=assay.strip(),
        unit="ng/mL",
        citation=citation.strip(),
        source=str(p),
        _rows=types.MappingProxyType(rows),
    )


def _resolve(analyte: str, reference: ReferenceTable | str | None) -> ReferenceTable:
    """The table for ``analyte``: the default, a packaged name, or a table object."""
    if reference is None:
        return reference_table(analyte)
    if isinstance(reference, str):
        return reference_table(analyte, reference)
    if isinstance(reference, ReferenceTable):
        if reference.analyte != _normalise_analyte(analyte):
            raise ProtocolError(
                f"`reference` is a {reference.analyte} table ({reference.name}); the value "
                f"is {analyte}. Pass a table of the same analyte."
            )
        return reference
    raise ProtocolError(
        f"`reference` must be None, a table name or a ReferenceTable; got {short_repr(reference)} "
        f"({type(reference).__name__})."
    )
