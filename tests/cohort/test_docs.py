"""docs/cohorts.md runs as written: its doctest blocks (STYLE G11)."""

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "cohorts.md"


def test_cohorts_doc_doctests_pass():
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5
    assert result.failed == 0
