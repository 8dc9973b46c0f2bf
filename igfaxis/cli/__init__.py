"""The ``igfaxis`` command line (typer); ``igfaxis --help`` lists the commands."""

from igfaxis.cli import _titrate as _titrate  # registers `igfaxis titrate` on the app
from igfaxis.cli._app import app as app, main as main
from igfaxis.cli._load import load_person as load_person, load_protocol as load_protocol
