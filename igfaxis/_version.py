"""The installed version of igfaxis (from the package metadata)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("igfaxis")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
