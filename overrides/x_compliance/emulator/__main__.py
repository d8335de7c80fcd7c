"""``python -m x_compliance.emulator``: serve an emulator until interrupted."""

from x_compliance.emulator._cli import main

raise SystemExit(main())
