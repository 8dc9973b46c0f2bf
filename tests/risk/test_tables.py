"""Reference-table registry and assay-specific tables (igfaxis.risk._tables)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from igfaxis.errors import ProtocolError, UnitError
from igfaxis.risk import (
    assess,
    centile_value,
    load_reference_table,
    reference_table,
    reference_tables,
    sds,
    sds_array,
)
from igfaxis.units import IGF1_NMOL_PER_NG


def _write_table(path: Path, scale: float = 1.0, mu_shift: float = 1.0) -> Path:
    """A two-age table from the LIFE rows at 50 and 70 y, mu times ``scale * mu_shift``."""
    table = reference_table()
    lines = ["sex,age,mu,sigma,nu,tau"]
    for sex in ("male", "female"):
        for age in (50.0, 70.0):
            mu, sigma, nu, tau = table.parameters(age, sex)
            lines.append(f"{sex},{age},{mu * scale * mu_shift!r},{sigma!r},{nu!r},{tau!r}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_packaged_tables_are_listed_with_their_assay_and_citation() -> None:
    assert ("igf1", "life") in reference_tables()
    assert ("igfbp3", "life") in reference_tables()
    table = reference_table("igf1", "life")
    assert table.name == "life"
    assert "assay not stated" in table.assay
    assert "Hoerenz" in table.citation


def test_unknown_table_name() -> None:
    with pytest.raises(
        ProtocolError, match=r"`assay` \(reference table\) must be one of \['life'\]"
    ):
        reference_table("igf1", "roche-elecsys")


def test_a_laboratory_table_in_nmol_per_l(tmp_path: Path) -> None:
    path = _write_table(tmp_path / "lab.csv", scale=IGF1_NMOL_PER_NG)
    lab = load_reference_table(
        path,
        analyte="IGF-1",
        name="lab-a",
        assay="Lab A CLIA",
        citation="Lab A in-house reference 2024",
        unit="nmol/L",
    )
    assert lab.unit == "ng/mL"
    assert lab.name == "lab-a"
    assert lab.assay == "Lab A CLIA"
    # At a tabulated age the laboratory table equals LIFE, whatever unit it was written in.
    assert sds(100.0, 50.0, "male", reference=lab) == pytest.approx(sds(100.0, 50.0, "male"))
    assert centile_value(0.0, 70.0, "female", reference=lab) == pytest.approx(
        centile_value(0.0, 70.0, "female")
    )


def test_assess_with_an_assay_specific_table(tmp_path: Path) -> None:
    # A platform that reads 20% higher: the same number is a lower SDS on its own table.
    lab = load_reference_table(
        _write_table(tmp_path / "hi.csv", mu_shift=1.2),
        analyte="igf1",
        name="high-reading",
        assay="X",
        citation="X 2024",
    )
    own = assess(140.0, "ng/mL", 50.0, "male", assay=lab)
    default = assess(140.0, "ng/mL", 50.0, "male")
    assert own.sds < default.sds
    assert own.reference_name == "high-reading"
    assert own.reference == "X 2024"
    assert any("high-reading: X" in n for n in own.notes)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("sex,age,mu\nmale,50,100\n", "expected the columns"),
        ("sex,age,mu,sigma,nu,tau\nmale,50,abc,0.2,0.3,1.7\n", "line 2"),
        ("sex,age,mu,sigma,nu,tau\nmale,50,100,0.2,0.3,1.7\n", "fewer than two"),
    ],
)
def test_malformed_laboratory_table(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProtocolError, match=match):
        load_reference_table(path, analyte="igf1", name="bad", assay="?", citation="?")


def test_laboratory_table_needs_citation_and_unit(tmp_path: Path) -> None:
    path = _write_table(tmp_path / "lab.csv")
    with pytest.raises(ProtocolError, match="`citation` must be a non-empty string"):
        load_reference_table(path, analyte="igf1", name="a", assay="b", citation=" ")
    with pytest.raises(UnitError, match="`unit` must be ng/mL"):
        load_reference_table(path, analyte="igf1", name="a", assay="b", citation="c", unit="g")
    with pytest.raises(ProtocolError, match="does not exist"):
        load_reference_table(
            tmp_path / "nope.csv", analyte="igf1", name="a", assay="b", citation="c"
        )


def test_table_of_the_wrong_analyte_is_refused() -> None:
    with pytest.raises(ProtocolError, match="is a igfbp3 table"):
        sds(100.0, 60.0, "male", reference=reference_table("igfbp3"))


def test_sds_array_matches_scalar_sds_and_validates() -> None:
    values = np.array([60.0, 100.0, 160.0, 250.0])
    ages = np.array([30.0, 45.5, 60.0, 79.9])
    expected = [sds(v, a, "female") for v, a in zip(values, ages, strict=True)]
    assert sds_array(values, ages, "female") == pytest.approx(expected, abs=1e-12)
    assert sds_array(100.0, 60.0, "male").shape == ()
    with pytest.raises(ProtocolError, match="`values_ng_ml` must be finite"):
        sds_array([100.0, 0.0], 60.0, "male")
    with pytest.raises(ProtocolError, match="`age_y` must be a finite age"):
        sds_array([100.0], [300.0], "male")
