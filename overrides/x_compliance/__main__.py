"""``python -m x_compliance`` and the ``x-compliance`` console script."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from x_compliance.cli import main as run
    except ImportError as missing:  # typer or rich: the command line is an extra
        if missing.name not in {"typer", "rich", "click"}:
            raise
        print(
            f"x-compliance: the command line needs the 'cli' extra ({missing.name} is missing): "
            "pip install 'x-compliance[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    run()


if __name__ == "__main__":
    main()
