"""Sweeps: keeping a stored dataset compliant, end to end, through any interruption.

``xc.sweep(client, datasets, output)`` gathers every post and user ID of the datasets, checks them
with X's tweets and users jobs (recorded step by step in a SQLite state, so that a killed run
continues where it stopped), and writes the compliant copies, ``removals.jsonl`` and
``report.json``. The parts, each a module of its own:

- ``formats`` (the reader/writer interface, gzip, detection) and its plug-ins: ``jsonlines``,
  ``csvfiles``, ``parquetfiles`` (pyarrow, the ``parquet`` extra; also ``removals.parquet``);
- ``ids``: distinct IDs and results as sorted 64-bit arrays;
- ``decisions``: what the results mean for each post and user object;
- ``state``: the SQLite store; ``runner``: the jobs; ``output``: atomic files;
- ``report``: ``SweepReport``; ``pipeline``: ``sweep``, the whole, in order.

It uses the client through ``x_compliance``'s public names only.
"""

from x_compliance.sweeps.errors import DatasetChangedError, DatasetError, SweepError
from x_compliance.sweeps.pipeline import sweep
from x_compliance.sweeps.progress import SweepProgress
from x_compliance.sweeps.report import DatasetReport, JobReport, OutputFile, SweepReport
from x_compliance.sweeps.runner import SweepTimeoutError

__all__ = [
    "DatasetChangedError",
    "DatasetError",
    "DatasetReport",
    "JobReport",
    "OutputFile",
    "SweepError",
    "SweepProgress",
    "SweepReport",
    "SweepTimeoutError",
    "sweep",
]
