"""The cohort flows: a virtual population -> its cohort run under the arms -> a virtual
trial -> files; and global sensitivity of one person's outputs to the parameter table.

- :func:`cohort_population`: a population from a file or sampled (the *sample* step);
- :func:`run_cohort`: the population under each arm (:func:`igfaxis.cohort.simulate_cohort`,
  here, in processes or on a Dask scheduler) summarised as a trial
  (:func:`igfaxis.cohort.virtual_trial`) -> :class:`CohortRun`;
- :func:`write_cohort_files`: the results Dataset (Zarr, NetCDF) and the trial figure;
- :func:`run_sensitivity` and :func:`write_sensitivity_files`: SALib Sobol or Morris
  indices (:func:`igfaxis.cohort.sensitivity`) -> table (CSV) and figure.

The CLI (``igfaxis cohort``, ``igfaxis sensitivity``) parses its options, calls these and
renders the results; every check of a value lives here, so any adapter gets the same
messages. Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.protocol import Person, Protocol

__all__ = [
    "COHORT_NOTE",
    "CohortRun",
    "check_cohort_paths",
    "check_cohort_run",
    "cohort_population",
    "need_cohort_extra",
    "run_cohort",
    "run_sensitivity",
    "write_cohort_files",
    "write_sensitivity_files",
]

COHORT_NOTE = "model predictions and published associations, not medical advice"
_PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def need_cohort_extra() -> None:
    """Refuse with the install line when the 'cohort' extra (dask, xarray) is missing."""
    try:
        import dask  # noqa: F401
        import xarray  # noqa: F401
    except ImportError as exc:
        raise ProtocolError(f"igfaxis cohort needs the 'cohort' extra ({exc.name} is missing): "
                            "pip install 'igfaxis[cohort]'.") from None  # fmt: skip


def check_cohort_run(*, population_file: Path | None, n: int | None, scheduler: str | None,
                     workers: int | None) -> None:  # fmt: skip
    """Who and where: exactly one of a population file and a number of persons; a Dask
    scheduler or local worker processes (1-512), not both."""
    if (population_file is None) == (n is None):
        raise ProtocolError("give exactly one of `--population FILE` and `--n NUMBER`; "
                            "e.g. --n 1000.")  # fmt: skip
    if scheduler is not None and workers is not None:
        raise ProtocolError("give `--scheduler` or `--workers`, not both.")
    if workers is not None and not 1 <= workers <= 512:
        raise ProtocolError(f"`--workers` must be 1-512; got {workers}.")


def check_cohort_paths(out: Path | None, plot: Path | None) -> None:
    """The results file ends in .zarr or .nc, the figure in .png, .svg or .pdf (checked
    before the run, so a long run does not end in a refused file name)."""
    if out is not None and Path(out).suffix.lower() not in (".zarr", ".nc"):
        raise ProtocolError(f"`--out` must end in .zarr or .nc; got {short_repr(Path(out).name)}.")
    if plot is not None and Path(plot).suffix.lower() not in _PLOT_SUFFIXES:
        raise ProtocolError(f"`--plot` must end in .png, .svg or .pdf; got "
                            f"{short_repr(Path(plot).name)}.")  # fmt: skip


def cohort_population(population_file: str | Path | None = None, n: int | None = None, *,
                      seed: int = 0, exposure: bool = False) -> Any:  # fmt: skip
    """The persons of a cohort: read from ``population_file`` (CSV or Parquet), or ``n``
    sampled with ``seed`` (default ages; ``exposure``: with drug-exposure multipliers)."""
    from igfaxis.cohort import load_population, sample_population

    if (population_file is None) == (n is None):
        raise ProtocolError("give exactly one of `--population FILE` and `--n NUMBER`; "
                            "e.g. --n 1000.")  # fmt: skip
    if population_file is not None:
        return load_population(population_file)
    return sample_population(n, seed=seed, exposure=exposure)


def _client(scheduler: str | None) -> Any:
    if scheduler is None:
        return None
    from dask.distributed import Client

    try:
        return Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ProtocolError(f"could not reach the Dask scheduler {short_repr(scheduler)} "
                            f"({short_repr(str(exc))}); check `--scheduler` (e.g. "
                            "tcp://10.0.0.5:8786).") from None  # fmt: skip


def _arms(protocols: Mapping[str, Protocol] | Sequence[Protocol]) -> dict[str, Protocol]:
    if isinstance(protocols, Mapping):
        return dict(protocols)
    out: dict[str, Protocol] = {}
    for k, p in enumerate(protocols):
        out[p.name if p.name not in out else f"{p.name} ({k + 1})"] = p
    return out


@dataclass(frozen=True)
class CohortRun:
    """A cohort run and its trial summary.

    Attributes
    ----------
    dataset
        The :class:`xarray.Dataset` of :func:`igfaxis.cohort.simulate_cohort`.
    trial
        Its :class:`~igfaxis.cohort.TrialResult`.
    persons, arms, days, resolution
        What ran.
    """

    dataset: Any
    trial: Any
    persons: int
    arms: tuple[str, ...]
    days: int
    resolution: str

    def to_dict(self, files: Mapping[str, str | Path] | None = None) -> dict[str, Any]:
        """The trial summary, what ran and the files written (``--json``)."""
        return {**self.trial.to_dict(), "persons": self.persons, "days": self.days,
                "resolution": self.resolution,
                "files": {k: str(v) for k, v in (files or {}).items()}}  # fmt: skip


def run_cohort(
    population: Any,
    protocols: Mapping[str, Protocol] | Sequence[Protocol],
    *,
    days: int = 180,
    resolution: str = "day",
    scheduler: str | None = None,
    workers: int | None = None,
    band: tuple[float, float] = (120.0, 160.0),
    progress: Callable[[int, int], None] | None = None,
) -> CohortRun:
    """Simulate ``population`` under each arm and summarise the arms as a virtual trial.

    Parameters
    ----------
    population
        An :class:`igfaxis.cohort.Population` (:func:`cohort_population`).
    protocols
        ``{arm name: Protocol}``, or a list (arms named by ``Protocol.name``, repeated
        names numbered).

    Other Parameters
    ----------------
    days, resolution
        Horizon of each arm [days] and ``"day"`` or ``"pulse"``.
    scheduler, workers
        A Dask scheduler's address, or local processes (neither: this process).
    band
        IGF-1 band of the trial [ng/mL].
    progress
        ``progress(done, total)`` after each task of the run.
    """
    from igfaxis.cohort import simulate_cohort, virtual_trial

    if scheduler is not None and workers is not None:
        raise ProtocolError("give `--scheduler` or `--workers`, not both.")
    arms = _arms(protocols)
    client = _client(scheduler)
    try:
        ds = simulate_cohort(population, arms, days=days, resolution=resolution, client=client,
                             workers=workers, progress=progress)  # fmt: skip
    finally:
        if client is not None:
            client.close()
    trial = virtual_trial(ds, band=band)
    return CohortRun(ds, trial, len(population), tuple(arms), int(days), resolution)


def write_cohort_files(run: CohortRun, *, out: str | Path | None = None,
                       plot: str | Path | None = None) -> dict[str, str]:  # fmt: skip
    """Write the results Dataset (``out``: .zarr or .nc) and the trial figure (``plot``).

    Returns
    -------
    ``{"results": path, "plot": path}`` for those given.
    """
    from igfaxis.cohort import plot_trial, save_cohort

    check_cohort_paths(Path(out) if out is not None else None,
                       Path(plot) if plot is not None else None)  # fmt: skip
    written: dict[str, str] = {}
    if out is not None:
        written["results"] = str(save_cohort(run.dataset, out))
    if plot is not None:
        written["plot"] = str(plot_trial(run.trial, plot))
    return written


def run_sensitivity(
    person: Person | None = None,
    protocol: Protocol | None = None,
    *,
    params: Sequence[str] | None = None,
    method: str = "morris",
    samples: int = 8,
    days: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Global sensitivity of IGF-1, time in band and GH pulsatility of ``person`` (default a
    45-year-old man) under ``protocol`` (default a usual day) to the parameter table's
    bounds (:func:`igfaxis.cohort.sensitivity`) -> :class:`~igfaxis.cohort.SensitivityResult`."""
    from igfaxis.cohort import sensitivity

    return sensitivity(person if person is not None else Person(age_y=45.0, sex="male"),
                       protocol if protocol is not None else Protocol(),
                       params=list(params) if params else None, method=method,
                       samples=samples, days=days, progress=progress)  # fmt: skip


def write_sensitivity_files(result: Any, *, out: str | Path | None = None,
                            plot: str | Path | None = None) -> dict[str, str]:  # fmt: skip
    """Write the indices table (``out``, CSV) and the figure (``plot``).

    Returns
    -------
    ``{"table": path, "plot": path}`` for those given.
    """
    from igfaxis.cohort import plot_sensitivity

    written: dict[str, str] = {}
    if out is not None:
        written["table"] = str(result.save(out))
    if plot is not None:
        written["plot"] = str(plot_sensitivity(result, plot))
    return written
