"""Reading a plan document: strict YAML, and pydantic's errors as :class:`Issue` paths.

``Issue.path`` reads the way a person reads the document
(``components[0].tiers[1].rate``); messages are translated at display time.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from plugins.incentives.errors import Issue, PlanInvalid

# the built-ins
COMPONENT_TYPES = ("tiered", "rate", "override", "bonus", "pool", "product_rate", "spiff")


def path_text(loc: tuple[int | str, ...]) -> str:
    """``('components', 0, 'tiers', 1, 'rate')`` -> ``components[0].tiers[1].rate``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean_loc(
    loc: tuple[int | str, ...], types: tuple[str, ...] = COMPONENT_TYPES
) -> tuple[int | str, ...]:
    """Drop the union tag pydantic puts after ``components[i]``; aliases as written."""
    out: list[int | str] = []
    for i, part in enumerate(loc):
        after_component = i > 1 and loc[i - 2] == "components" and isinstance(loc[i - 1], int)
        if after_component and part in types:
            continue
        out.append("from" if part == "lo" else part)
    return tuple(out)


_PYDANTIC_CODES = {
    "missing": "missing",
    "extra_forbidden": "unknown_key",
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "float_parsing": "number",
    "float_type": "number",
    "int_parsing": "integer",
    "int_type": "integer",
    "int_from_float": "integer",
    "bool_parsing": "boolean",
    "bool_type": "boolean",
    "string_type": "text",
    "list_type": "list",
    "model_type": "mapping",
    "dict_type": "mapping",
    "model_attributes_type": "mapping",
    "too_short": "too_short",
    "too_long": "too_long",
    "string_too_long": "too_long_text",
    "string_too_short": "missing",
    "literal_error": "choice",
    "string_pattern_mismatch": "pattern",
}


def from_pydantic(exc: ValidationError, types: tuple[str, ...] = COMPONENT_TYPES) -> list[Issue]:
    """pydantic's errors as issues; ``types``: the component types allowed."""
    issues = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]), types)
        kind = err["type"]
        ctx = {
            k: (int(v) if isinstance(v, float) and v.is_integer() else v)
            for k, v in (err.get("ctx") or {}).items()
            if isinstance(v, str | int | float)
        }
        if kind in ("union_tag_not_found", "union_tag_invalid"):
            tag = (err.get("ctx") or {}).get("tag")
            params = {"types": ", ".join(types), "type": str(tag)}
            code = "unknown_type" if kind == "union_tag_invalid" else "component_type"
            issues.append(Issue(path_text((*loc, "type")), code, params, err["msg"]))
            continue
        if kind == "string_pattern_mismatch" and loc and loc[-1] == "name":
            issues.append(Issue(path_text(loc), "name_pattern", {}, err["msg"]))
            continue
        code = _PYDANTIC_CODES.get(kind, "invalid")
        issues.append(Issue(path_text(loc), code, ctx, err["msg"]))
    return issues


# -- YAML -------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = {"line": mark.line + 1, "column": mark.column + 1} if mark else {}
        raise PlanInvalid(
            [Issue("", "yaml" if mark else "yaml_plain", {**where, "problem": problem}, str(exc))]
        ) from None
