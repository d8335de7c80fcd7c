"""The check of this project's own client in `make languages`: the openapi-python-client package
(`make generate`, generated/x_compliance_api), whose enums this project's template makes open.

    python client_check.py REAL_RESPONSES_DIR CASES_JSON
"""

from __future__ import annotations

import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from checks import Target, run

from x_compliance_api import models
from x_compliance_api.types import Unset

real_responses, cases = (Path(arg) for arg in sys.argv[1:3])


def epoch_ms(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def text(value: Any) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


run(
    Target(
        parse=lambda name, body: getattr(models, name).from_dict(body),
        extra=lambda model, key: model.additional_properties.get(key),
        text=text,
        absent=lambda value: isinstance(value, Unset),
        epoch_ms=epoch_ms,
    ),
    real_responses,
    cases,
)
