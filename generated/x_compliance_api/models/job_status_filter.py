from enum import StrEnum


class JobStatusFilter(StrEnum):
    """The statuses X accepts as a filter when listing jobs; `expired` is not one (X's OpenAPI, every
    version). A closed enum: it is only sent, never received. Its values are also `JobStatus`
    values: openapi-generator's Go client defines `CREATED` and the rest for both and does not
    compile unless given `enumClassPrefix=true` (`x-enum-varnames` would rename the members
    in openapi-python-client too, so the contract leaves the names alone).

    Open: a value the API sends that is not listed here is kept as its raw string (see
    ``_missing_``), so ``JobStatusFilter("new_value") == "new_value"`` and ``.value`` gives it back.
    """

    COMPLETE = "complete"
    CREATED = "created"
    FAILED = "failed"
    IN_PROGRESS = "in_progress"

    @classmethod
    def from_value(cls, value: object) -> "JobStatusFilter":
        """The member for ``value``; see ``job_status_filter_from_value``."""
        return job_status_filter_from_value(value)

    @classmethod
    def _missing_(cls, value: object) -> "JobStatusFilter | None":
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


_MEMBERS: dict[object, JobStatusFilter] = {
    member.value: member for member in JobStatusFilter
}


def job_status_filter_from_value(value: object) -> JobStatusFilter:
    """The member of ``JobStatusFilter`` for ``value``, or the unknown string kept (see ``_missing_``).

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
        return JobStatusFilter(value)
