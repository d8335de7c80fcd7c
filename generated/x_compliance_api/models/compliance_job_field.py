from enum import StrEnum


class ComplianceJobField(StrEnum):
    """A field of `ComplianceJob` that `compliance_job.fields` can ask for (X's OpenAPI, every
    version; `error` is not one). A closed enum: it is only sent, never received.

    Open: a value the API sends that is not listed here is kept as its raw string (see
    ``_missing_``), so ``ComplianceJobField("new_value") == "new_value"`` and ``.value`` gives it back.
    """

    CREATED_AT = "created_at"
    DOWNLOAD_EXPIRES_AT = "download_expires_at"
    DOWNLOAD_URL = "download_url"
    ID = "id"
    NAME = "name"
    RESUMABLE = "resumable"
    STATUS = "status"
    TYPE = "type"
    UPLOAD_EXPIRES_AT = "upload_expires_at"
    UPLOAD_URL = "upload_url"

    @classmethod
    def from_value(cls, value: object) -> "ComplianceJobField":
        """The member for ``value``; see ``compliance_job_field_from_value``."""
        return compliance_job_field_from_value(value)

    @classmethod
    def _missing_(cls, value: object) -> "ComplianceJobField | None":
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


_MEMBERS: dict[object, ComplianceJobField] = {
    member.value: member for member in ComplianceJobField
}


def compliance_job_field_from_value(value: object) -> ComplianceJobField:
    """The member of ``ComplianceJobField`` for ``value``, or the unknown string kept (see ``_missing_``).

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
        return ComplianceJobField(value)
