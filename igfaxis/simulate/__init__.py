"""The engine: compile a protocol, integrate the model, return a Trajectory."""

from igfaxis.simulate._cell import simulate_cell as simulate_cell
from igfaxis.simulate._config import SolverConfig as SolverConfig
from igfaxis.simulate._run import (
    simulate as simulate,
    simulate_batch as simulate_batch,
)
from igfaxis.simulate._trajectory import Trajectory as Trajectory
