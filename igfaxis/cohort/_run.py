"""``simulate_cohort``: a population under one or more protocols -> an xarray Dataset.

Two resolutions, both through the engine's public API:

- ``"day"`` (default): the day tables on a grid of node persons
  (:mod:`igfaxis.cohort._grid`), then each person's liver system over the interpolated
  tables (:func:`igfaxis.simulate.solve_schedule`, ~2 ms for 200 days);
- ``"pulse"``: every person pulse-resolved (:func:`igfaxis.simulate.simulate_batch`, the
  native kernel across cores), with their own burst seed and their own drug exposure (each
  dose scaled by the person's ``exposure_<drug>`` multiplier, :mod:`igfaxis.cohort._exposure`;
  persons whose doses differ run one by one).

Drug exposure at day resolution: the exposure multiplier of each drug an arm doses is one
more axis of the node grid (:func:`igfaxis.cohort._grid.exposure_axes`: node schedules with
the doses scaled, read by the same spline scheme), so each person's multipliers apply at
either resolution.

Where it runs: in this process (``client=None``; ``workers=N`` spreads the node schedules,
one task per node person, then the chunks of persons over ``N`` processes of a
:class:`concurrent.futures.ProcessPoolExecutor`), or on a
:class:`dask.distributed.Client` (a ``LocalCluster`` or a scheduler's address): node
schedules and chunks of persons are Dask tasks. The same functions run either way on the
same inputs, so the results are identical (a test says so).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from igfaxis._messages import short_repr
from igfaxis._version import __version__
from igfaxis.cohort._exposure import EXPOSURE_COLUMNS, multipliers, scale_protocol, varies
from igfaxis.cohort._grid import (
    _OUTPUTS,
    CohortConfig,
    exposure_axes,
    node_jobs,
    run_job,
    solve_persons,
    stack_nodes,
)
from igfaxis.cohort._population import Population
from igfaxis.errors import ProtocolError
from igfaxis.model import PERSONAL_PARAMETERS
from igfaxis.protocol import Protocol

__all__ = ["DISCLAIMER", "MAX_TRACE_PERSONS", "simulate_cohort"]

DISCLAIMER = "model predictions and published associations, not medical advice"
#: full pulse-resolved traces are kept only for cohorts up to this size
MAX_TRACE_PERSONS = 100
_PULSE_OUTPUTS = {"igf1_total_ng_ml": "igf1_total_ng_ml", "igfbp3_total_ng_ml":
                  "igfbp3_total_ng_ml", "gh_ng_ml": "gh_ng_ml"}  # fmt: skip


def _arms(protocols: Any) -> tuple[list[str], list[Protocol]]:
    if isinstance(protocols, Protocol):
        items = [(protocols.name, protocols)]
    elif isinstance(protocols, Mapping):
        items = list(protocols.items())
    elif isinstance(protocols, Sequence) and not isinstance(protocols, str):
        items = [(getattr(p, "name", ""), p) for p in protocols]
    else:
        items = []
    if not items or not all(isinstance(p, Protocol) for _, p in items):
        raise ProtocolError(
            f"`protocols` must be a Protocol, a list of Protocols or a mapping of arm names "
            f"to Protocols; got {short_repr(protocols)} ({type(protocols).__name__})."
        )
    names = [str(n) for n, _ in items]
    if len(set(names)) != len(names):  # two protocols with one name: number them
        names = [f"{n} ({i + 1})" for i, n in enumerate(names)]
    return names, [p for _, p in items]


def _check(population: Any, days: Any, resolution: str, backend: str) -> int:
    from igfaxis.simulate import BACKENDS, RESOLUTIONS

    if not isinstance(population, Population):
        raise ProtocolError(
            f"`population` must be a Population (igfaxis.cohort.sample_population or "
            f"load_population); got {type(population).__name__}."
        )
    if isinstance(days, bool) or not isinstance(days, int | float) or not (
            math.isfinite(days) and days >= 1 and float(days).is_integer() and days <= 36500):
        raise ProtocolError(f"`days` must be a whole number of days from 1 to 36500; got "
                            f"{short_repr(days)} ({type(days).__name__}). Pass e.g. 180.")
    if resolution not in RESOLUTIONS:
        raise ProtocolError(f"`resolution` must be 'day' or 'pulse'; got {short_repr(resolution)}.")
    if backend not in BACKENDS:
        raise ProtocolError(f"`backend` must be one of {', '.join(BACKENDS)}; got "
                            f"{short_repr(backend)}.")  # fmt: skip
    return int(days)


def _chunks(n: int, size: int) -> list[slice]:
    return [slice(a, min(a + size, n)) for a in range(0, n, max(int(size), 1))]


def _day_chunk(stacks: dict, rows: Any, n_arms: int, cfg: CohortConfig) -> dict[str, np.ndarray]:
    """Outputs ``(n, arm, day)`` of a chunk of persons at day resolution."""
    per_arm = [solve_persons(stacks, rows, a, cfg) for a in range(n_arms)]
    return {k: np.stack([r[k] for r in per_arm], axis=1) for k in (*_OUTPUTS, "baseline")}


def _pulse_chunk(rows: Any, protocols: list[Protocol], days: int, backend: str,
                 traces: bool) -> dict[str, np.ndarray]:  # fmt: skip
    """Outputs ``(n, arm, day)`` (and traces ``(n, arm, time)``) of a chunk, pulse-resolved."""
    from igfaxis.simulate import daily_summaries, resolve_backend, simulate_batch

    pop = Population(rows.reset_index(drop=True))
    persons, seeds = pop.persons(), [int(s) for s in rows.seed]
    out: dict[str, list] = {k: [] for k in (*_OUTPUTS, "trace_igf1", "trace_gh", "times_h")}
    factors = [multipliers(r) for r in rows.itertuples(index=False)]
    if not traces and resolve_backend(backend) == "native":
        # the same samples reduced inside the compiled driver: no Trajectory records, no
        # 5-minute output of every variable kept (test_cohort_pulse_fast_path_*)
        names = list(_PULSE_OUTPUTS.values())
        for protocol in protocols:
            if varies(protocol, rows):  # each person their own doses
                parts = [daily_summaries([x], scale_protocol(protocol, f), days=float(days),
                                         seeds=[sd], names=names, at_h=8.0)
                         for x, sd, f in zip(persons, seeds, factors, strict=True)]  # fmt: skip
                r = {k: np.concatenate([q[k] for q in parts]) for k in parts[0]}
            else:
                r = daily_summaries(persons, protocol, days=float(days), seeds=seeds,
                                    names=names, at_h=8.0)  # fmt: skip
            for k, src in _PULSE_OUTPUTS.items():
                out[k].append(r[src][:, :days])
            out["igf1_08h_ng_ml"].append(r["igf1_total_ng_ml@"][:, :days])
        res = {k: np.stack(out[k], axis=1) for k in _OUTPUTS}
        res["baseline"] = res["igf1_08h_ng_ml"][:, :, 0]
        return res
    for protocol in protocols:
        if varies(protocol, rows):  # each person their own doses
            trajs = [simulate_batch([x], scale_protocol(protocol, f), days=float(days),
                                    seeds=[s], backend=backend)[0]
                     for x, s, f in zip(persons, seeds, factors, strict=True)]  # fmt: skip
        else:
            trajs = simulate_batch(persons, protocol, days=float(days), seeds=seeds,
                                   backend=backend)  # fmt: skip
        for k, src in _PULSE_OUTPUTS.items():
            out[k].append(np.stack([t.daily_mean(src)[:days] for t in trajs]))
        out["igf1_08h_ng_ml"].append(np.stack([
            [t.at("igf1_total_ng_ml", 24.0 * d + 8.0) for d in range(days)] for t in trajs]))
        if traces:
            out["trace_igf1"].append(np.stack([t["igf1_total_ng_ml"] for t in trajs]))
            out["trace_gh"].append(np.stack([t["gh_ng_ml"] for t in trajs]))
            out["times_h"] = [trajs[0].times_h]
    res = {k: np.stack(out[k], axis=1) for k in _OUTPUTS}
    res["baseline"] = res["igf1_08h_ng_ml"][:, :, 0]  # no burn-in: the arm's first 08:00
    if traces:
        res["trace_igf1"] = np.stack(out["trace_igf1"], axis=1)
        res["trace_gh"] = np.stack(out["trace_gh"], axis=1)
        res["times_h"] = out["times_h"][0]
    return res


def _groups(table: Any) -> dict[tuple[str, str], np.ndarray]:
    return {(str(s), str(c)): g.age_y.to_numpy(dtype=float)
            for (s, c), g in table.groupby(["sex", "condition"])}  # fmt: skip


def _tick(progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _by_person(jobs: list) -> list[list[int]]:
    """The indices of the jobs of each node person (all arms), the largest groups first.
    A person's jobs can share table files: an arm's exposure nodes sit at the centre person
    and open with the centre's habitual burn-in (the same key). In one task, one process
    computes and writes each such file, and the task's other jobs read it from its memory."""
    groups: dict[str, list[int]] = {}
    for i, j in enumerate(jobs):
        groups.setdefault(j.person.model_dump_json(), []).append(i)
    return sorted(groups.values(), key=len, reverse=True)


def _one_thread() -> None:
    """Pool initializer: one kernel thread a process (``N`` processes on ``N`` cores, not
    ``N`` x cores threads)."""
    from igfaxis.simulate import kernel_threads

    kernel_threads(1)


def _run_group(jobs: list, cfg: CohortConfig) -> list:
    return [run_job(j, cfg) for j in jobs]


def _schedules(jobs: list, cfg: CohortConfig, client: Any, workers: int | None, progress: Any,
               total: int) -> list:  # fmt: skip
    if client is not None:
        from dask.distributed import as_completed

        futures = client.map(run_job, jobs, cfg=cfg, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        out = [None] * len(jobs)
        for k, (f, s) in enumerate(as_completed(futures, with_results=True)):
            out[index[f.key]] = s
            _tick(progress, k + 1, total)
        return out
    groups = _by_person(jobs) if workers is not None and workers > 1 else []
    if len(groups) > 1:
        from concurrent.futures import as_completed as finished

        # the tables' Python and numpy part runs on one core, only their kernel on all
        # (docs/cohorts.md, Speed): a process per core, each kernel on one thread. The
        # tables go to the disk cache, where a later process (or call) finds them; the same
        # jobs give the same schedules
        out = [None] * len(jobs)
        done = 0
        with _spawn_pool(min(workers, len(groups)), _one_thread, ()) as pool:
            futures = {pool.submit(_run_group, [jobs[i] for i in g], cfg): g for g in groups}
            for f in finished(futures):
                for i, s in zip(futures[f], f.result(), strict=True):
                    out[i] = s
                    done += 1
                    _tick(progress, done, total)
        return out
    out = []
    for i, j in enumerate(jobs):
        out.append(run_job(j, cfg))
        _tick(progress, i + 1, total)
    return out


def _run_chunks(fn: Callable, chunks: list, args: tuple, client: Any, workers: int | None,
                progress: Any, done: int, total: int) -> list:  # fmt: skip
    if client is not None:
        from dask.distributed import as_completed

        shared = [client.scatter(a, broadcast=True) if isinstance(a, dict) else a for a in args]
        futures = [client.submit(fn, *_place(c, shared), pure=False) for c in chunks]
        index = {f.key: i for i, f in enumerate(futures)}
        out = [None] * len(chunks)
        for k, (f, r) in enumerate(as_completed(futures, with_results=True)):
            out[index[f.key]] = r
            _tick(progress, done + k + 1, total)
        return out
    if workers is not None and workers > 1 and len(chunks) > 1:
        # the shared arguments (the node tables) go to each worker once, not with every chunk
        with _spawn_pool(workers, _init_worker, (fn, args)) as pool:
            futures = [pool.submit(_call_worker, c) for c in chunks]
            out = []
            for k, f in enumerate(futures):
                out.append(f.result())
                _tick(progress, done + k + 1, total)
            return out
    out = []
    for k, c in enumerate(chunks):
        out.append(fn(*_place(c, args)))
        _tick(progress, done + k + 1, total)
    return out


def _spawn_pool(workers: int, initializer: Callable, initargs: tuple) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes (spawn, not fork: this process's numba thread
    pool must not be forked)."""
    import multiprocessing as mp

    return ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"),
                               initializer=initializer, initargs=initargs)  # fmt: skip


_WORKER: list[Any] = []  # (fn, args) in a pool worker process, set once by _init_worker


def _init_worker(fn: Callable, args: tuple) -> None:
    _WORKER[:] = [fn, args]


def _call_worker(chunk: Any) -> Any:
    fn, args = _WORKER
    return fn(*_place(chunk, args))


def _place(chunk: Any, args: Sequence[Any]) -> tuple:
    """The arguments of one chunk's call: the placeholder ``None`` is the chunk."""
    return tuple(chunk if a is None else a for a in args)


def simulate_cohort(
    population: Population,
    protocols: Protocol | Sequence[Protocol] | Mapping[str, Protocol],
    *,
    days: int,
    resolution: str = "day",
    backend: str = "auto",
    client: Any = None,
    workers: int | None = None,
    traces: bool = False,
    config: CohortConfig = CohortConfig(),
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Simulate every person of a population under every protocol (the arms).

    Parameters
    ----------
    population
        Who (:func:`igfaxis.cohort.sample_population`, :func:`igfaxis.cohort.load_population`).
    protocols
        The arms: one :class:`~igfaxis.protocol.Protocol`, a list (arms named by
        ``Protocol.name``) or a mapping ``{arm name: Protocol}``.

    Other Parameters
    ----------------
    days
        Horizon [days], a whole number.
    resolution
        ``"day"`` (interpolated day tables; module docstrings) or ``"pulse"`` (every person
        pulse-resolved with their own burst seed).
    backend
        Engine of pulse-resolved runs (``"auto"``, ``"native"``, ``"jax"``).
    client
        A :class:`dask.distributed.Client`: node schedules and chunks of persons run on its
        workers. ``None``: this process.
    workers
        Without a client: processes for the node schedules (day resolution; grouped by
        node person) and the chunks of persons (``None``: this process).
    traces
        Keep full pulse-resolved traces of IGF-1 and GH (``resolution="pulse"``, at most
        :data:`MAX_TRACE_PERSONS` persons).
    config
        :class:`~igfaxis.cohort.CohortConfig` (grid, burn-in, chunk size).
    progress
        Called as ``progress(done, total)`` after each task.

    Returns
    -------
    xarray.Dataset
        Dimensions ``person``, ``arm``, ``day``; one variable per output (daily means of
        total IGF-1, IGFBP-3 and GH, IGF-1 at 08:00) with ``attrs["units"]``; the persons'
        covariates and personal multipliers as coordinates along ``person``.
    """
    import xarray as xr

    days = _check(population, days, resolution, backend)
    names, prots = _arms(protocols)
    table = population.table
    n = len(table)
    if traces and (resolution != "pulse" or n > MAX_TRACE_PERSONS):
        raise ProtocolError(
            f"`traces=True` needs resolution='pulse' and at most {MAX_TRACE_PERSONS} persons; "
            f"got resolution={resolution!r} and {n} persons. Drop `traces` or sample fewer."
        )
    chunks = [table.iloc[s] for s in _chunks(n, config.chunk_size)]
    if resolution == "day":
        axes = [exposure_axes(p, table, config) for p in prots]
        jobs = node_jobs(_groups(table), prots, days, config, axes)
        total = len(jobs) + len(chunks)
        schedules = _schedules(jobs, config, client, workers, progress, total)
        stacks = stack_nodes(jobs, schedules, config, axes)
        parts = _run_chunks(_day_chunk, chunks, (stacks, None, len(prots), config), client,
                            workers, progress, len(jobs), total)  # fmt: skip
    else:
        total = len(chunks)
        parts = _run_chunks(_pulse_chunk, chunks, (None, prots, days, backend, traces),
                            client, workers, progress, 0, total)  # fmt: skip
    data = {k: (("person", "arm", "day"), np.concatenate([p[k] for p in parts]),
                {"units": u, "long_name": doc}) for k, (u, doc) in _OUTPUTS.items()}  # fmt: skip
    data["igf1_baseline_ng_ml"] = (
        ("person", "arm"), np.concatenate([p["baseline"] for p in parts]),
        {"units": "ng/mL", "long_name": "habitual total IGF-1 at 08:00 before the arm starts"})
    coords: dict[str, Any] = {"person": table.person_id.to_numpy(), "arm": names,
                              "day": np.arange(days)}  # fmt: skip
    for col, unit in (("age_y", "y"), ("sex", ""), ("weight_kg", "kg"), ("height_m", "m"),
                      ("condition", ""), ("seed", "")):  # fmt: skip
        values = table[col].to_numpy()
        values = values.astype(str) if values.dtype == object else values
        coords[col] = ("person", values, {"units": unit} if unit else {})
    for name in (*PERSONAL_PARAMETERS, *(c for c in EXPOSURE_COLUMNS if c in table.columns)):
        coords[name] = ("person", table[name].to_numpy(dtype=float), {"units": "1"})
    if traces:
        data["igf1_total_ng_ml_trace"] = (("person", "arm", "time_h"),
                                          np.concatenate([p["trace_igf1"] for p in parts]),
                                          {"units": "ng/mL"})  # fmt: skip
        data["gh_ng_ml_trace"] = (("person", "arm", "time_h"),
                                  np.concatenate([p["trace_gh"] for p in parts]),
                                  {"units": "ng/mL"})  # fmt: skip
        coords["time_h"] = ("time_h", parts[0]["times_h"], {"units": "h"})
    attrs = {
        "title": "igfaxis virtual cohort", "disclaimer": DISCLAIMER,
        "igfaxis_version": __version__, "resolution": resolution, "days": days,
        "protocols": json.dumps({a: p.to_dict() for a, p in zip(names, prots, strict=True)},
                                default=str),
        "config": json.dumps({k: getattr(config, k) for k in config.__dataclass_fields__}),
    }  # fmt: skip
    return xr.Dataset(data, coords=coords, attrs=attrs)
