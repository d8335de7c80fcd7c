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
        """The member for ``value``: a dict lookup for known values (calling the class goes through
        EnumMeta.__call__, ten times slower), else ``cls(value)``, which keeps unknown strings."""
        try:
            return _MEMBERS[value]
        except (
            KeyError,
            TypeError,
        ):  # TypeError: an unhashable value, which cls() refuses
            return cls(value)

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
