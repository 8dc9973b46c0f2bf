"""``python -m igfaxis``: the command line."""

from igfaxis.cli import main

if __name__ == "__main__":
    main()
