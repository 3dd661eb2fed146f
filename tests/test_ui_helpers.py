"""The core's shared page pieces: the generated settings form and running an action."""

from __future__ import annotations

from pydantic import BaseModel, Field
from streamlit.testing.v1 import AppTest

from command_center.ui.forms import bounds


class Rules(BaseModel):
    months: int = Field(12, ge=1, le=120)
    cutoff: float = Field(0.8, gt=0.0, le=1.0)
    strict: bool = False


def test_bounds_come_from_the_model() -> None:
    assert bounds(Rules, "months") == (1, 120)
    assert bounds(Rules, "cutoff") == (0.0, 1.0)
    assert bounds(Rules, "strict") == (None, None)


def _settings_page() -> None:
    import streamlit as st
    from pydantic import BaseModel, Field

    from command_center.ui.forms import settings_form

    class Rules(BaseModel):
        months: int = Field(12, ge=1, le=120)
        cutoff: float = Field(0.8, gt=0.0, le=1.0)
        strict: bool = False
        reasons: list[str] = ["price"]

    labels = {"months": "Months", "cutoff": "Cut-off", "strict": "Strict", "reasons": "Reasons"}
    chosen = settings_form("rules", Rules(), labels, [("Rules", list(labels))], "Save")
    if chosen is not None:
        st.write(f"saved {chosen.months} {chosen.cutoff} {chosen.strict} {chosen.reasons}")


def test_settings_form_draws_each_field_and_returns_the_validated_model() -> None:
    at = AppTest.from_function(_settings_page).run()
    assert [n.label for n in at.number_input] == ["Months", "Cut-off"]
    assert at.number_input[0].min == 1 and at.number_input[0].max == 120
    at.number_input[0].set_value(24)
    at.checkbox[0].check()
    at.text_area[0].input("price\n\n timing ")
    at.button[0].click().run()
    assert not at.exception
    assert any("saved 24 0.8 True ['price', 'timing']" in m.value for m in at.markdown)


def test_settings_form_refuses_what_the_model_refuses() -> None:
    at = AppTest.from_function(_settings_page).run()
    at.number_input[1].set_value(0.0)  # the widget allows 0, the model says gt=0
    at.button[0].click().run()
    assert at.error and "Cut-off" in at.error[0].value
    assert not any("saved" in m.value for m in at.markdown)


def _action_page() -> None:
    import streamlit as st

    from command_center.ui.actions import run_action, show_flash

    class Refused(ValueError): ...

    show_flash()

    def refuse() -> None:
        raise Refused("no, because")

    if st.button("Good"):
        run_action(lambda: 41 + 1, lambda n: f"done {n}", Refused, str)
    if st.button("Bad"):
        run_action(refuse, lambda _: "never", Refused, lambda e: f"refused: {e}")


def test_run_action_confirms_after_the_rerun_and_explains_refusals() -> None:
    at = AppTest.from_function(_action_page).run()
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["done 42"]
    at.run()
    assert not at.success  # shown once
    at.button[1].click().run()
    assert [e.value for e in at.error] == ["refused: no, because"]
