"""Trade, sanctions compliance, diversion and growth (Hufbauer, Schott & Elliott
1990; Early 2011; Early & Spice 2015).

Potential trade of category c from i to j follows relations (trade follows the
flag, Pollins 1989): V = V0 exp(theta (rbar_ij - rbar0_ij)) (1 - u_ij), with u the
bite of unilateral sanctions either way.  A multilateral regime on target T covers a
share cov_Tc of each category; a partner i enforces it with effective compliance
ec_iT = cbar_i (m0 + (1 - m0) monitoring_T) sigmoid(k (gap_iT - mid)) e^(-e years),
gap_iT its relation to the sanctioning coalition minus its relation to T.  Of the
potential, the uncovered part is recorded, the covered part that is not enforced
passes unrecorded (sanctions busting), and the enforced part is blocked.  A share
of blocked trade is diverted to low-compliance partners (black knights), also
unrecorded, in proportion to their laxity, proximity and goodwill toward the
target.  Flows relax toward their targets at a finite rate.  What lost trade does
to growth is in :mod:`.economy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .common import (
    namespace,
    place_last,
    runs_fastest,
    sigmoid,
    sum_last,
    sum_terms,
    take_last,
    take_pairs,
    zeros,
)


@dataclass(frozen=True)
class Flows:
    """The trade flows a scenario can have, and how to move between flows and dyads.

    Trade arrays hold one entry per possible flow, shape (..., K), in the order of
    (exporter, importer, category): the flows a scenario lists, the flows to and from
    each regime target in every category (sanctions busting and diversion create
    them), and the flows its events and reactions change.  The six-actor baseline
    has 75 of the 150 off-diagonal (i, j, c); the others stay zero for ever, so the
    model skips them.  Sums over categories add term by term in category order, as
    :func:`sim.rules.common.sum_last` does.  The positions are numpy arrays on the
    host, whatever the namespace of the flows: a structure, compiled once.
    """

    n: int
    categories: int
    source: np.ndarray  # (K,) exporter
    target: np.ndarray  # (K,) importer
    category: np.ndarray  # (K,)
    dyads: tuple = field(repr=False)  # ((i, j, flows of the dyad), ...)
    into: dict = field(repr=False)  # {actor: flows into it}
    out_of: dict = field(repr=False)  # {actor: flows out of it}
    slot_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, support, n: int, categories: int) -> Flows:
        """Flows of a set of (exporter, importer, category), the diagonal left out.

        Parameters
        ----------
        support : iterable of (int, int, int)
            The (exporter, importer, category) indices a scenario can have.
        n : int
            N, the number of actors.
        categories : int
            C, the number of categories.
        """
        flows = sorted((int(i), int(j), int(c)) for i, j, c in support if i != j)
        source = np.array([f[0] for f in flows], dtype=np.intp)
        target = np.array([f[1] for f in flows], dtype=np.intp)
        category = np.array([f[2] for f in flows], dtype=np.intp)
        dyads: dict[tuple[int, int], list[int]] = {}
        for k, (i, j, _) in enumerate(flows):
            dyads.setdefault((i, j), []).append(k)
        return cls(
            n,
            categories,
            source,
            target,
            category,
            tuple((i, j, np.array(ks, dtype=np.intp)) for (i, j), ks in dyads.items()),
            {a: np.flatnonzero(target == a) for a in range(n)},
            {a: np.flatnonzero(source == a) for a in range(n)},
        )

    @property
    def size(self) -> int:
        """K, the number of possible flows."""
        return len(self.source)

    def index(self, i: int, j: int, c: int) -> int:
        """Position of the flow (i, j, c); KeyError if the scenario cannot have it.

        Parameters
        ----------
        i, j : int
            Exporter and importer indices.
        c : int
            Category index.
        """
        hit = np.flatnonzero((self.source == i) & (self.target == j) & (self.category == c))
        if not len(hit):
            raise KeyError((i, j, c))
        return int(hit[0])

    def at(self, x, rows, cols):
        """x[..., rows[k], cols[k]] for each flow k, runs fastest in memory.

        Parameters
        ----------
        x : array_like
            (..., A, B) values.
        rows, cols : ndarray
            (K,) indices into the last two axes.
        """
        return runs_fastest(take_pairs(x, rows, cols))

    def take(self, x, index):
        """x[..., index], runs fastest in memory.

        Parameters
        ----------
        x : array_like
            (..., M) values.
        index : ndarray
            Indices into the last axis.
        """
        return runs_fastest(take_last(x, index))

    def by_category(self, x, ks):
        """Flows ``ks`` of x (..., K) summed by category, term by term: (..., C).

        Parameters
        ----------
        x : array_like
            (..., K) flows, USD bn per year.
        ks : ndarray
            Positions of the flows to sum.
        """
        xp = namespace(x)
        x = xp.asarray(x, dtype=xp.float64)
        out = zeros(xp, x.shape[:-1] + (self.categories,))
        for c in range(self.categories):
            mine = ks[self.category[ks] == c]
            if len(mine):
                out[..., c] = sum_terms(x, mine)  # an integer key: in the standard
        return out

    def of_dyads(self, dyad):
        """A dyad quantity (..., N, N) at each flow: (..., K).

        Parameters
        ----------
        dyad : array_like
            (..., N, N) values [exporter, importer].
        """
        return self.at(dyad, self.source, self.target)

    def by_dyad(self, x, categories=None):
        """Flows (..., K) summed over categories into (..., N, N) exports [from, to].

        Parameters
        ----------
        x : array_like
            (..., K) flows, USD bn per year.
        categories : ndarray, optional
            (C,) bool: keep only those categories.
        """
        xp = namespace(x)
        x = xp.asarray(x, dtype=xp.float64)
        slots = self._slots(categories)
        if xp is not np:  # no scatter in the standard: one gather per slot
            return self._by_dyad_gathered(xp, x, slots)
        out = np.zeros(x.shape[:-1] + (self.n, self.n), order="F")
        for s, (rows, cols, ks) in enumerate(slots):
            if s == 0:  # the first flow of every dyad, then the second, ... added in turn
                out[..., rows, cols] = x[..., ks]
            else:
                out[..., rows, cols] += x[..., ks]
        return out

    def _by_dyad_gathered(self, xp, x, slots):
        """:meth:`by_dyad` without writes: slot s gathers each dyad's s-th flow from x
        padded with one zero (the flow K), and the slots are added in turn."""
        n, size = self.n, x.shape[-1]
        padded = xp.concat([x, xp.zeros((*x.shape[:-1], 1), dtype=x.dtype)], axis=-1)
        out = None
        for rows, cols, ks in slots:
            where = np.full(n * n, size, dtype=np.intp)
            where[rows * n + cols] = ks
            term = xp.take(padded, xp.asarray(where), axis=-1)
            out = term if out is None else out + term
        if out is None:
            return xp.zeros((*x.shape[:-1], n, n), dtype=xp.float64)
        return xp.reshape(out, (*x.shape[:-1], n, n))

    def _slots(self, categories=None) -> tuple:
        """The dyads' flows by rank: slot s holds (rows, cols, flows) of each dyad's
        s-th flow, so that adding the slots in turn sums every dyad term by term in the
        order of its flows (as :func:`sim.rules.common.sum_terms` does), in a few
        vectorised operations instead of one per dyad.  Cached per category mask."""
        key = None if categories is None else tuple(bool(c) for c in categories)
        hit = self.slot_cache.get(key)
        if hit is None:
            slots: list[tuple[list[int], list[int], list[int]]] = []
            for i, j, ks in self.dyads:
                if categories is not None:
                    ks = ks[np.asarray(categories)[self.category[ks]]]
                for s, k in enumerate(ks):
                    if len(slots) <= s:
                        slots.append(([], [], []))
                    slots[s][0].append(i)
                    slots[s][1].append(j)
                    slots[s][2].append(int(k))
            hit = tuple(tuple(np.array(a, dtype=np.intp) for a in slot) for slot in slots)
            self.slot_cache[key] = hit
        return hit

    def dense(self, x):
        """Flows (..., K) as (..., N, N, C), zero where no flow can be.

        Parameters
        ----------
        x : array_like
            (..., K) flows.
        """
        xp = namespace(x)
        if xp is np:
            out = np.zeros(x.shape[:-1] + (self.n, self.n, self.categories))
            out[..., self.source, self.target, self.category] = x
            return out
        n, c = self.n, self.categories
        cells = (self.source * n + self.target) * c + self.category
        flat = place_last(x, cells, n * n * c)
        return xp.reshape(flat, (*x.shape[:-1], n, n, c))


def effective_compliance(
    compliance_i,
    monitoring_t,
    relation,
    sponsors,
    monitoring_floor,
    sharpness,
    midpoint,
    erosion,
    years_since,
    targets=None,
    gain=None,
):
    """ec[..., i, T]: how fully i enforces the regime on T, in [0, 1).

    ec = cbar_i (m0 + (1 - m0) monitoring_T) sigmoid(k (gap_iT - mid)) e^(-e years), gap
    the attitude of i to the sanctioning coalition minus its attitude to T (Early 2011;
    Early & Spice 2015).

    Parameters
    ----------
    compliance_i : array_like
        (..., N) baseline compliance.
    monitoring_t : array_like
        (..., N) monitoring of the regime on each target (0: none).
    relation : array_like
        (..., N, N) attitudes.
    sponsors : ndarray
        (N, N) bool, sponsors[T, k]: k is in the coalition against T.
    monitoring_floor : array_like
        m0, compliance without monitoring as a share of full compliance.
    sharpness, midpoint : array_like
        k and mid of the attitude gate.
    erosion : array_like
        e, decay of compliance per year since imposition.
    years_since : ndarray
        (N,) years since each regime was imposed (0 where none).
    targets : ndarray, optional
        The actors under a regime: only their columns are computed, the others are 0.
    gain : array_like, optional
        (..., N, N) enforcement gain g[i, T] of partner i's enforcement on target T,
        calibrated at the start so that the regime binds as the gap between the pair's
        pre-sanctions and current trade says: ec <- 1 - (1 - ec)^g (1: unchanged).
    """
    xp = namespace(compliance_i, monitoring_t, relation, monitoring_floor, sharpness, erosion)
    n = relation.shape[-1]
    # the structure (sponsors, targets, years_since) is numpy, on the host
    cols = np.arange(n) if targets is None else np.asarray(targets, dtype=np.intp)
    sponsors = np.asarray(sponsors)
    weights = sponsors[cols].astype(float)  # (T, K)
    # mean over the sponsors other than i itself (r_ii = 0 adds nothing to the sum)
    count = weights.sum(axis=-1)[None, :] - weights.T  # (i, T)
    # (..., i, T), term by term over the actors that sponsor some regime (the others
    # add zeros); order="F" keeps the batch engine's layout (runs fastest)
    members = np.flatnonzero(weights.any(axis=0))
    if len(members) == 0:
        members = np.array([0])
    if xp is np:
        coalition = np.multiply(
            relation[..., :, None, members[0]], weights[:, members[0]], order="F"
        )
        for k in members[1:]:
            coalition += relation[..., :, None, k] * weights[:, k]
        erode = np.multiply(-erosion, years_since[cols], order="F")
    else:  # the same sums, without writes
        w = xp.asarray(weights)
        coalition = relation[..., :, None, int(members[0])] * w[:, int(members[0])]
        for k in members[1:]:
            coalition = coalition + relation[..., :, None, int(k)] * w[:, int(k)]
        erode = -erosion * xp.asarray(np.asarray(years_since, dtype=float)[cols])
    to_coalition = coalition / xp.asarray(np.where(count > 0, count, 1.0))
    gap = to_coalition - take_last(relation, cols)
    monitor = monitoring_floor + (1.0 - monitoring_floor) * take_last(monitoring_t, cols)
    ec = (
        compliance_i[..., :, None]
        * monitor[..., None, :]
        * sigmoid(sharpness * (gap - midpoint))
        * xp.exp(erode)[..., None, :]
    )
    if gain is not None:
        ec = -xp.expm1(take_last(gain, cols) * xp.log1p(-ec))
    if targets is None:
        return ec
    return place_last(ec, cols, n)


def pass_through(coverage, compliance_matrix, flows: Flows):
    """Shares (recorded, legal+illegal passing) of potential trade of each flow, (..., K).

    For the flow i -> j of category c: recorded = (1 - cov_jc)(1 - cov_ic), passing =
    (1 - cov_jc ec_ij)(1 - cov_ic ec_ji): the exporter enforces a regime on the
    importer, the importer one on the exporter.

    Parameters
    ----------
    coverage : array_like
        (..., N, C) share of category c prohibited for a target (0 if none).
    compliance_matrix : array_like
        (..., N, N) ec[i, T] (:func:`effective_compliance`).
    flows : Flows
        The scenario's possible flows.
    """
    i, j, c = flows.source, flows.target, flows.category
    cov_to = flows.at(coverage, j, c)
    cov_from = flows.at(coverage, i, c)
    recorded = (1.0 - cov_to) * (1.0 - cov_from)
    passing = (1.0 - cov_to * flows.at(compliance_matrix, i, j)) * (
        1.0 - cov_from * flows.at(compliance_matrix, j, i)
    )
    return recorded, passing


def unilateral_bite(sanction):
    """u[..., i, j] = 1 - (1 - s_ij)(1 - s_ji): share of trade lost to unilateral sanctions.

    Parameters
    ----------
    sanction : array_like
        (..., N, N) unilateral sanctions [sender, target].
    """
    return 1.0 - (1.0 - sanction) * (1.0 - sanction.mT)


def potential(base_potential, relation, base_relation, elasticity, bite, flows: Flows):
    """V[..., k] = V0 exp(theta (rbar - rbar0)) (1 - u) of each flow, USD bn per year.

    Trade follows the flag (Pollins 1989): potentials rise and fall with the mean
    mutual attitude.

    Parameters
    ----------
    base_potential : array_like
        (..., K) V0, USD bn per year.
    relation : array_like
        (..., N, N) attitudes.
    base_relation : array_like
        (..., N, N) rbar0, the mean mutual attitudes at the start.
    elasticity : array_like
        theta, per run (...,).
    bite : array_like
        (..., N, N) unilateral bite (:func:`unilateral_bite`).
    flows : Flows
        The scenario's possible flows.
    """
    xp = namespace(relation, elasticity)
    rbar = 0.5 * (relation + relation.mT)
    factor = xp.exp(elasticity[..., None, None] * (rbar - base_relation)) * (1.0 - bite)
    return base_potential * flows.of_dyads(factor)


def open_share(closure):
    """(1 - c_i)(1 - c_j): the share of a pair's potential trade their borders leave open.

    A border closure (North Korea's from January 2020) shuts its share of the
    closing actor's trade with every partner, recorded or not.

    Parameters
    ----------
    closure : array_like
        (..., N) share of each actor's trade its border closure shuts, in [0, 1].
    """
    open_i = 1.0 - closure
    return open_i[..., :, None] * open_i[..., None, :]


def diversion(blocked, compliance_matrix, proximity, relation, share, sharpness, targets, flows):
    """Blocked trade re-routed through low-compliance partners, (..., K), USD bn per year.

    For each target T, blocked exports to T are re-sent by partners k in proportion
    to (1 - ec_kT) proximity_kT sigmoid(k r_kT): black knights are near, lax and
    friendly to the target (Early 2011); blocked exports from T are taken likewise.
    Only targets block trade, so only flows to and from them are touched.

    Parameters
    ----------
    blocked : array_like
        (..., K) blocked trade, USD bn per year.
    compliance_matrix : array_like
        (..., N, N) ec[i, T].
    proximity, relation : array_like
        (..., N, N) proximity and attitudes.
    share : array_like
        Share of blocked trade that is diverted, per run (...,).
    sharpness : array_like
        k of the goodwill gate, broadcastable to (..., N).
    targets : array_like
        Indices of the actors under a regime.
    flows : Flows
        The scenario's possible flows.
    """
    xp = namespace(blocked, compliance_matrix, proximity, relation, share, sharpness)
    n = proximity.shape[-1]
    out = xp.zeros_like(blocked)
    for t in (int(t) for t in np.asarray(targets)):  # the structure, on the host
        others = xp.asarray(np.arange(n) != t, dtype=xp.float64)  # x * bool: x * 1.0
        w = (
            (1.0 - compliance_matrix[..., :, t])
            * proximity[..., :, t]
            * sigmoid(sharpness * relation[..., :, t])
            * others
        )  # (..., k)
        total = sum_last(w)
        w_norm = w / xp.where(total > 0, total, 1.0)[..., None]
        s = share[..., None]
        # blocked exports to t by category, re-sent by each exporter k in proportion to
        # its weight; blocked exports from t by category, taken likewise by importers
        for ks, partner in ((flows.into[t], flows.source), (flows.out_of[t], flows.target)):
            if not len(ks):
                continue
            by_category = flows.by_category(blocked, ks)  # (..., C)
            out = _add_at(
                out,
                ks,
                s * flows.take(w_norm, partner[ks]) * flows.take(by_category, flows.category[ks]),
            )
    return out


def _add_at(out, index, values):
    """out[..., index] += values (distinct positions): in place on numpy, where ``out``
    is the caller's own; elsewhere a new array, the values scattered and added."""
    if namespace(out) is np:
        out[..., index] += values
        return out
    return out + place_last(values, index, out.shape[-1])


def relax_flows(flows, target, rate, dt):
    """Exact relaxation of flows (..., K) toward their targets at ``rate`` per year.

    Parameters
    ----------
    flows, target : array_like
        (..., K) flows and their targets, USD bn per year.
    rate : array_like
        Adjustment rate per year, per run (...,).
    dt : float
        Step length, years.
    """
    keep = namespace(rate).exp(-rate * dt)[..., None]
    return target + (flows - target) * keep


def base_potential(
    recorded, unrecorded, pass_share, bite, flows: Flows, open_share=1.0, floor=1e-3
):
    """Potential V0 of each flow that reproduces the starting flows, (..., K).

    V0 = (recorded + unrecorded) / (passing share x (1 - unilateral bite) x open share),
    the product floored at ``floor`` so that a fully blocked or closed flow stays finite.

    Parameters
    ----------
    recorded, unrecorded : array_like
        (..., K) starting flows, USD bn per year.
    pass_share : array_like
        (..., K) passing shares (:func:`pass_through`).
    bite : array_like
        (..., N, N) unilateral bite.
    flows : Flows
        The scenario's possible flows.
    open_share : array_like
        (..., K) share of each flow that border closures leave open (:func:`open_share`
        per flow); 1 where no border is closed at the start.
    floor : float
        Smallest passing share used.
    """
    xp = namespace(recorded, unrecorded, pass_share, bite, open_share)
    passing = pass_share * flows.of_dyads(1.0 - bite) * open_share
    return (recorded + unrecorded) / xp.maximum(passing, floor)


def enforcement(blocked, potential, flows: Flows, targets):
    """E[..., T, i]: the share of target T's potential trade that partner i blocks, in [0, 1).

    The trade i's enforcement of a regime blocks between it and T, both ways, over T's
    potential trade with everyone; the target resents it (:mod:`.relations`).  A partner
    with no potential trade with the target blocks nothing, however strict its
    compliance; rows of actors that are no regime's target are zero (a partner does not
    resent the target for the trade it blocks itself).

    Parameters
    ----------
    blocked : array_like
        (..., K) blocked trade of each flow, USD bn per year.
    potential : array_like
        (..., K) potential trade of each flow, USD bn per year.
    flows : Flows
        The scenario's possible flows.
    targets : ndarray
        (N,) bool: the actors a regime targets.
    """
    xp = namespace(blocked, potential)
    stopped = flows.by_dyad(blocked)
    stopped = stopped + stopped.mT
    possible = flows.by_dyad(potential)
    total = sum_last(possible + possible.mT)
    share = stopped / xp.where(total > 0, total, 1.0)[..., :, None]
    return xp.where(xp.asarray(np.asarray(targets, dtype=bool))[:, None], share, 0.0)
