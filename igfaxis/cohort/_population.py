"""Virtual populations: persons (age, sex, body size, condition) and their personal parameters.

Between-person variation is the one definition calibration uses: each multiplier of
:data:`igfaxis.model.PERSONAL_PARAMETERS` is drawn from its log-normal prior,
``log(m) ~ Normal(log(median), log_sd)``, independently (calibration's priors are independent).

Body size by age and sex (``anthropometry.csv`` next to this module): height normal with the
tabulated median and SD, BMI log-normal with the tabulated median and log SD, both linear in
age between the rows; weight = BMI x height^2. Source of the medians: German Microcensus 2017
(Statistisches Bundesamt, "Koerpermasse der Bevoelkerung nach Altersgruppen", self-reported;
the population that LIFE Leipzig samples), mean height [cm] and mean BMI by 5-year age group
as reproduced at code-knacker.de/koerpergroessen.htm (a secondary copy of the Destatis table),
read at each decade by linear interpolation between the groups' midpoints (>75 y at 80 y);
the mean height is the median of the normal, the BMI median is mean x exp(-log_sd^2 / 2).
The SDs are typical adult values, 7 / 6.4 cm and 14-17% in BMI [UNVERIFIED: the table gives
means only]. Height and BMI are drawn
independently (their correlation in adults is small) [design].

Drug exposure: one log-normal dose multiplier per person and drug (columns
``exposure_<drug>``, :mod:`igfaxis.cohort._exposure`, published CVs), drawn from a stream of
their own so the other columns are the same either way; ``exposure=False`` (the default)
adds no such columns (a missing column is multiplier 1, in files too).

Ages and sexes when ``age_y=None``: the adult span of the LIFE reference, uniform 20-80 y,
half women [design: LIFE Adult sampled by age and sex strata; the model is an adult model].
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.cohort._exposure import EXPOSURE_COLUMNS, draw_exposure
from igfaxis.errors import ProtocolError
from igfaxis.model import PERSONAL_PARAMETERS
from igfaxis.protocol import Person

__all__ = ["COLUMNS", "CONDITIONS", "Population", "load_population", "sample_population"]

#: adult age span of the default population [y]
DEFAULT_AGES = (20.0, 80.0)
#: conditions a population may hold (each person as ``Person(condition=...)`` with defaults)
CONDITIONS = ("healthy", "gh_deficiency", "acromegaly", "laron")
#: columns of a population table, in order (one row a person)
COLUMNS = ("person_id", "age_y", "sex", "weight_kg", "height_m", "condition", "seed",
           *PERSONAL_PARAMETERS)  # fmt: skip
_MAX_PERSONS = 10_000_000


def _table() -> dict[str, np.ndarray]:
    text = resources.files("igfaxis.cohort").joinpath("anthropometry.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    out: dict[str, np.ndarray] = {}
    for sex in ("male", "female"):
        r = [x for x in rows if x["sex"] == sex]
        out[sex] = np.array([[float(x[k]) for k in ("age_y", "height_median_m", "height_sd_m",
                                                   "bmi_median", "bmi_log_sd")] for x in r])
    return out


_ANTHRO = _table()


def body_size(age_y: np.ndarray, sex: np.ndarray, rng: np.random.Generator) -> tuple:
    """Heights [m] and weights [kg] drawn for ages and sexes (module docstring)."""
    h = np.empty(age_y.size)
    bmi = np.empty(age_y.size)
    zh, zb = rng.standard_normal(age_y.size), rng.standard_normal(age_y.size)
    for s, t in _ANTHRO.items():
        m = sex == s
        a = np.clip(age_y[m], t[0, 0], t[-1, 0])
        col = [np.interp(a, t[:, 0], t[:, j]) for j in range(1, 5)]
        h[m] = col[0] + col[1] * np.clip(zh[m], -3.0, 3.0)
        bmi[m] = col[2] * np.exp(col[3] * np.clip(zb[m], -3.0, 3.0))
    return h, np.clip(bmi * h**2, 35.0, 250.0)


@dataclass(frozen=True)
class Population:
    """A virtual population: one row per person (columns :data:`COLUMNS`, then optionally
    the drug-exposure multipliers ``exposure_<drug>``).

    Attributes
    ----------
    table
        A :class:`pandas.DataFrame`: ``person_id``, ``age_y`` [y], ``sex``, ``weight_kg``
        [kg], ``height_m`` [m], ``condition``, ``seed`` (the person's burst-train seed) and
        one column per personal multiplier [-].
    """

    table: Any

    def __len__(self) -> int:
        return len(self.table)

    def persons(self) -> list[Person]:
        """The rows as validated :class:`~igfaxis.protocol.Person` records."""
        return [_person(r) for r in self.table.itertuples(index=False)]

    def subset(self, index: Sequence[int] | slice) -> Population:
        """The persons at positions ``index``."""
        return Population(self.table.iloc[index].reset_index(drop=True))

    def save(self, path: str | Path) -> Path:
        """Write the table to ``.csv`` or ``.parquet`` (atomically)."""
        out = Path(path)
        kind = _kind(out)
        with staged_outputs(out) as (tmp,):
            if kind == "csv":
                self.table.to_csv(tmp, index=False)
            else:
                self.table.to_parquet(tmp, index=False)
        return out


def _person(r: Any) -> Person:
    personal = {n: float(getattr(r, n)) for n in PERSONAL_PARAMETERS}
    return Person(age_y=float(r.age_y), sex=r.sex, weight_kg=float(r.weight_kg),
                  height_m=float(r.height_m), condition=r.condition, personal=personal)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ProtocolError(
            f"a population file must end in .csv or .parquet; got {short_repr(path.name)}. "
            "Rename it, e.g. population.csv."
        )
    return suffix[1:]


def _ages(n: int, age_y: Any, rng: np.random.Generator) -> np.ndarray:
    if age_y is None:
        return rng.uniform(*DEFAULT_AGES, n)
    if isinstance(age_y, int | float) and not isinstance(age_y, bool):
        lo = hi = float(age_y)
    elif isinstance(age_y, Sequence) and len(age_y) == 2 and not isinstance(age_y, str):
        lo, hi = (float(x) for x in age_y)
    else:
        raise ProtocolError(
            f"`age_y` must be a number, a (low, high) range [y] or None; got "
            f"{short_repr(age_y)} ({type(age_y).__name__}). Pass e.g. 60 or (40, 70)."
        )
    if not (math.isfinite(lo) and math.isfinite(hi) and 18.0 <= lo <= hi <= 100.0):
        raise ProtocolError(
            f"`age_y` must lie within 18-100 y with low <= high; got {short_repr(age_y)}. "
            "The model describes adults; pass e.g. (20, 80)."
        )
    return np.full(n, lo) if lo == hi else rng.uniform(lo, hi, n)


def sample_population(
    n: int,
    *,
    age_y: float | tuple[float, float] | None = None,
    sex: str | None = None,
    condition: str = "healthy",
    seed: int = 0,
    exposure: bool = False,
) -> Population:
    """Sample ``n`` persons and their personal parameters from the population priors.

    Parameters
    ----------
    n
        Number of persons.

    Other Parameters
    ----------------
    age_y
        One age, a ``(low, high)`` range (uniform) [y], or ``None``: the reference
        population's adult ages (uniform 20-80 y, module docstring).
    sex
        ``"male"``, ``"female"`` or ``None`` (each person either, with probability 1/2).
    condition
        Every person's condition (:data:`CONDITIONS`).
    seed
        Seed of the draws: the same seed gives the same population.
    exposure
        Add each person's drug-exposure multipliers (module docstring; they apply at
        either resolution of ``simulate_cohort``); ``False`` (default): none (all 1).

    Returns
    -------
    Population

    Examples
    --------
    >>> pop = sample_population(4, age_y=60, sex="female", seed=1)
    >>> len(pop), sorted(set(pop.table.sex)), float(pop.table.age_y.iloc[0])
    (4, ['female'], 60.0)
    """
    import pandas as pd

    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= _MAX_PERSONS:
        raise ProtocolError(
            f"`n` must be a whole number of persons from 1 to {_MAX_PERSONS:,}; got "
            f"{short_repr(n)} ({type(n).__name__}). Pass e.g. 1000."
        )
    if sex not in (None, "male", "female"):
        raise ProtocolError(f"`sex` must be 'male', 'female' or None; got {short_repr(sex)}.")
    if condition not in CONDITIONS:
        raise ProtocolError(f"`condition` must be one of {', '.join(CONDITIONS)}; got "
                            f"{short_repr(condition)}.")  # fmt: skip
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ProtocolError(f"`seed` must be a whole number >= 0; got {short_repr(seed)}.")
    n = int(n)
    rng = np.random.default_rng(int(seed))
    ages = _ages(n, age_y, rng)
    sexes = np.full(n, sex) if sex is not None else np.where(rng.random(n) < 0.5, "female",
                                                              "male")  # fmt: skip
    height, weight = body_size(ages, sexes, rng)
    data: dict[str, Any] = {
        "person_id": np.arange(n), "age_y": ages, "sex": sexes, "weight_kg": weight,
        "height_m": height, "condition": np.full(n, condition),
        "seed": rng.integers(0, 2**31 - 1, n),
    }  # fmt: skip
    for name, prior in PERSONAL_PARAMETERS.items():
        z = np.clip(rng.standard_normal(n), -4.0, 4.0)
        # and inside the multiplier's accepted range (a Person refuses others): 4 SD of the
        # pituitary prior (log SD 0.8) reach 0.041, below its lower bound 0.05
        data[name] = np.clip(prior.median * np.exp(prior.log_sd * z), prior.lower, prior.upper)
    columns = list(COLUMNS)
    if exposure:
        data.update(draw_exposure(n, int(seed)))
        columns += list(EXPOSURE_COLUMNS)
    return Population(pd.DataFrame(data, columns=columns))


def load_population(path: str | Path) -> Population:
    """Read a population saved by :meth:`Population.save` (``.csv`` or ``.parquet``).

    Missing personal columns take the prior median; every row is validated as a
    :class:`~igfaxis.protocol.Person` (the message names the row and the field).
    """
    import pandas as pd

    p = Path(path)
    kind = _kind(p)
    if not p.is_file():
        raise ProtocolError(f"population file {short_repr(str(p))} not found; check the path.")
    try:
        table = pd.read_csv(p) if kind == "csv" else pd.read_parquet(p)
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise ProtocolError(f"population file {short_repr(p.name)} could not be read as "
                            f"{kind}: {short_repr(str(exc))}.") from None  # fmt: skip
    required = ("age_y", "sex", "weight_kg", "height_m")
    missing = [c for c in required if c not in table.columns]
    if missing or len(table) == 0:
        raise ProtocolError(
            f"population file {short_repr(p.name)} needs the columns {', '.join(required)} "
            f"and at least one row; missing {', '.join(missing) or 'rows'}."
        )
    table = table.copy()
    n = len(table)
    defaults = {"person_id": np.arange(n), "condition": "healthy", "seed": np.arange(n)}
    defaults.update({k: v.median for k, v in PERSONAL_PARAMETERS.items()})
    for col, value in defaults.items():
        if col not in table.columns:
            table[col] = value
    exposure = [c for c in EXPOSURE_COLUMNS if c in table.columns]
    table = table[[*COLUMNS, *exposure]]
    for i, r in enumerate(table.itertuples(index=False)):
        if r.condition not in CONDITIONS:
            raise ProtocolError(f"row {i + 1} of {short_repr(p.name)}: `condition` must be one "
                                f"of {', '.join(CONDITIONS)}; got {short_repr(r.condition)}.")
        try:
            _person(r)
        except (ValueError, TypeError) as exc:
            first = str(exc).splitlines()
            detail = " ".join(first[1:3]).strip() if len(first) > 1 else str(exc)
            raise ProtocolError(f"row {i + 1} of {short_repr(p.name)}: {detail}") from None
        bad = [c for c in exposure if not (math.isfinite(getattr(r, c))
                                                    and 0.01 <= getattr(r, c) <= 100.0)]
        if bad:
            raise ProtocolError(f"row {i + 1} of {short_repr(p.name)}: `{bad[0]}` must be a "
                                f"dose multiplier in 0.01-100; got {getattr(r, bad[0])!r}.")
    return Population(table.reset_index(drop=True))
