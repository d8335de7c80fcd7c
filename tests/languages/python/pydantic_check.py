"""The pydantic check of `make languages`: models from datamodel-code-generator (generated into
.scratch/ by tests/languages/run.py with --ignore-enum-constraints, which keeps an enum's raw string).

    python pydantic_check.py MODELS.py REAL_RESPONSES_DIR CASES_JSON
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from checks import Target, run

models_path, real_responses, cases = (Path(arg) for arg in sys.argv[1:4])
spec = importlib.util.spec_from_file_location("compliance_models", models_path)
assert spec is not None and spec.loader is not None
models = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = models  # pydantic resolves the generated generics through it
spec.loader.exec_module(models)


def root(value: Any) -> Any:
    """A RootModel's value (an enum or timestamp schema becomes one), or the value itself."""
    return getattr(value, "root", value)


def epoch_ms(value: Any) -> int:
    moment: datetime = root(value)
    return round(moment.timestamp() * 1000)


run(
    Target(
        parse=lambda name, body: getattr(models, name).model_validate(body),
        extra=lambda model, key: (model.model_extra or {}).get(key),
        text=lambda value: str(root(value)),
        absent=lambda value: value is None,
        epoch_ms=epoch_ms,
    ),
    real_responses,
    cases,
)
