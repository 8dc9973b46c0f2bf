"""The planning flow (igfaxis.app): argument checks, the plan from the prior, plan.yaml.

The checks run before anything is fitted or simulated; one small real plan (population prior
of a GH-deficient man, somatropin, 4 weeks, four draws) is written and read back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from igfaxis import Person, Protocol
from igfaxis.app import (
    MAX_HORIZON_DAYS,
    MIN_HORIZON_DAYS,
    PLAN_NOTE,
    PlanRun,
    check_horizon,
    check_levers,
    check_plan_path,
    check_target,
    plan_protocol,
    write_plan_files,
)
from igfaxis.calibrate import CalibrationResult
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import LabValue
from igfaxis.optimize import LEVERS, OptimizeConfig, Target
from igfaxis.protocol import History, dose_warnings

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("app/test_plan_flow")

GHD = Person(age_y=45, sex="male", condition="gh_deficiency")
FAST = OptimizeConfig(draws=4, somatropin_mg=(0.2, 0.4, 0.6))


@pytest.fixture(scope="module")
def run() -> PlanRun:
    seen: list[tuple[int, int, str]] = []
    out = plan_protocol(GHD, "sds:0..1", levers="somatropin", horizon_days=28, config=FAST,
                        on_candidate=lambda d, n, label: seen.append((d, n, label)))  # fmt: skip
    assert [d for d, _, _ in seen] == list(range(1, len(seen) + 1))
    assert len(seen) == len(out.result.evaluated)
    return out


def test_checks() -> None:
    assert check_target("ng_ml:120..160") == Target("ng_ml", 120.0, 160.0)
    assert check_levers(" Somatropin, protein,,somatropin ") == ("somatropin", "protein")
    assert check_levers(list(LEVERS)) == LEVERS
    assert check_horizon(180) == 180
    assert check_horizon(90.0) == 90
    assert check_plan_path("a/plan.yml") == Path("a/plan.yml")
    with pytest.raises(ProtocolError, match=r"`--target`: target 'sds:2\.\.1'"):
        check_target("sds:2..1", field="--target")
    with pytest.raises(ProtocolError, match="`target` must be text"):
        check_target(3)  # type: ignore[arg-type]
    with pytest.raises(ProtocolError, match=r"unknown lever 'rapamycin'; choose from somatropin"):
        check_levers("rapamycin")
    with pytest.raises(ProtocolError, match="names no lever"):
        check_levers([])
    for bad in (MIN_HORIZON_DAYS - 1, MAX_HORIZON_DAYS + 1, 90.5, float("nan"), True, "180"):
        with pytest.raises(ProtocolError, match=r"`horizon_days` must be a whole number"):
            check_horizon(bad)
    with pytest.raises(ProtocolError, match=r"must end in \.yaml"):
        check_plan_path("plan.json")


def test_refusals_before_anything_runs() -> None:
    lab = LabValue(day=0.0, date=None, value=70.0, unit="ng/mL", igf1_ng_ml=70.0, line=2)
    prior = CalibrationResult.prior(GHD)
    with pytest.raises(ProtocolError, match="a fit already holds its labs"):
        plan_protocol(prior, "sds:0..1", labs=[lab])
    history = History.model_validate({"segments": [{"day": -100, "protocol": {}}]})
    with pytest.raises(ProtocolError, match="a history needs the labs"):
        plan_protocol(GHD, "sds:0..1", history=history)
    with pytest.raises(ProtocolError, match="a fit already holds its labs"):
        plan_protocol(prior, "sds:0..1", history=history)
    with pytest.raises(ProtocolError, match="`horizon_days`"):
        plan_protocol(GHD, "sds:0..1", horizon_days=7)
    with pytest.raises(ProtocolError, match="unknown lever"):
        plan_protocol(GHD, "sds:0..1", levers=["gh"])


def test_plan_from_the_prior(run: PlanRun) -> None:
    r = run.result
    assert not run.fit.from_labs
    assert run.labs == ()
    assert run.calibration is None
    assert run.draws == FAST.draws
    assert "population prior" in r.message
    assert r.best.p_success >= r.baseline.p_success
    assert dose_warnings(run.protocol, GHD) == []
    data = run.to_dict()
    assert data["note"] == PLAN_NOTE
    assert data["fit"]["from_labs"] is False
    assert {"p_in_band", "time_in_band", "p_above_2sds"} <= set(data["expected"])
    json.dumps(data, allow_nan=False)  # JSON-ready


def test_plan_yaml_reads_back_to_the_plan(run: PlanRun) -> None:
    text = run.plan_yaml()
    assert text.startswith("# Planned by `igfaxis optimize`")
    assert PLAN_NOTE in text
    assert Protocol.from_yaml(text) == run.protocol


def test_write_plan_files_all_or_none(tmp_path: Path, run: PlanRun) -> None:
    files = write_plan_files(run, out=tmp_path / "plan.yaml", plot=tmp_path / "plan.png",
                             json_out=tmp_path / "plan.json")  # fmt: skip
    assert set(files) == {"plan", "plot", "json"}
    assert Protocol.from_yaml(files["plan"]) == run.protocol
    assert json.loads(files["json"].read_text(encoding="utf-8"))["note"] == PLAN_NOTE
    assert files["plot"].read_bytes()[:4] == b"\x89PNG"
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    other = tmp_path / "other"
    with pytest.raises(ProtocolError, match="no fit to write"):
        write_plan_files(run, out=other / "plan.yaml", fit=other / "fit.json")
    with pytest.raises(ProtocolError, match=r"must end in \.json"):
        write_plan_files(run, out=tmp_path / "plan.yaml", json_out=tmp_path / "plan.txt")
    (tmp_path / "plan.svg").mkdir()
    with pytest.raises(ProtocolError, match="is a folder"):
        write_plan_files(run, out=tmp_path / "plan.yaml", plot=tmp_path / "plan.svg")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before
    assert not other.exists()
