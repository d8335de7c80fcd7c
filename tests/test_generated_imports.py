"""How the generated models import the models they refer to: once, at the end of the module, so
that parsing runs no import statement, and in an order that lets models refer to each other."""

from __future__ import annotations

import dis
import inspect
import pkgutil
import subprocess
import sys

import pytest

import x_compliance_api.models as generated_models

MODULES = sorted(f"x_compliance_api.models.{m.name}" for m in pkgutil.iter_modules(generated_models.__path__))
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


def test_every_model_module_imports_first_in_a_fresh_interpreter() -> None:
    # Each module imported first, from nothing: the imports at the end of a module must work
    # whichever model is loaded first.
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('x_compliance_api')]:\n"
        "        del sys.modules[loaded]\n"
        "    module = importlib.import_module(name)\n"
        "    assert module.__name__ == name\n"
        "print(len(" + repr(MODULES) + "))\n"
    )

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(MODULES)) and len(MODULES) >= 10
