"""A local emulator of X's batch compliance API and of the Cloud Storage signed URLs it hands out.

Run the whole workflow offline, in tests or by hand::

    from x_compliance.emulator import Emulator

    with Emulator(processing_seconds=0.0) as emu:
        ...  # point a client at emu.base_url with the bearer token emu.token

or from a shell: ``python -m x_compliance.emulator --port 8000``. Standard library only; it shares
no code with the client (``x_compliance``), so that it can catch the client's mistakes.
"""

from x_compliance.emulator._cli import main
from x_compliance.emulator._emulator import Emulator
from x_compliance.emulator._faults import Fault, Faults
from x_compliance.emulator._results import bad_line_error, result_for

__all__ = ["Emulator", "Fault", "Faults", "bad_line_error", "main", "result_for"]
