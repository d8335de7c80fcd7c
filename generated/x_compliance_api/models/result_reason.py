from enum import StrEnum


class ResultReason(StrEnum):
    """Why: `deleted`, `suspended`, `protected`, `deactivated` (users), `scrub_geo` (Posts whose
    location was removed: delete the geo data only), `bounced`. `deleted`, `protected` and
    `suspended` are recorded (X's quickstart example); the others are from X's documentation.
    An open enum: keep values not listed here, and act on `action`, which does not depend on
    knowing the reason.

    Open: a value the API sends that is not listed here is kept as its raw string (see
    ``_missing_``), so ``ResultReason("new_value") == "new_value"`` and ``.value`` gives it back.
    """

    BOUNCED = "bounced"
    DEACTIVATED = "deactivated"
    DELETED = "deleted"
    PROTECTED = "protected"
    SCRUB_GEO = "scrub_geo"
    SUSPENDED = "suspended"

    @classmethod
    def from_value(cls, value: object) -> "ResultReason":
        """The member for ``value``; see ``result_reason_from_value``."""
        return result_reason_from_value(value)

    @classmethod
    def _missing_(cls, value: object) -> "ResultReason | None":
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


_MEMBERS: dict[object, ResultReason] = {member.value: member for member in ResultReason}


def result_reason_from_value(value: object) -> ResultReason:
    """The member of ``ResultReason`` for ``value``, or the unknown string kept (see ``_missing_``).

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
        return ResultReason(value)
