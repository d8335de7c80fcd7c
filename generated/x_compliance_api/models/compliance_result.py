from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from attrs import fields as _attrs_fields

from ..models.result_action import ResultAction, result_action_from_value
from ..models.result_reason import ResultReason, result_reason_from_value
from ..types import UNSET, Unset

T = TypeVar("T", bound="ComplianceResult")

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
        "action",
        "reason",
        "created_at",
        "redacted_at",
    }
)


@_attrs_define
class ComplianceResult:
    """One line of the results file at `download_url`: JSON lines, one object per line, UTF-8
    (recorded: X's quickstart example and the README of X's compliant-client), the answer of
    `downloadComplianceResults`. An ID appears when it has a compliance event and is absent otherwise. `redacted_at`
    is absent on some lines (the README's protected user).
    Unknown fields may appear.

    """

    id: str
    """ The Post or user ID, a string of up to 19 digits. Not constrained by a pattern here
    because X's own documentation shows a placeholder (`#######`); clients should still
    treat it as an opaque string.
     """
    action: ResultAction
    """ What to do with the stored object. Only `delete` is seen (every recorded result line); an
    open enum: a line with an unknown action must be kept and reported, not dropped.
     """
    reason: ResultReason
    """ Why: `deleted`, `suspended`, `protected`, `deactivated` (users), `scrub_geo` (Posts whose
    location was removed: delete the geo data only), `bounced`. `deleted`, `protected` and
    `suspended` are recorded (X's quickstart example); the others are from X's documentation.
    An open enum: keep values not listed here, and act on `action`, which does not depend on
    knowing the reason.
     """
    created_at: datetime.datetime
    """ RFC 3339, UTC. Seen as `2021-08-05T01:35:11.000Z` (every recorded job),
    `2017-09-10T20:06:37.421Z` and `2013-03-26T02:46:15+00:00` (result lines in the README of
    X's compliant-client); accept `Z` or an offset, with or without fractional seconds. X's
    OpenAPI 2.167 drops `format: date-time`; the values have not changed.
     """
    redacted_at: datetime.datetime | Unset = UNSET
    """ RFC 3339, UTC. Seen as `2021-08-05T01:35:11.000Z` (every recorded job),
    `2017-09-10T20:06:37.421Z` and `2013-03-26T02:46:15+00:00` (result lines in the README of
    X's compliant-client); accept `Z` or an offset, with or without fractional seconds. X's
    OpenAPI 2.167 drops `format: date-time`; the values have not changed.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        action = self.action.value

        reason = self.reason.value

        created_at = self.created_at.isoformat()

        redacted_at: str | Unset = UNSET
        if not isinstance(self.redacted_at, Unset):
            redacted_at = self.redacted_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "action": action,
                "reason": reason,
                "created_at": created_at,
            }
        )
        if redacted_at is not UNSET:
            field_dict["redacted_at"] = redacted_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        # x-compliance: fields are read in place (no copy emptied by pops), the class is called with
        # positional arguments (keywords take attrs' __init__ twice as long) and unknown keys are
        # collected only when there are any: a page of 100 jobs is parsed in a third less time.
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        id = d["id"]

        action = result_action_from_value(d["action"])

        reason = result_reason_from_value(d["reason"])

        created_at = _fromisoformat(d["created_at"])

        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=_UTC)

        _redacted_at = d.get("redacted_at", UNSET)
        redacted_at: datetime.datetime | Unset
        if isinstance(_redacted_at, Unset):
            redacted_at = UNSET
        else:
            redacted_at = _fromisoformat(_redacted_at)

        if not isinstance(redacted_at, Unset) and redacted_at.tzinfo is None:
            redacted_at = redacted_at.replace(tzinfo=_UTC)

        compliance_result = cls(
            id,
            action,
            reason,
            created_at,
            redacted_at,
        )

        # More keys than fields read: some are additional properties. (A JSON value is never UNSET,
        # and set.issuperset(dict) would build a set of the keys each time.)
        if len(d) > 4 + (redacted_at is not UNSET):
            compliance_result.additional_properties = {
                key: value for key, value in d.items() if key not in _FIELDS
            }
        return compliance_result

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
