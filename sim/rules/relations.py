"""Relations: reciprocity, the security dilemma and commerce, as bounded updates.

Each attitude r_ij in (-1, 1) moves by dr/dt = F+ (1 - r) - F- (1 + r) with
non-negative forcings (exact over the step, see common.relax_signed):

- reciprocity (Axelrod 1984): toward j's perceived attitude tanh(atanh(r_ji) - bias_i), with
  generous forgiveness of hostility (Nowak & Sigmund 1992): the target is
  r~ (1 - g sigmoid(-k r~));
- pull toward the baseline (structural) attitude;
- shared threat, the enemy of my enemy (Walt 1987): sum_k tau_ik tau_jk;
- threat posed by j (the security dilemma, Herz 1951, Jervis 1978): tau_ij;
- trade dependence on j (Oneal & Russett 1997);
- sanctions suffered from j;
- need: what j supplies i, a patron's war demand met or a client's aid received
  (Snyder 1997): it builds goodwill, and when the need ends the goodwill erodes;
- enforcement of a multilateral regime on i by j, which the target resents (Galtung
  1967; Peksen 2009);
- provocations: j's provocation memory times proximity (the only place they act
  on relations); an adversary cools by its provocation sensitivity, a patron by its
  (smaller) entrapment sensitivity (Snyder 1984);
- summits: the summit memory with j;
- a constant structural affinity fixed at the start so that the initial relations
  are an equilibrium of the deterministic model.

tau_ij = T_ij / (T_i + S_i + C_i) (S_i own strength) is the share of i's security problem posed by j.
"""

from __future__ import annotations

from .common import namespace, perceived_attitude, relax_signed, sigmoid, sum_last


def threat_shares(threat, own_power, cover_total):
    """tau[..., i, j] = T_ij / (sum_j T_ij + S_i + C_i), in [0, 1).

    The share of i's security problem posed by j.

    Parameters
    ----------
    threat : array_like
        (..., N, N) threat to i from j.
    own_power : array_like
        (..., N) own strength S_i of each i (:func:`sim.rules.threat.strength`).
    cover_total : array_like
        (..., N) allied cover of each i.
    """
    xp = namespace(threat, own_power, cover_total)
    denom = sum_last(threat) + own_power + cover_total
    return threat / xp.where(denom > 0, denom, 1.0)[..., None]


def shared_threat(tau_rows, tau):
    """S[..., i, j] = sum_k tau_ik tau_jk for the given rows i against all j.

    The enemy of my enemy (Walt 1987): states that face the same threats.  Summed term
    by term over k, so that a block sums as each run alone.

    Parameters
    ----------
    tau_rows : array_like
        (..., I, N) threat shares of the rows i.
    tau : array_like
        (..., N, N) threat shares of every actor.
    """
    total = tau_rows[..., :, None, 0] * tau[..., None, :, 0]
    for k in range(1, tau.shape[-1]):  # term by term: a block sums as each run alone
        total += tau_rows[..., :, None, k] * tau[..., None, :, k]
    return total


def trade_dependence(exports):
    """dep[..., i, j]: share of i's trade (both ways, all categories) that is with j.

    Parameters
    ----------
    exports : array_like
        (..., N, N) USD bn per year over all categories, [from, to].
    """
    xp = namespace(exports)
    bilateral = exports + exports.mT
    total = sum_last(bilateral)
    return bilateral / xp.where(total > 0, total, 1.0)[..., None]


def forcings(
    relation_ij,
    relation_ji,
    bias_i,
    baseline_ij,
    tau_ij,
    shared_ij,
    dependence_ij,
    need_ij,
    sanction_ji,
    enforcement_ij,
    alliance_ij,
    proximity_ij,
    memory_j,
    summit_ij,
    reciprocity,
    forgiveness,
    baseline_pull,
    shared_threat_weight,
    threat_response,
    trade_affinity,
    need_warmth,
    sanction_resentment,
    enforcement_resentment,
    provocation_sensitivity,
    entrapment_sensitivity,
    summit_warmth,
    sharpness,
):
    """Cooperative and hostile forcings (F+, F-) >= 0 on attitudes r_ij, per year.

    Parameters
    ----------
    relation_ij, relation_ji : array_like
        (..., I, N) attitudes of the rows i toward j, and of j toward i.
    bias_i : array_like
        (..., I) suspicion of each i (atanh units).
    baseline_ij : array_like
        (..., I, N) structural attitudes.
    tau_ij, shared_ij, dependence_ij : array_like
        (..., I, N) threat shares, shared threat, trade dependence.
    need_ij : array_like
        (..., I, N) what j supplies i in [0, 1]: the share of i's war demand j meets,
        or the share of i's external supply that is j's aid (:func:`sim.rules.bargain.need`).
    sanction_ji : array_like
        (..., I, N) unilateral sanctions of j on i.
    enforcement_ij : array_like
        (..., I, N) how strictly j enforces a multilateral regime on i
        (:func:`sim.rules.trade.enforcement`).
    alliance_ij : array_like
        (..., I, N) i's commitment to j: a patron reacts to a client's provocations
        with entrapment fear rather than threat (Snyder 1984).
    proximity_ij : array_like
        (..., I, N) proximity.
    memory_j : array_like
        (..., N) provocation memory of each j.
    summit_ij : array_like
        (..., I, N) summit memory.
    reciprocity, forgiveness, baseline_pull, shared_threat_weight, threat_response,
    trade_affinity, need_warmth, sanction_resentment, enforcement_resentment,
    provocation_sensitivity, entrapment_sensitivity, summit_warmth : array_like
        (..., I) doctrine of the rows, per year (forgiveness: a share); they broadcast
        over partners j.
    sharpness : array_like
        k of the forgiveness gate, broadcastable to (..., I, N).

    Returns
    -------
    (F+, F-), each (..., I, N), per year.
    """
    perceived = perceived_attitude(relation_ji, bias_i[..., None])
    target = perceived * (1.0 - forgiveness[..., None] * sigmoid(-sharpness * perceived))
    rho = 0.5 * reciprocity[..., None]  # halves: (rho (1 + x)) / 2 = (rho / 2)(1 + x) exactly
    pull = 0.5 * baseline_pull[..., None]
    provoked = (
        provocation_sensitivity[..., None] * (1.0 - alliance_ij)
        + entrapment_sensitivity[..., None] * alliance_ij
    )
    up = (
        rho * (1.0 + target)
        + pull * (1.0 + baseline_ij)
        + shared_threat_weight[..., None] * shared_ij
        + trade_affinity[..., None] * dependence_ij
        + need_warmth[..., None] * need_ij
        + summit_warmth[..., None] * summit_ij
    )
    down = (
        rho * (1.0 - target)
        + pull * (1.0 - baseline_ij)
        + threat_response[..., None] * tau_ij
        + sanction_resentment[..., None] * sanction_ji
        + enforcement_resentment[..., None] * enforcement_ij
        + provoked * proximity_ij * memory_j[..., None, :]
    )
    return up, down


def step(relation_ij, up, down, offset_up, offset_down, dt):
    """Exact bounded update of the attitudes, with the structural offsets added.

    Parameters
    ----------
    relation_ij : array_like
        (..., I, N) attitudes at t.
    up, down : array_like
        (..., I, N) forcings (:func:`forcings`), per year.
    offset_up, offset_down : array_like
        (..., I, N) structural offsets fixed at the start, per year.
    dt : float
        Step length, years.
    """
    return relax_signed(relation_ij, up + offset_up, down + offset_down, dt)
