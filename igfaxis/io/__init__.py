"""Effectful boundary of igfaxis: exports and file formats.

``import igfaxis.io`` never needs the optional dependencies; each exporter imports its
library when it is *used* and raises an :class:`ImportError` with the install hint if the
library is missing (STYLE F3).
"""

from igfaxis.io.nonmem import (
    doses_to_table as doses_to_table,
    read_dosing_csv as read_dosing_csv,
    write_dosing_csv as write_dosing_csv,
)
from igfaxis.io.sbml import to_sbml as to_sbml, write_sbml as write_sbml
