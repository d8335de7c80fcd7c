"""The public clients: ``ComplianceClient`` and its async twin ``AsyncComplianceClient``.

Both are thin, and their control flow is written once: ``_async_client.py`` is the source, and
``_sync_client.py`` is generated from it (``make unasync``). Arguments are checked and requests
built by ``_api`` (on the generated operation modules), retries decided by an ``Exchange``
(``_exchange``, ``_retry``), answers read by ``_api``; the two classes differ only in how they
send, sleep and touch the disk (``_async_io``, ``_sync_io``).
"""

from __future__ import annotations

from x_compliance._async_client import AsyncComplianceClient
from x_compliance._files import BinaryWriter
from x_compliance._sync_client import ComplianceClient

__all__ = ["AsyncComplianceClient", "BinaryWriter", "ComplianceClient"]
