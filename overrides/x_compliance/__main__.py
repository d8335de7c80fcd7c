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
            f"error: the command line needs the 'cli' extra ({missing.name} is missing). x-compliance "
            "is not on PyPI: install it with the extra from a clone (pip install -e '.[cli]') or from "
            "its repository (pip install 'x-compliance[cli] @ git+https://github.com/OWNER/x-compliance',"
            " OWNER being where you got it)",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    run()


if __name__ == "__main__":
    main()
