"""x-compliance: the client for X's batch compliance API.

The models are the ones generated from ``spec/compliance.yaml`` (package ``x_compliance_api``),
re-exported here so that ``from_dict()`` and ``to_dict()`` round-trip what X sends::

    import x_compliance as xc

    job = xc.ComplianceJob.from_dict(body["data"])
    job.status == xc.JobStatus.COMPLETE   # an unknown status is kept as its raw string

The Python attribute for the wire field ``type`` is ``type_`` (the generator's rename of the
builtin); ``to_dict()`` writes ``type``.
"""

from x_compliance_api.models import (
    ComplianceJob,
    ComplianceJobListResponse,
    ComplianceJobResponse,
    ComplianceResult,
    CreateComplianceJobRequest,
    InvalidRequestProblem,
    JobStatus,
    JobStatusFilter,
    JobType,
    Problem,
    ResultAction,
    ResultReason,
)

__all__ = [
    "ComplianceJob",
    "ComplianceJobListResponse",
    "ComplianceJobResponse",
    "ComplianceResult",
    "CreateComplianceJobRequest",
    "InvalidRequestProblem",
    "JobStatus",
    "JobStatusFilter",
    "JobType",
    "Problem",
    "ResultAction",
    "ResultReason",
]
