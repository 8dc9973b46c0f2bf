"""Background runs: a persisted job table executed by a pool of worker processes.

The table is :class:`~igfaxis.web._models.RunRow`. A run is ``queued`` when submitted;
:class:`JobRunner` (one per server) claims queued runs in submission order, at most
``max_jobs_per_user`` running per user and ``workers`` in all, marks each ``running``
(``attempt`` + 1) and hands it to a :class:`concurrent.futures.ProcessPoolExecutor`
(``spawn`` start method: workers do not inherit the server's threads). The worker
(:func:`execute_run`) reads the run's input from the database, calls the app flow, writes
its progress (0..1) as it goes, and writes the result JSON together with ``done`` in one
statement, or ``failed`` with the one-line message of the error.

Every write of a worker is conditional on the run still being ``running`` at its attempt:
when a server starts, runs left ``running`` (a crash, ``kill -9``) are marked
``interrupted`` and can be retried, and a worker orphaned by the crash stops at its next
progress update (it also stops when it sees that its server process is gone) without
touching the row. One server per database: a second server's start would mark the first
one's running jobs interrupted.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from igfaxis._messages import one_line
from igfaxis.errors import IgfaxisError
from igfaxis.web._db import make_engine
from igfaxis.web._models import RunRow, utcnow

__all__ = ["INTERRUPTED_MESSAGE", "JobRunner", "execute_run", "json_safe", "recover_interrupted"]

log = logging.getLogger(__name__)

#: the message of a run that was running when its server stopped
INTERRUPTED_MESSAGE: Final = (
    "the server stopped while this run was running (a crash, kill -9 or a restart); "
    "retry it."
)
#: how often a worker writes its progress, at most [s]
_PROGRESS_EVERY_S: Final = 0.5
#: how often the dispatcher looks for queued runs without being woken [s]
_POLL_S: Final = 0.5


def json_safe(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers and non-finite floats as ``None``
    (JSON has no NaN; PostgreSQL's JSON type refuses it)."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalar or 0-d array
        return json_safe(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def recover_interrupted(engine: Engine) -> int:
    """Mark the runs left ``running`` as ``interrupted`` (called when a server starts);
    returns how many."""
    with Session(engine) as session:
        result = session.execute(
            update(RunRow).where(RunRow.status == "running")
            .values(status="interrupted", message=INTERRUPTED_MESSAGE, finished_at=utcnow())
        )  # fmt: skip
        session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------
# The worker side
# --------------------------------------------------------------------------------------


class _Abandoned(BaseException):  # a control-flow signal, not an error
    """The run is no longer this worker's (interrupted, retried) or its server is gone."""


#: one engine per database URL in each worker process (workers are reused between runs)
_ENGINES: dict[str, Engine] = {}


def _engine(db_url: str) -> Engine:
    if db_url not in _ENGINES:
        _ENGINES[db_url] = make_engine(db_url)
    return _ENGINES[db_url]


def _worker_init() -> None:
    """Each worker process: the entry points' JAX settings (float64, compilation cache)."""
    from igfaxis.app import configure_jax

    configure_jax()


class _Tracker:
    """Writes a run's progress (0..1) and notices when the run is no longer this worker's."""

    def __init__(self, engine: Engine, run_id: int, attempt: int, server_pid: int) -> None:
        self.engine, self.run_id, self.attempt = engine, run_id, attempt
        self.server_pid = server_pid
        self.done = 0
        self._last = 0.0

    def write(self, fraction: float, *, force: bool = False) -> None:
        """Record ``fraction`` (throttled); raise :class:`_Abandoned` if the run is gone."""
        if os.getppid() != self.server_pid:
            raise _Abandoned
        now = time.monotonic()
        if not force and now - self._last < _PROGRESS_EVERY_S:
            return
        self._last = now
        with Session(self.engine) as session:
            result = session.execute(
                update(RunRow)
                .where(RunRow.id == self.run_id, RunRow.status == "running",
                       RunRow.attempt == self.attempt)
                .values(progress=min(max(fraction, 0.0), 0.99))
            )  # fmt: skip
            session.commit()
        if not result.rowcount:  # type: ignore[attr-defined]
            raise _Abandoned

    def steps(self, total: int | None) -> Callable[[str, float], AbstractContextManager[object]]:
        """A flow's ``progress`` hook: each finished step moves the bar (``total`` known:
        done/total; unknown: done/(done+1), approaching 1)."""

        @contextmanager
        def step(label: str, days: float) -> Iterator[None]:
            self.write(self._fraction(total), force=True)
            yield
            self.done += 1
            self.write(self._fraction(total))

        return step

    def _fraction(self, total: int | None) -> float:
        if total:
            return self.done / total
        return self.done / (self.done + 1.0)

    def candidates(self, done: int, total: int, label: str) -> None:
        """Optimize's ``on_candidate`` hook: candidates evaluated / total."""
        self.write(0.1 + 0.9 * done / max(total, done, 1))


def _finish(engine: Engine, run_id: int, attempt: int, **values: Any) -> bool:
    """Write the run's outcome in one transaction, if it is still this worker's."""
    with Session(engine) as session:
        result = session.execute(
            update(RunRow)
            .where(RunRow.id == run_id, RunRow.status == "running", RunRow.attempt == attempt)
            .values(finished_at=utcnow(), **values)
        )  # fmt: skip
        session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]


def execute_run(db_url: str, run_id: int, attempt: int, server_pid: int) -> str:
    """Run ``run_id`` (attempt ``attempt``) in this worker process and store the outcome.

    Returns ``"done"``, ``"failed"`` or ``"abandoned"`` (the run was no longer this
    worker's; nothing written).
    """
    from igfaxis.web._flows import compute

    engine = _engine(db_url)
    with Session(engine) as session:
        row = session.get(RunRow, run_id)
        if row is None or row.status != "running" or row.attempt != attempt:
            return "abandoned"
        kind, params = row.kind, dict(row.params)
    tracker = _Tracker(engine, run_id, attempt, server_pid)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = compute(kind, params, tracker)
        own = [w for w in caught if issubclass(w.category, IgfaxisError | UserWarning)]
        result["warnings"] = list(dict.fromkeys(one_line(str(w.message)) for w in own))
        stored = _finish(engine, run_id, attempt, status="done", progress=1.0,
                         result=json_safe(result), message=None)  # fmt: skip
        return "done" if stored else "abandoned"
    except _Abandoned:
        return "abandoned"
    except IgfaxisError as exc:
        _finish(engine, run_id, attempt, status="failed", message=one_line(str(exc)))
        return "failed"
    except Exception as exc:
        log.exception("run %s failed", run_id)
        message = (f"internal error ({type(exc).__name__}: {one_line(str(exc), 300)}); this "
                   "is a bug in igfaxis, please report it with the run's input.")  # fmt: skip
        _finish(engine, run_id, attempt, status="failed", message=message)
        return "failed"


# --------------------------------------------------------------------------------------
# The server side
# --------------------------------------------------------------------------------------


class JobRunner:
    """Claims queued runs and executes them in a process pool (module docstring).

    Parameters
    ----------
    db_url
        The database (the workers open their own connections to it).
    workers
        Worker processes (runs executing at once, all users together).
    max_jobs_per_user
        Runs of one user executing at once; the rest wait, queued.
    """

    def __init__(self, db_url: str, *, workers: int, max_jobs_per_user: int) -> None:
        self.db_url = db_url
        self.workers = workers
        self.max_jobs_per_user = max_jobs_per_user
        self._engine = make_engine(db_url)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._inflight: dict[int, Future[str]] = {}
        self._executor: ProcessPoolExecutor | None = None
        self._thread: threading.Thread | None = None

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_init)  # fmt: skip

    def start(self) -> None:
        """Mark runs left running as interrupted, then start dispatching."""
        n = recover_interrupted(self._engine)
        if n:
            log.warning("%d run(s) were running when the server stopped: marked interrupted", n)
        self._executor = self._new_executor()
        self._thread = threading.Thread(target=self._loop, name="igfaxis-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """There may be queued runs: look now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Stop dispatching; runs still executing are marked interrupted (their workers
        stop at their next progress update)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            ids = list(self._inflight)
            executor, self._executor = self._executor, None
        if ids:
            with Session(self._engine) as session:
                session.execute(
                    update(RunRow).where(RunRow.id.in_(ids), RunRow.status == "running")
                    .values(status="interrupted", message=INTERRUPTED_MESSAGE,
                            finished_at=utcnow())
                )  # fmt: skip
                session.commit()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        self._engine.dispose()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(_POLL_S)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self._dispatch()
            except Exception:  # the database was busy or away: try again at the next poll
                log.exception("dispatching runs failed; retrying")

    def _dispatch(self) -> None:
        with self._lock:
            free = self.workers - len(self._inflight)
        if free <= 0:
            return
        with Session(self._engine) as session:
            running = Counter(dict(session.execute(
                select(RunRow.user_id, func.count()).where(RunRow.status == "running")
                .group_by(RunRow.user_id)
            ).all()))  # fmt: skip
            queued = session.execute(
                select(RunRow.id, RunRow.user_id).where(RunRow.status == "queued")
                .order_by(RunRow.id).limit(500)
            ).all()  # fmt: skip
            for run_id, user_id in queued:
                if free <= 0:
                    break
                if running[user_id] >= self.max_jobs_per_user:
                    continue
                claimed = session.execute(
                    update(RunRow).where(RunRow.id == run_id, RunRow.status == "queued")
                    .values(status="running", attempt=RunRow.attempt + 1, progress=0.0,
                            started_at=utcnow(), finished_at=None, message=None)
                    .returning(RunRow.attempt)
                ).scalar()  # fmt: skip
                session.commit()
                if claimed is None:  # another dispatcher took it
                    continue
                running[user_id] += 1
                free -= 1
                self._submit(run_id, int(claimed))

    def _submit(self, run_id: int, attempt: int) -> None:
        with self._lock:
            if self._executor is None:
                return
            future = self._executor.submit(execute_run, self.db_url, run_id, attempt, os.getpid())
            self._inflight[run_id] = future
        future.add_done_callback(lambda f: self._finished(run_id, attempt, f))

    def _finished(self, run_id: int, attempt: int, future: Future[str]) -> None:
        with self._lock:
            self._inflight.pop(run_id, None)
        exc = None if future.cancelled() else future.exception()
        if exc is not None:
            message = (
                "the worker process stopped unexpectedly (out of memory?); retry the run."
                if isinstance(exc, BrokenProcessPool)
                else f"internal error ({type(exc).__name__}: {one_line(str(exc), 300)}); "
                "this is a bug in igfaxis, please report it."
            )
            _finish(self._engine, run_id, attempt, status="failed", message=message)
            if isinstance(exc, BrokenProcessPool):
                with self._lock:
                    if self._executor is not None and not self._stop.is_set():
                        self._executor = self._new_executor()
        self._wake.set()
