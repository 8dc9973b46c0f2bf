"""A history: what a person did between their labs, as dated protocol segments.

YAML::

    segments:
      - day: -400                       # or `date: 2024-03-01` (labs dated: day 0 = latest lab)
        protocol: somatropin-0.2mg.yaml # a file (relative to this one) or an inline protocol
      - date: 2025-01-15
        protocol: {doses: [{drug: somatropin, amt: 0.4, amt_unit: mg, time_h: 22, ii_h: 24,
                            addl: 400}]}

Each segment runs from its start until the next one starts; before the first the person
lived their usual day. A segment's protocol starts at its own t = 0 (its dose times count
from the segment's first midnight).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationError, model_validator

from igfaxis._files import MAX_YAML_BYTES, load_yaml, read_text
from igfaxis.errors import ProtocolError
from igfaxis.protocol._errors import InputModel, format_validation_error
from igfaxis.protocol._protocol import Protocol

__all__ = ["History", "HistorySegment"]


class HistorySegment(InputModel):
    """One protocol segment: from ``day`` (or ``date``) until the next segment."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    day: float | None = Field(None, ge=-36500.0, le=36500.0,
                              description="Start on the labs' time line [days].")  # fmt: skip
    date: dt.date | None = Field(None, description="Start date (labs with dates only).")
    protocol: Protocol = Field(default_factory=lambda: Protocol(name="usual day"),
                               description="What the person did from then on.")  # fmt: skip

    @model_validator(mode="after")
    def _one_start(self) -> HistorySegment:
        if (self.day is None) == (self.date is None):
            raise ValueError("give exactly one of `day` and `date` for the segment's start")
        return self

    def start_day(self, latest_lab: dt.date | None) -> float:
        """The start on the labs' time line (a date needs the date of the latest lab)."""
        if self.day is not None:
            return float(self.day)
        if latest_lab is None:
            raise ProtocolError(
                f"history segment starting {self.date} is dated but the labs give days, not "
                "dates; give the segment a `day` on the labs' time line instead."
            )
        return float((self.date - latest_lab).days)


class History(InputModel):
    """Protocol segments between labs (module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    segments: tuple[HistorySegment, ...] = Field(
        ..., min_length=1, max_length=100, description="Protocol segments, any order."
    )

    @classmethod
    def from_yaml(cls, path: str | Path) -> History:
        """Read a history file; a segment's ``protocol`` may name a protocol file (relative
        to the history file)."""
        p = Path(path)
        text = read_text(p, "history", max_bytes=MAX_YAML_BYTES)
        data = load_yaml(text, p.name)
        if not isinstance(data, dict) or "segments" not in data:
            raise ProtocolError(
                f"{p.name}: a history is a mapping with `segments:` (a list of `day` or `date` "
                "and `protocol`); see docs/labs.md."
            )
        segs = data["segments"]
        if isinstance(segs, list):
            resolved: list[Any] = []
            for i, seg in enumerate(segs):
                if isinstance(seg, dict) and isinstance(seg.get("protocol"), str):
                    ref = (p.parent / seg["protocol"]).resolve()
                    try:
                        proto = Protocol.from_yaml(ref)
                    except ProtocolError as exc:
                        raise ProtocolError(f"{p.name}, segment {i + 1}: {exc}") from None
                    seg = {**seg, "protocol": proto}
                resolved.append(seg)
            data = {**data, "segments": resolved}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ProtocolError(format_validation_error(exc, p.name)) from None
