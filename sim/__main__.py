"""``python -m sim`` is the ``geosim`` command."""

from .cli import main

if __name__ == "__main__":
    main()
