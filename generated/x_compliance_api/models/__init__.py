"""Contains all the data models used in inputs/outputs"""

from .compliance_job import ComplianceJob
from .compliance_job_list_response import ComplianceJobListResponse
from .compliance_job_response import ComplianceJobResponse
from .compliance_result import ComplianceResult
from .create_compliance_job_request import CreateComplianceJobRequest
from .invalid_request_error import InvalidRequestError
from .invalid_request_error_parameters import InvalidRequestErrorParameters
from .invalid_request_problem import InvalidRequestProblem
from .job_status import JobStatus
from .job_status_filter import JobStatusFilter
from .job_type import JobType
from .list_meta import ListMeta
from .problem import Problem
from .result_action import ResultAction
from .result_reason import ResultReason

__all__ = (
    "ComplianceJob",
    "ComplianceJobListResponse",
    "ComplianceJobResponse",
    "ComplianceResult",
    "CreateComplianceJobRequest",
    "InvalidRequestError",
    "InvalidRequestErrorParameters",
    "InvalidRequestProblem",
    "JobStatus",
    "JobStatusFilter",
    "JobType",
    "ListMeta",
    "Problem",
    "ResultAction",
    "ResultReason",
)
