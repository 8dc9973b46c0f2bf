"""``igfaxis.io.plots.plot_plan``: the best plan vs no change, written atomically.

One small real search (population prior of a GH-deficient man, protein lever, 4 weeks,
four draws) gives the result that is drawn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import matplotlib
import pytest

from igfaxis import Person
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import LabValue
from igfaxis.io.plots import FOOTER, plot_plan
from igfaxis.optimize import OptimizeConfig, optimize

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("io/test_plot_plan")

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result():
    person = Person(age_y=45, sex="male", condition="gh_deficiency")
    return optimize(person, "sds:0..1", levers=["protein"], horizon_days=28,
                    config=OptimizeConfig(draws=4))  # fmt: skip


def _lab(day: float, value: float, date: str) -> LabValue:
    return LabValue(day=day, date=date, value=value, unit="ng/mL", igf1_ng_ml=value, line=2)


def test_writes_a_png(tmp_path: Path, result) -> None:
    out = plot_plan(result, tmp_path / "plan.png")
    assert out == tmp_path / "plan.png"
    data = out.read_bytes()
    assert data[:8] == PNG
    assert len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.png"]  # no temporary left


def test_svg_states_target_probability_and_footer(tmp_path: Path, result) -> None:
    """With text kept as text (svg.fonttype none), the figure says what it shows."""
    labs = [_lab(-180.0, 70.0, "2024-08-12"), _lab(0.0, 66.0, "2025-02-10")]
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        out = plot_plan(result, tmp_path / "plan.svg", labs=labs,
                        origin_date=dt.date(2025, 2, 10))  # fmt: skip
    svg = out.read_text(encoding="utf-8")
    assert FOOTER in svg
    assert "SDS 0 to +1" in svg
    assert f"probability {result.best.p_success:.0%}" in svg
    assert "no change" in svg
    assert "measured IGF-1 (labs)" in svg
    assert "population prior" in svg


def test_a_failed_draw_leaves_the_old_file(tmp_path: Path, result) -> None:
    path = tmp_path / "plan.png"
    path.write_bytes(b"old figure")
    broken = dataclasses.replace(result, best=dataclasses.replace(result.best, trajectory={}))
    with pytest.raises(ProtocolError, match="no trajectory"):
        plot_plan(broken, path)
    with pytest.raises(ProtocolError, match="must end in one of"):
        plot_plan(result, tmp_path / "plan.xyz")
    assert path.read_bytes() == b"old figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.png"]


def test_the_report_of_a_plan_has_its_plan_section(result) -> None:
    """``igfaxis optimize --report``: the report of the best plan shows the plan against no
    change with their probabilities, the Pareto set, the levers' explanation and the plan
    note; a report without a plan has no such section."""
    from igfaxis.io._html import render_html
    from igfaxis.io.report import build_report
    from igfaxis.optimize import NOTE
    from igfaxis.simulate import simulate

    person = Person(age_y=45, sex="male", condition="gh_deficiency")
    traj = simulate(person, result.best.protocol, days=1)
    html = render_html(build_report(person, result.best.protocol, traj, plan=result))
    section = html[html.index("<section id='plan'>"):]
    section = section[:section.index("</section>")]
    assert result.target.describe() in section
    assert f"{result.best.p_success:.0%}" in section
    assert section.count("<tr>") == 1 + 2 + 1 + len(result.pareto)  # heads, plan, no change
    assert all(line in section for line in result.explanation)
    assert NOTE in section
    assert "data:image/png;base64," in section
    plain = render_html(build_report(person, result.best.protocol, traj))
    assert "<section id='plan'>" not in plain
