from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from attrs import fields as _attrs_fields

from ..models.job_type import JobType
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateComplianceJobRequest")

# x-compliance: signed storage URLs carry their credential in the query; repr() never shows it.
_SIGNED_URL_SECRET = re.compile(
    r"((?:X-Goog-Signature|upload_id)=)[^&\s'\"]+", re.IGNORECASE
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
    resumable: bool | Unset = False
    """ Ask for an `upload_url` that speaks Cloud Storage's resumable protocol. """
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
        d = dict(src_dict)
        type_ = JobType.from_value(d.pop("type"))

        name = d.pop("name", UNSET)

        resumable = d.pop("resumable", UNSET)

        create_compliance_job_request = cls(
            type_=type_,
            name=name,
            resumable=resumable,
        )

        create_compliance_job_request.additional_properties = d
        return create_compliance_job_request

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}" for f in _attrs_fields(type(self))
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
