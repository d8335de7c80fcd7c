from enum import StrEnum


class JobType(StrEnum):
    """What the job checks: Post IDs (`tweets`) or user IDs (`users`). An open enum: send only
    the values listed here, but accept and keep any value in a response.

    Open: a value the API sends that is not listed here is kept as its raw string (see
    ``_missing_``), so ``JobType("new_value") == "new_value"`` and ``.value`` gives it back.
    """

    TWEETS = "tweets"
    USERS = "users"

    @classmethod
    def from_value(cls, value: object) -> "JobType":
        """The member for ``value``; see ``job_type_from_value``."""
        return job_type_from_value(value)

    @classmethod
    def _missing_(cls, value: object) -> "JobType | None":
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


_MEMBERS: dict[object, JobType] = {member.value: member for member in JobType}


def job_type_from_value(value: object) -> JobType:
    """The member of ``JobType`` for ``value``, or the unknown string kept (see ``_missing_``).

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
        return JobType(value)
