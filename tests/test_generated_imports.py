"""The generated models import the models they refer to once, at the end of the module, so that
parsing runs no import statement."""

from __future__ import annotations

import dis
import inspect

import pytest

import x_compliance_api.models as generated_models

MODELS = [
    model
    for name in generated_models.__all__
    if inspect.isclass(model := getattr(generated_models, name)) and hasattr(model, "from_dict")
]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_parsing_and_serialising_run_no_import_statement(model: type) -> None:
    # A relative import in a method runs importlib's Python code on every call: 1.3 us a time, on
    # a path that runs once per job of a page.
    for method in (model.from_dict, model.to_dict):
        imports = [i.argval for i in dis.get_instructions(method) if i.opname == "IMPORT_NAME"]

        assert imports == [], f"{model.__name__}.{method.__name__} imports {imports}"
