from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from attrs import fields as _attrs_fields

from ..models.job_type import JobType, job_type_from_value
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateComplianceJobRequest")

# x-compliance: signed storage URLs carry their credential in the query; repr() never shows it.
_SIGNED_URL_SECRET = re.compile(
    r"((?:X-Goog-Signature|upload_id)=)[^&\s'\"]+", re.IGNORECASE
)

# x-compliance: the keys from_dict reads into fields; any other key is an additional property.
_FIELDS: frozenset[str] = frozenset(
    {
        "type",
        "name",
        "resumable",
    }
)


@_attrs_define
class CreateComplianceJobRequest:
    """The body of a create request."""

    type_: JobType
    """ What the job checks: Post IDs (`tweets`) or user IDs (`users`). An open enum: send only
    the values listed here, but accept and keep any value in a response.
     """
    name: str | Unset = UNSET
    """ A name to recognise the job by later, up to 64 characters. """
    resumable: bool | Unset = UNSET
    """ Ask for an `upload_url` that speaks Cloud Storage's resumable protocol; absent means
    `false`. Declared without a `default`, which openapi-typescript would turn into a
    required request field.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        name = self.name

        resumable = self.resumable

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if resumable is not UNSET:
            field_dict["resumable"] = resumable

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        # x-compliance: fields are read in place (no copy emptied by pops), the class is called with
        # positional arguments (keywords take attrs' __init__ twice as long) and unknown keys are
        # collected only when there are any: a page of 100 jobs is parsed in a third less time.
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        type_ = job_type_from_value(d["type"])

        name = d.get("name", UNSET)

        resumable = d.get("resumable", UNSET)

        create_compliance_job_request = cls(
            type_,
            name,
            resumable,
        )

        # More keys than fields read: some are additional properties. (A JSON value is never UNSET,
        # and set.issuperset(dict) would build a set of the keys each time.)
        if len(d) > 1 + (name is not UNSET) + (resumable is not UNSET):
            create_compliance_job_request.additional_properties = {
                key: value for key, value in d.items() if key not in _FIELDS
            }
        return create_compliance_job_request

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
