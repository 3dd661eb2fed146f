"""A settings form generated from the pydantic model: one input per field, bounded as the model.

>>> chosen = settings_form("customers_settings", current, labels, groups, save_label)
>>> if chosen is not None:
...     save_rules(ctx.engine, ctx.viewer, chosen, ctx.actor)

Integers and floats become number inputs bounded by the field's ``ge``/``le``
(``gt``/``lt``), booleans checkboxes, ``Literal`` fields select boxes, lists
of text a text area (one value per line), other fields text inputs. On
submit the values are validated by the model itself; a refusal names the
fields in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar, get_args, get_origin

import streamlit as st
from pydantic import BaseModel, ValidationError

from command_center.i18n import labels_now, t

M = TypeVar("M", bound=BaseModel)


def bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The inclusive-or-strict lower and upper bound of a numeric field (None: unbounded)."""
    low = high = None
    for rule in model.model_fields[name].metadata:  # annotated-types' Ge, Gt, Le, Lt
        low = _limit(rule, "ge", "gt", low)
        high = _limit(rule, "le", "lt", high)
    return low, high


def _limit(rule: object, inclusive: str, strict: str, found: float | None) -> float | None:
    for attr in (inclusive, strict):
        value = getattr(rule, attr, None)
        if value is not None:
            return float(value)
    return found


def _input(where: Any, model: type[BaseModel], name: str, label: str, value: Any, key: str) -> Any:
    annotation = model.model_fields[name].annotation
    if annotation is bool:
        return where.checkbox(label, value=bool(value), key=key)
    if get_origin(annotation) in (list, tuple) and get_args(annotation)[:1] == (str,):
        lines = where.text_area(label, value="\n".join(value), key=key)
        return [line.strip() for line in lines.splitlines() if line.strip()]
    if get_origin(annotation) is Literal:
        options = list(get_args(annotation))
        return where.selectbox(
            label,
            options,
            index=options.index(value),
            key=key,
            format_func=labels_now(options, str),
        )
    if annotation in (int, float):
        low, high = bounds(model, name)
        kind = int if annotation is int else float
        return where.number_input(
            label,
            min_value=None if low is None else kind(low),
            max_value=None if high is None else kind(high),
            value=kind(value),
            step=1 if kind is int else 0.01,
            key=key,
        )
    return where.text_input(label, value="" if value is None else str(value), key=key)


def settings_form(
    key: str,
    current: M,
    labels: Mapping[str, str],
    groups: Sequence[tuple[str, Sequence[str]]],
    submit: str,
    columns: int = 3,
    invalid: str | None = None,
) -> M | None:
    """Draw ``current``'s fields in ``groups`` (heading, field names); the validated
    model when submitted and valid, else None. A refusal is shown: ``invalid`` when
    given (e.g. a rule across fields), else the fields the model refused."""
    model = type(current)
    values: dict[str, Any] = {}
    with st.form(key):
        for heading, names in groups:
            st.markdown(f"**{heading}**")
            for start in range(0, len(names), columns):
                row = names[start : start + columns]
                for where, name in zip(st.columns(columns), row, strict=False):
                    values[name] = _input(
                        where, model, name, labels[name], getattr(current, name), f"{key}_{name}"
                    )
        submitted = st.form_submit_button(submit, type="primary")
    if not submitted:
        return None
    try:
        return model.model_validate({**current.model_dump(), **values})
    except ValidationError as refused:
        if invalid is not None:
            st.error(invalid)
            return None
        fields = sorted({str(error["loc"][0]) for error in refused.errors() if error["loc"]})
        names = ", ".join(labels.get(name, name) for name in fields)
        st.error(t("ui.settings_invalid", fields=names or "—"))
        return None
