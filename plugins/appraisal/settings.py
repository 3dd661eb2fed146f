"""The company's appraisal policy: values, formula weights, 271 guideline, results applied.

Read with ``command_center.plugin_settings.load_settings(engine, "appraisal",
AppraisalSettings)``; every field is documented in ``docs/appraisal.md``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

PLUGIN = "appraisal"
RATINGS: tuple[str, ...] = ("exceeds", "meets", "below")
DEFAULT_VALUES: tuple[str, ...] = (
    "customer_first",
    "teamwork",
    "embrace_change",
    "integrity",
    "passion",
    "dedication",
)
DEFAULT_STEPS = "120:120, 100:100, 80:80, 60:60"
EPS = 1e-6


class AppraisalSettings(BaseModel):
    """Every number a company may change; defaults follow common Iron Army practice."""

    values: list[str] = Field(default_factory=lambda: list(DEFAULT_VALUES), min_length=1)
    # monthly final score = results_weight x results + values_weight x values (in points)
    results_weight: float = Field(0.7, ge=0, le=1)
    values_weight: float = Field(0.3, ge=0, le=1)
    judgement_range: float = Field(10.0, ge=0, le=50)
    max_points: float = Field(150.0, gt=0)
    # annual final score = weights x (mean monthly final, ability points, attitude points)
    annual_results_weight: float = Field(0.6, ge=0, le=1)
    ability_weight: float = Field(0.2, ge=0, le=1)
    attitude_weight: float = Field(0.2, ge=0, le=1)
    # proposed rating from the final score
    exceeds_from: float = Field(100.0, ge=0)
    below_under: float = Field(75.0, ge=0)
    # the 271 guideline and its tolerance (share points) per team
    share_exceeds: float = Field(0.2, ge=0, le=1)
    share_meets: float = Field(0.7, ge=0, le=1)
    share_below: float = Field(0.1, ge=0, le=1)
    tolerance: float = Field(0.1, ge=0, le=1)
    # the results x values grid
    results_high: float = Field(100.0, ge=0)
    results_low: float = Field(80.0, ge=0)
    values_high: float = Field(4.0, ge=1, le=5)
    values_low: float = Field(3.0, ge=1, le=5)
    # results applied
    multiplier_exceeds: float = Field(1.5, ge=0, le=10)
    multiplier_meets: float = Field(1.0, ge=0, le=10)
    multiplier_below: float = Field(0.5, ge=0, le=10)
    raise_exceeds: float = Field(0.08, ge=0, le=1)
    raise_meets: float = Field(0.04, ge=0, le=1)
    raise_below: float = Field(0.0, ge=0, le=1)
    training_under: float = Field(80.0, ge=0)
    # a new KPI line's defaults
    default_ceiling: float = Field(1.2, ge=1, le=5)
    default_steps: str = DEFAULT_STEPS

    @model_validator(mode="after")
    def _sums(self) -> AppraisalSettings:
        if abs(self.results_weight + self.values_weight - 1) > EPS:
            raise ValueError("results_weight + values_weight must be 1")
        annual = self.annual_results_weight + self.ability_weight + self.attitude_weight
        if abs(annual - 1) > EPS:
            raise ValueError("annual_results_weight + ability_weight + attitude_weight must be 1")
        if abs(self.share_exceeds + self.share_meets + self.share_below - 1) > EPS:
            raise ValueError("share_exceeds + share_meets + share_below must be 1")
        if self.below_under > self.exceeds_from:
            raise ValueError("below_under must not exceed exceeds_from")
        if self.results_low > self.results_high or self.values_low > self.values_high:
            raise ValueError("a grid's low threshold must not exceed its high one")
        keys = [v.strip() for v in self.values]
        if any(not k for k in keys) or len(set(keys)) != len(keys):
            raise ValueError("values must be distinct and not empty")
        self.values = keys
        from plugins.appraisal.logic.steps import parse_steps  # logic imports this module

        try:
            parse_steps(self.default_steps)
        except ValueError:
            raise ValueError(f"default_steps: cannot read {self.default_steps!r}") from None
        return self

    @property
    def shares(self) -> dict[str, float]:
        return {"exceeds": self.share_exceeds, "meets": self.share_meets, "below": self.share_below}

    @property
    def multipliers(self) -> dict[str, float]:
        return {
            "exceeds": self.multiplier_exceeds,
            "meets": self.multiplier_meets,
            "below": self.multiplier_below,
        }

    @property
    def raises(self) -> dict[str, float]:
        return {"exceeds": self.raise_exceeds, "meets": self.raise_meets, "below": self.raise_below}
