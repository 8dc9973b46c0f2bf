"""Saving cohort results: Zarr (a folder) or NetCDF (one file), written atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError

__all__ = ["load_cohort", "save_cohort"]


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".zarr":
        return "zarr"
    if suffix in (".nc", ".netcdf"):
        return "netcdf"
    raise ProtocolError(
        f"cohort results are saved as .zarr or .nc; got {short_repr(path.name)}. "
        "Name the output e.g. results.zarr."
    )


def save_cohort(dataset: Any, path: str | Path) -> Path:
    """Write a cohort Dataset to ``.zarr`` (a folder) or ``.nc`` (NetCDF-4 via h5netcdf).

    Atomic: a NetCDF file goes through :func:`igfaxis._files.staged_outputs`; a Zarr
    folder is written next to its target and renamed into place (an old folder of that
    name is moved aside first and removed after), so a failed write leaves the old result.
    """
    out = Path(path)
    if _kind(out) == "netcdf":
        with staged_outputs(out) as (tmp,):
            dataset.to_netcdf(tmp, engine="h5netcdf")
        return out
    if out.exists() and not out.is_dir():
        raise ProtocolError(f"{short_repr(str(out))} exists and is not a Zarr folder; "
                            "choose another name.")  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".zarr"))
    try:
        # Zarr format 2: format 3 has no stable string dtype yet (zarr warns on the
        # person coordinates sex and condition)
        dataset.to_zarr(tmp, mode="w", consolidated=True, zarr_format=2)
        if out.exists():
            old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old."))
            os.replace(out, old / "data")
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def load_cohort(path: str | Path) -> Any:
    """Read a Dataset written by :func:`save_cohort` (loaded into memory)."""
    import xarray as xr

    p = Path(path)
    kind = _kind(p)
    if not p.exists():
        raise ProtocolError(f"cohort results {short_repr(str(p))} not found; check the path.")
    if kind == "zarr":
        return xr.open_zarr(p, consolidated=True).load()
    with xr.open_dataset(p, engine="h5netcdf") as ds:
        return ds.load()
