"""igfaxis: a mechanistic digital twin of the human GH / IGF-1 axis.

Model predictions and published associations, not medical advice.
"""

from igfaxis._version import __version__ as __version__
from igfaxis.cohort import simulate_cohort as simulate_cohort
from igfaxis.protocol import Dose as Dose, Person as Person, Protocol as Protocol
from igfaxis.risk import assess as assess
from igfaxis.simulate import (
    SolverConfig as SolverConfig,
    Trajectory as Trajectory,
    simulate as simulate,
    simulate_batch as simulate_batch,
)
from igfaxis.validation import validate as validate
