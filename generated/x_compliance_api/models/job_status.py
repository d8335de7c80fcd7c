from enum import StrEnum


class JobStatus(StrEnum):
    """Where the job is in its life: `created` (waiting for the upload), `in_progress` (processing),
    `complete` (results ready at `download_url`), `failed` (see `error`), `expired` (recorded
    for jobs whose upload window passed without an upload, e.g. tweepy 2021-10-07's list and
    X's quickstart example of 2021-08-05; X may also use it once the results are gone).
    `complete`, `failed` and `expired` are final.

    An open enum: accept and keep values not listed here, and treat an unknown status as not
    final. `expired` is missing from X's API reference page and from the `status` filter, and
    X's OpenAPI 2.167 has no enum at all; it is recorded in tweepy 2021-10-07's list,
    LinqToTwitter's and X's own reference example.

    Open: a value the API sends that is not listed here is kept as its raw string (see
    ``_missing_``), so ``JobStatus("new_value") == "new_value"`` and ``.value`` gives it back.
    """

    COMPLETE = "complete"
    CREATED = "created"
    EXPIRED = "expired"
    FAILED = "failed"
    IN_PROGRESS = "in_progress"

    @classmethod
    def from_value(cls, value: object) -> "JobStatus":
        """The member for ``value``; see ``job_status_from_value``."""
        return job_status_from_value(value)

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


_MEMBERS: dict[object, JobStatus] = {member.value: member for member in JobStatus}


def job_status_from_value(value: object) -> JobStatus:
    """The member of ``JobStatus`` for ``value``, or the unknown string kept (see ``_missing_``).

    Known values are a dict lookup: calling the class goes through EnumMeta.__call__, ten times
    slower. The models call this function, not the class method: on Python 3.11 the Enum metaclass
    defines __getattr__, which slows every attribute lookup on the class; the method takes three
    times as long as this function.
    """
    try:
        return _MEMBERS[value]
    except (
        KeyError,
        TypeError,
    ):  # TypeError: an unhashable value, which the class refuses
        return JobStatus(value)
