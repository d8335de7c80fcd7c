from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from attrs import fields as _attrs_fields

from ..models.job_status import JobStatus, job_status_from_value
from ..models.job_type import JobType, job_type_from_value
from ..types import UNSET, Unset

T = TypeVar("T", bound="ComplianceJob")

# x-compliance: signed storage URLs carry their credential in the query; repr() never shows it.
_SIGNED_URL_SECRET = re.compile(
    r"((?:X-Goog-Signature|upload_id)=)[^&\s'\"]+", re.IGNORECASE
)

# x-compliance: bound once, not looked up for every timestamp read (see datetime_property.py.jinja).
_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.UTC

# x-compliance: the keys from_dict reads into fields; any other key is an additional property.
_FIELDS: frozenset[str] = frozenset(
    {
        "id",
        "type",
        "status",
        "created_at",
        "upload_url",
        "upload_expires_at",
        "download_url",
        "download_expires_at",
        "name",
        "resumable",
        "error",
    }
)


@_attrs_define
class ComplianceJob:
    """A batch compliance job. The eight fields in `required` are present in every job recorded
    from X (tweepy 2021-10-07 and 2022-05-07, LinqToTwitter 2021-10-25, X's documentation
    examples of 2021-07 and 2021-08), so generated clients should make them non-optional, as X's
    OpenAPI 2.112 to 2.166 do, although X's newest (2.167) marks every field optional.
    `name`, `resumable` and `error` are optional. Unknown fields may appear and must be
    tolerated.

    """

    id: str
    """ A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON string. Never parse
    it as a JSON number or a double: above 2^53 the value changes silently.
     """
    type_: JobType
    """ What the job checks: Post IDs (`tweets`) or user IDs (`users`). An open enum: send only
    the values listed here, but accept and keep any value in a response.
     """
    status: JobStatus
    """ Where the job is in its life: `created` (waiting for the upload), `in_progress` (processing),
    `complete` (results ready at `download_url`), `failed` (see `error`), `expired` (recorded
    for jobs whose upload window passed without an upload, e.g. tweepy 2021-10-07's list and
    X's quickstart example of 2021-08-05; X may also use it once the results are gone).
    `complete`, `failed` and `expired` are final.

    An open enum: accept and keep values not listed here, and treat an unknown status as not
    final. `expired` is missing from X's API reference page and from the `status` filter, and
    X's OpenAPI 2.167 has no enum at all; it is recorded in tweepy 2021-10-07's list,
    LinqToTwitter's and X's own reference example.
     """
    created_at: datetime.datetime
    """ RFC 3339, UTC. Seen as `2021-08-05T01:35:11.000Z` (every recorded job),
    `2017-09-10T20:06:37.421Z` and `2013-03-26T02:46:15+00:00` (result lines in the README of
    X's compliant-client); accept `Z` or an offset, with or without fractional seconds. X's
    OpenAPI 2.167 drops `format: date-time`; the values have not changed.
     """
    upload_url: str
    """ A Cloud Storage V4 signed URL, used as given: do not rebuild or re-encode it. Its query
    string (`X-Goog-Signature` in particular) is a credential: do not log it. Send no
    `Authorization` header to it. `X-Goog-SignedHeaders` lists the headers the request must
    send exactly as signed: `content-type;host` on a plain `upload_url` (so `Content-Type:
    text/plain`), `content-length;content-type;host;x-goog-resumable` on a resumable one, `host`
    on a `download_url`. `X-Goog-Expires` is its lifetime in seconds (900 for uploads, 604800
    for downloads in every recording).
     """
    upload_expires_at: datetime.datetime
    """ RFC 3339, UTC. Seen as `2021-08-05T01:35:11.000Z` (every recorded job),
    `2017-09-10T20:06:37.421Z` and `2013-03-26T02:46:15+00:00` (result lines in the README of
    X's compliant-client); accept `Z` or an offset, with or without fractional seconds. X's
    OpenAPI 2.167 drops `format: date-time`; the values have not changed.
     """
    download_url: str
    """ A Cloud Storage V4 signed URL, used as given: do not rebuild or re-encode it. Its query
    string (`X-Goog-Signature` in particular) is a credential: do not log it. Send no
    `Authorization` header to it. `X-Goog-SignedHeaders` lists the headers the request must
    send exactly as signed: `content-type;host` on a plain `upload_url` (so `Content-Type:
    text/plain`), `content-length;content-type;host;x-goog-resumable` on a resumable one, `host`
    on a `download_url`. `X-Goog-Expires` is its lifetime in seconds (900 for uploads, 604800
    for downloads in every recording).
     """
    download_expires_at: datetime.datetime
    """ RFC 3339, UTC. Seen as `2021-08-05T01:35:11.000Z` (every recorded job),
    `2017-09-10T20:06:37.421Z` and `2013-03-26T02:46:15+00:00` (result lines in the README of
    X's compliant-client); accept `Z` or an offset, with or without fractional seconds. X's
    OpenAPI 2.167 drops `format: date-time`; the values have not changed.
     """
    name: str | Unset = UNSET
    """ The name given at creation, if any; absent otherwise (recorded in LinqToTwitter). """
    resumable: bool | Unset = UNSET
    """ Whether `upload_url` speaks Cloud Storage's resumable protocol. Present in every
    recorded job, although X's OpenAPI up to 2.166 has it only in the create request.
     """
    error: str | Unset = UNSET
    """ Why a `failed` job failed, in X's words, for people: show it, do not parse it. Only on
    failed jobs, per X's API reference; in none of X's OpenAPI versions. No failed job is
    recorded, so the example is illustrative, not X's wording.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_.value

        status = self.status.value

        created_at = self.created_at.isoformat()

        upload_url = self.upload_url

        upload_expires_at = self.upload_expires_at.isoformat()

        download_url = self.download_url

        download_expires_at = self.download_expires_at.isoformat()

        name = self.name

        resumable = self.resumable

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "status": status,
                "created_at": created_at,
                "upload_url": upload_url,
                "upload_expires_at": upload_expires_at,
                "download_url": download_url,
                "download_expires_at": download_expires_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if resumable is not UNSET:
            field_dict["resumable"] = resumable
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        # x-compliance: fields are read in place (no copy emptied by pops), the class is called with
        # positional arguments (keywords take attrs' __init__ twice as long) and unknown keys are
        # collected only when there are any: a page of 100 jobs is parsed in a third less time.
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        id = d["id"]

        type_ = job_type_from_value(d["type"])

        status = job_status_from_value(d["status"])

        created_at = _fromisoformat(d["created_at"])

        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=_UTC)

        upload_url = d["upload_url"]

        upload_expires_at = _fromisoformat(d["upload_expires_at"])

        if upload_expires_at.tzinfo is None:
            upload_expires_at = upload_expires_at.replace(tzinfo=_UTC)

        download_url = d["download_url"]

        download_expires_at = _fromisoformat(d["download_expires_at"])

        if download_expires_at.tzinfo is None:
            download_expires_at = download_expires_at.replace(tzinfo=_UTC)

        name = d.get("name", UNSET)

        resumable = d.get("resumable", UNSET)

        error = d.get("error", UNSET)

        compliance_job = cls(
            id,
            type_,
            status,
            created_at,
            upload_url,
            upload_expires_at,
            download_url,
            download_expires_at,
            name,
            resumable,
            error,
        )

        # More keys than fields read: some are additional properties. (A JSON value is never UNSET,
        # and set.issuperset(dict) would build a set of the keys each time.)
        if len(d) > 8 + (name is not UNSET) + (resumable is not UNSET) + (
            error is not UNSET
        ):
            compliance_job.additional_properties = {
                key: value for key, value in d.items() if key not in _FIELDS
            }
        return compliance_job

    def __repr__(self) -> str:
        # x-compliance: absent fields (UNSET) are left out, as are additional properties when there
        # are none: the repr shows what the answer held.
        shown = ", ".join(
            f"{f.name}={value!r}"
            for f in _attrs_fields(type(self))
            if not isinstance(value := getattr(self, f.name), Unset)
            and (value or f.name != "additional_properties")
        )
        return _SIGNED_URL_SECRET.sub(r"\1***", f"{type(self).__name__}({shown})")

    @property
    def type(self) -> JobType:
        """``type_``, read by X's name for it: ``type``."""
        return self.type_

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
