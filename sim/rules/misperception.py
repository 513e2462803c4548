"""Persistent misperception of threat (Jervis 1976, *Perception and Misperception*).

Each perceiver i misreads the threat from each j by a mean-one factor
m_ij = e^(x_ij - s_i^2 / 2), where the log error x_ij is an AR(1) process with
stationary distribution N(0, s_i^2): x' = k x + s_i sqrt(1 - k^2) e, with
k = e^(-dt / p) for a persistence time p (years) and e a standard normal draw.  The
exact discretisation of an Ornstein-Uhlenbeck process, so that the stationary
spread does not depend on the step length; the diagonal (self-perception) is zero.
"""

from __future__ import annotations

from .common import decay_factor, namespace, off_diagonal_weights


def stationary(sd, normals):
    """Log errors x[..., i, j] = s_i e_ij drawn from the stationary distribution.

    Parameters
    ----------
    sd : (..., N, 1) spread s_i of each perceiver's log error.
    normals : (..., N, N) standard normal draws e_ij.

    Returns
    -------
    (..., N, N) log errors, zero on the diagonal.
    """
    return sd * normals * off_diagonal_weights(normals.shape[-1], like=normals)


def step(log_error, sd, normals, persistence, dt):
    """One exact AR(1) step of the log errors: k x + s sqrt(1 - k^2) e, k = e^(-dt/p).

    Parameters
    ----------
    log_error : (..., N, N) log errors x at t.
    sd : (..., N, 1) stationary spread s_i.
    normals : (..., N, N) standard normal draws for the step.
    persistence : persistence time p (years), broadcastable to (..., 1, 1).
    dt : step length (years).
    """
    xp = namespace(log_error, sd, normals, persistence)
    keep = decay_factor(dt, persistence)
    return keep * log_error + sd * xp.sqrt(1.0 - keep**2) * normals


def factor(log_error, sd):
    """The mean-one multiplicative misperception e^(x - s^2 / 2), (..., N, N).

    Parameters
    ----------
    log_error : array_like
        (..., N, N) log errors x.
    sd : array_like
        (..., N, 1) stationary spread s_i of each perceiver.
    """
    xp = namespace(log_error, sd)
    return xp.exp(log_error - sd**2 / 2.0)
