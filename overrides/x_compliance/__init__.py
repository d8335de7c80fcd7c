"""x-compliance: the client for X's batch compliance API.

::

    import x_compliance as xc

    with xc.ComplianceClient() as client:          # token from X_BEARER_TOKEN
        job = client.create_job("tweets", name="stored-posts")
        job = client.get_job(job.id)
        print(job.status, client.rate_limits["GET /2/compliance/jobs/:id"].remaining)

The models are the ones generated from ``spec/compliance.yaml`` (package ``x_compliance_api``),
re-exported so that ``from_dict()`` and ``to_dict()`` round-trip what X sends. Their enums are
open: an unknown ``status`` is kept as its raw string (``job.status == "archived"``). The wire field
``type`` reads as ``job.type``, and as ``job.type_`` (the generator's name for it).
``ComplianceResult``, one line of a results file, is a lean record of its own (``results.py``):
``redacted_at`` is None when absent.
"""

from typing import TYPE_CHECKING, Any

from x_compliance._retry import RetryPolicy
from x_compliance._upload import check_ids
from x_compliance.client import AsyncComplianceClient, ComplianceClient
from x_compliance.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ComplianceError,
    ConflictError,
    DownloadError,
    DownloadExpiredError,
    JobError,
    JobExpiredError,
    JobFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UploadError,
    UploadExpiredError,
    WaitTimeoutError,
)
from x_compliance.rate_limits import RateLimit
from x_compliance.results import ComplianceResult
from x_compliance_api.models import (
    ComplianceJob,
    ComplianceJobListResponse,
    ComplianceJobResponse,
    CreateComplianceJobRequest,
    InvalidRequestProblem,
    JobStatus,
    JobStatusFilter,
    JobType,
    Problem,
    ResultAction,
    ResultReason,
)

if TYPE_CHECKING:
    from x_compliance.sweeps import DatasetError, SweepError, SweepReport, sweep

# The sweep (numpy, sqlite3) loads on first use: ``import x_compliance`` stays quick for the client.
_SWEEP_NAMES = frozenset({"sweep", "SweepReport", "SweepError", "DatasetError"})


def __getattr__(name: str) -> Any:
    if name in _SWEEP_NAMES:
        from x_compliance import sweeps

        return getattr(sweeps, name)
    raise AttributeError(f"module 'x_compliance' has no attribute {name!r}")


__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncComplianceClient",
    "AuthenticationError",
    "BadRequestError",
    "ComplianceClient",
    "ComplianceError",
    "ComplianceJob",
    "ComplianceJobListResponse",
    "ComplianceJobResponse",
    "ComplianceResult",
    "ConflictError",
    "CreateComplianceJobRequest",
    "DatasetError",
    "DownloadError",
    "DownloadExpiredError",
    "InvalidRequestProblem",
    "JobError",
    "JobExpiredError",
    "JobFailedError",
    "JobStatus",
    "JobStatusFilter",
    "JobType",
    "NotFoundError",
    "PermissionDeniedError",
    "Problem",
    "RateLimit",
    "RateLimitError",
    "ResultAction",
    "ResultReason",
    "RetryPolicy",
    "ServerError",
    "SweepError",
    "SweepReport",
    "UploadError",
    "UploadExpiredError",
    "WaitTimeoutError",
    "check_ids",
    "sweep",
]
