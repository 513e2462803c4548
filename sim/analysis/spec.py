"""The schema of sweep and sensitivity files (``docs/sweeps.md``).

A sweep file names a base scenario, parameters by the scenario path syntax, how to
sample them (``grid``, ``random``, ``lhs``, or ``sobol`` and ``morris`` for
:mod:`.sensitivity`), replications per point, the root seed and the measures to
keep.  :class:`SweepSpec` is its validated form; :class:`ParamSpec` says how one
parameter varies.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..scenario.base import numbers_not_bools
from ..scenario.paths import overlapping


class _Frozen(BaseModel):
    """Unknown keys are errors, numbers are finite, and true/false is not a number."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, data: Any) -> Any:
        return numbers_not_bools(cls, data)


class ParamSpec(_Frozen):
    """How one parameter varies: ``values``, ``range`` with ``steps``, or a distribution.

    Values and bounds are in the unit of the parameter the path names (``geosim
    params``).  ``mean`` and ``sd`` give a ``normal`` distribution; ``range`` bounds
    a ``uniform`` or ``loguniform`` one (low > 0).
    """

    values: list[Any] | None = Field(None, description="Explicit values (any method).")
    range: tuple[float, float] | None = Field(None, description="[low, high] bounds.")
    steps: Annotated[int, Field(ge=2, le=10_000)] | None = Field(
        None, description="Grid points over the range (grid)."
    )
    distribution: Literal["uniform", "loguniform", "normal"] = Field(
        "uniform", description="For random and lhs: how to draw within the range."
    )
    mean: float | None = None
    sd: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> ParamSpec:
        if self.values is not None and not self.values:
            raise ValueError("values: [] gives no point: list at least one value")
        if self.values is None and self.range is None and self.mean is None:
            raise ValueError(
                "give values: [...], range: [low, high] (with steps: for a grid), "
                "or distribution: normal with mean: and sd:"
            )
        if self.values is not None and self.range is not None:
            raise ValueError("give either values or range, not both")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError("range must be [low, high] with low < high")
        if self.distribution == "loguniform" and self.range is not None and self.range[0] <= 0:
            raise ValueError("a loguniform range needs low > 0")
        if self.distribution == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs mean: and sd:")
        return self


class SweepSpec(_Frozen):
    """A sweep or sensitivity file, validated (its keys are described in ``docs/sweeps.md``).

    ``parameters`` maps scenario paths to :class:`ParamSpec`; ``measures`` use the
    measure syntax ``name[.A[.B]]:reducer`` (one value per run), ``trajectories``
    ``name[.A[.B]]`` (every step).  Each method has its needs: ``random``, ``lhs``,
    ``sobol`` and ``morris`` take ``samples`` (a power of 2 for Sobol), grid parameters
    need ``values:`` or ``range:`` with ``steps:``, Sobol and Morris ones ``range:``.
    """

    schema_version: Literal[1]
    kind: Literal["sweep"] = "sweep"
    name: str
    description: str | None = None
    base: str = Field(description="Base scenario, relative to the sweep file.")
    method: Literal["grid", "random", "lhs", "sobol", "morris"] = "grid"
    samples: Annotated[int, Field(ge=1, le=10_000_000)] | None = Field(
        None, description="Points to draw (random, lhs) or base sample size (sobol, morris)."
    )
    replications: Annotated[int, Field(ge=1, le=100_000)] = 10
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = Field(
        None, description="Root seed (default: the base scenario's)."
    )
    sample_seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(
        0, description="Seed of the sampler (random, lhs, sobol, morris)."
    )
    parameters: dict[str, ParamSpec]
    groups: dict[str, str] | None = Field(
        None, description="Morris/Sobol groups: parameter path -> group name."
    )
    measures: list[str] = Field(min_length=1, description="Reduced per run: name[.A[.B]]:reducer")
    trajectories: list[str] = Field(default_factory=list, description="Kept step by step.")
    levels: Annotated[int, Field(ge=2, le=32)] = Field(4, description="Morris grid levels.")
    second_order: bool = Field(False, description="Sobol: also S2.")
    out: str = Field("results", description="Output root, relative to the working directory.")

    @field_validator("parameters")
    @classmethod
    def _one_spelling(cls, parameters: dict[str, ParamSpec]) -> dict[str, ParamSpec]:
        """Two spellings of one value (``dyads.A-B.f``, ``dyads.B-A.f``) are an error."""
        pairs = overlapping(list(parameters))
        if pairs:
            earlier, later = pairs[0]
            raise ValueError(
                f"{later} names the same value as {earlier}: a point would set it twice "
                "and keep only one"
            )
        return parameters

    @model_validator(mode="after")
    def _method_needs(self) -> SweepSpec:
        if not self.parameters:
            raise ValueError("a sweep needs at least one parameter")
        if self.method in ("random", "lhs", "sobol", "morris") and self.samples is None:
            raise ValueError(f"method {self.method} needs samples:")
        if (
            self.method == "sobol"
            and self.samples is not None
            and self.samples & (self.samples - 1)
        ):
            raise ValueError("sobol samples must be a power of 2 (e.g. 256)")
        for path, p in self.parameters.items():
            if self.method == "grid" and p.values is None and p.steps is None:
                raise ValueError(f"grid parameter {path} needs values: or range: with steps:")
            if self.method in ("sobol", "morris") and p.range is None:
                raise ValueError(f"{self.method} parameter {path} needs range: [low, high]")
        return self


class PriorSpec(_Frozen):
    """A calibrated parameter's prior: uniform (or log-uniform) over ``range``.

    In the unit of the parameter the path names (``geosim params``), inside its range.
    """

    range: tuple[float, float] = Field(description="[low, high] bounds of the prior.")
    distribution: Literal["uniform", "loguniform"] = Field(
        "uniform", description="uniform, or loguniform (low > 0)."
    )
    note: str | None = Field(None, description="Why this parameter, and why this range.")

    @model_validator(mode="after")
    def _bounds(self) -> PriorSpec:
        if not self.range[0] < self.range[1]:
            raise ValueError("range must be [low, high] with low < high")
        if self.distribution == "loguniform" and self.range[0] <= 0:
            raise ValueError("a loguniform range needs low > 0")
        return self


class CalibrationSpec(_Frozen):
    """A calibration file, validated (its keys are described in ``docs/validation.md``).

    ``parameters`` maps scenario paths to :class:`PriorSpec`; the base scenario's
    observations inside ``window`` are fitted by ABC-SMC (pyabc).
    """

    schema_version: Literal[1]
    kind: Literal["calibration"]
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="Names the results folder.")
    description: str | None = None
    base: str = Field(description="Base scenario with observations, relative to this file.")
    window: str = Field("calibration", description="The base's observation window to fit.")
    measures: list[str] | None = Field(
        None, description="Observed measures to fit (default: every one in the window)."
    )
    summaries: Literal["yearly", "as_observed"] = Field(
        "yearly",
        description="Summary statistics: observations of less than a year gathered by "
        "calendar year (sums of counts, means of levels), or each as observed.",
    )
    parameters: dict[str, PriorSpec] = Field(min_length=1)
    population: Annotated[int, Field(ge=10, le=100_000)] = Field(
        200, description="Particles per generation."
    )
    generations: Annotated[int, Field(ge=1, le=100)] = Field(
        8, description="Most generations (populations) of the SMC."
    )
    min_acceptance: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.02, description="Stop once a generation accepts fewer proposals than this."
    )
    seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(
        0, description="Seed of pyabc's draws and of every run's seed."
    )
    replications: Annotated[int, Field(ge=2, le=10_000)] | None = Field(
        None,
        description="Runs per scored scenario (default: the base's replications); the "
        "posterior predictive draws as many particles.",
    )
    out: str = Field("results", description="Output root, relative to the working directory.")
