from enum import StrEnum


class JobStatus(StrEnum):
    """Where the job is in its life: `created` (waiting for the upload), `in_progress` (processing),
    `complete` (results ready at `download_url`), `failed` (see `error`), `expired` (the upload
    window or the results' lifetime passed). An open enum: X sent `expired` long before its own
    documentation listed it, and may add values; accept and keep values not listed here.

    Open: a value the API sends that is not listed here is kept as its raw string (see
    ``_missing_``), so ``JobStatus("new_value") == "new_value"`` and ``.value`` gives it back.
    """

    COMPLETE = "complete"
    CREATED = "created"
    EXPIRED = "expired"
    FAILED = "failed"
    IN_PROGRESS = "in_progress"

    @classmethod
    def _missing_(cls, value: object) -> "JobStatus | None":
        # X adds enum values without notice (it sent "expired" long before documenting it). Instead of
        # raising ValueError, make a pseudo-member that keeps the raw string; it is not cached, so
        # unknown values do not accumulate on the class.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)
