"""Writes the contract with every open enum spelled as `anyOf` of the enum and `string`.

    python spec/tools/open_enums.py spec/compliance.yaml OUT.json

For generators that read `enum` as closed and have no option to keep an unknown value (openapi-
generator's Go client among them; see spec/PROTOCOL.md, "Open enums"). Each schema marked
`x-speakeasy-unknown-values: allow` becomes `anyOf: [{type: string, enum: [...]}, {type: string}]`;
a value X adds later then matches the second branch and keeps its raw string. The contract itself
keeps the plain `enum`, from which this project's own generator makes open Python enums.
Needs PyYAML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

OPEN_ENUM = "x-speakeasy-unknown-values"


def open_enums(spec: dict[str, Any]) -> dict[str, Any]:
    """SPEC with each marked enum schema rewritten in place as `anyOf` of itself and `string`."""
    for schema in spec.get("components", {}).get("schemas", {}).values():
        if schema.get(OPEN_ENUM) == "allow" and "enum" in schema:
            known = {"type": schema.pop("type", "string"), "enum": schema.pop("enum")}
            schema["anyOf"] = [known, {"type": "string"}]
    return spec


def main(argv: list[str]) -> None:
    source, target = argv
    spec = open_enums(yaml.safe_load(Path(source).read_text()))
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(json.dumps(spec, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
