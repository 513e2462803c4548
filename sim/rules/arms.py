"""The arms race on the defence burden (Richardson 1960), in logit space.

The burden s = milex / gdp is each actor's decision.  It lives in (s_min, s_max)
through s = s_min + (s_max - s_min) logistic(z) and the logit z moves by the
discrete Richardson form dz = dt [k (ins - tol) - fatigue (s / s_ref - 1) + g]:
reaction to insecurity above tolerance, fatigue pulling back to the reference
burden, grievance.  tol is the starting insecurity, so the start is an equilibrium
unless the scenario gives a documented trend (s_ref moving to a target by a date).
Capability is a perpetual-inventory stock K <- K e^(-delta dt) + inputs
(1 - e^(-delta dt)) / delta, exact for inputs held over the step.
"""

from __future__ import annotations

import numpy as np

from .common import sigmoid, sum_last, sum_second_last


def burden_from_logit(z, floor, ceiling):
    """s = s_min + (s_max - s_min) logistic(z)."""
    return floor + (ceiling - floor) * sigmoid(z)


def logit_from_burden(s, floor, ceiling):
    """Inverse of burden_from_logit (s must lie strictly inside the range)."""
    u = (s - floor) / (ceiling - floor)
    return np.log(u) - np.log1p(-u)


def burden_logit_step(
    z, burden, reference_burden, insecurity, tolerance, threat_sensitivity, fatigue, grievance, dt
):
    """One Richardson step of the burden logit; all arrays (..., N)."""
    drive = (
        threat_sensitivity * (insecurity - tolerance)
        - fatigue * (burden / reference_burden - 1.0)
        + grievance
    )
    return z + dt * drive


def capability_inflow(milex, ppp_factor, munitions, transfers, absorbed, absorptive_capacity):
    """Inputs to each capability stock, USD bn per year, (..., N).

    Own spending at military purchasing power, less munitions supplied to patrons
    (munitions[..., p, c], by client c) and arms given away (transfers[..., i, j], by
    donor i), plus what the actor absorbs (its absorptive capacity eta) of arms
    received and of transferred technology leaving the pipeline (``absorbed``).
    """
    return (
        ppp_factor * milex
        - sum_second_last(munitions)
        - sum_last(transfers)
        + absorptive_capacity * (sum_second_last(transfers) + absorbed)
    )


def capability_step(capability, inflow, depreciation, dt):
    """K <- K e^(-delta dt) + inflow (1 - e^(-delta dt)) / delta (USD bn)."""
    keep = np.exp(-depreciation * dt)
    return capability * keep + inflow * (-np.expm1(-depreciation * dt)) / depreciation
