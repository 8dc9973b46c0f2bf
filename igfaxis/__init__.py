"""igfaxis: a mechanistic digital twin of the human GH / IGF-1 axis.

Model predictions and published associations, not medical advice.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("igfaxis")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from igfaxis.protocol import Dose as Dose, Person as Person, Protocol as Protocol
from igfaxis.simulate import (
    SolverConfig as SolverConfig,
    Trajectory as Trajectory,
    simulate as simulate,
    simulate_batch as simulate_batch,
)
