"""Plain words for numbers and measures: how a report says what a table holds.

Numbers get three significant digits (:func:`number`), differences a sign
(:func:`signed`), shares a per cent sign (:func:`percent`), with a no-break space
before ``%`` and a true minus sign.  A measure in the measure syntax
(``capability.PRK``, ``conflict_risk.PRK.KOR``, ``balance:last``) becomes a phrase
with the actors' names from the scenario (:func:`measure_phrase`: "North Korea's
military capability"), and a value in its registered unit becomes text in that
unit (:func:`value_text`: shares of GDP and probabilities as per cent).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..registry import measures_by_name

MINUS = "\u2212"
"""The minus sign of the report's numbers (not a hyphen)."""

NBSP = "\u00a0"
"""A no-break space, between a number and its per cent sign or unit."""

MODEL_PHRASES = {
    "balance": "the regional balance",
    "balance_core": "the balance among the poles' members",
    "balance_swing": "the balance of the actors outside both poles",
    "tension": "regional tension",
    "conflict_risk_any": "the yearly probability of a militarised dispute in any key dyad",
    "provocations": "provocations per step",
    "frustration": "the frustration of the best two-bloc alignment",
    "blocs_gap": "the gap to the next-best bloc alignment",
    "polarisation": "the polarisation of the emergent blocs",
}
"""Phrases for the measures of the whole region."""

ACTOR_NOUNS = {
    "gdp": "GDP",
    "milex": "military spending",
    "defence_share": "defence burden",
    "capability": "military capability",
    "power": "composite power",
    "regional_power": "regional power",
    "insecurity": "insecurity",
    "security": "security",
    "threat": "perceived threat",
    "cover": "allied cover",
    "hedging": "hedging",
    "influence": "influence",
    "provocation_memory": "record of provocations",
    "provocation_hazard": "provocation hazard",
    "growth": "real growth",
    "transfers_in": "arms and technology received",
    "munitions_supplied": "munitions supplied to patrons at war",
    "technology": "absorbed technology",
    "delivery": "delivery means",
    "reach": "reach",
    "strength": "regional strength",
    "trade": "trade",
    "trade_recorded": "recorded trade",
    "sanctions_pressure": "sanctions pressure",
    "sanctions_leakage": "sanctions leakage",
    "mandate": "monitoring mandate",
    "bloc": "emergent bloc",
}
"""Nouns for the measures of one actor ("North Korea's military capability")."""

DYAD_PHRASES = {
    "conflict_risk": "the yearly risk of a {a}\u2013{b} militarised dispute",
    "deterrence": "the deterrence balance of {a} against {b}",
    "relation": "{a_of} attitude toward {b}",
    "threat": "the threat {a} perceives from {b}",
    "credibility": "the credibility of {a_of} commitment to {b}",
    "transfer": "arms transfers from {a} to {b}",
    "sanction": "{a_of} sanctions on {b}",
    "alliance": "{a_of} treaty commitment to {b}",
    "reach": "{a_of} reach against {b}",
    "munitions": "munitions supplied to {a} by {b}",
    "trade": "trade between {a} and {b}",
    "trade_recorded": "recorded trade between {a} and {b}",
}
"""Phrases for the measures of a pair of actors."""

REDUCER_WORDS = {
    "last": "at the end",
    "mean": "averaged over the run",
    "max": "at its highest",
    "min": "at its lowest",
    "growth": "growth a year over the run",
}
"""What each reducer of the measure syntax makes of a trajectory."""


def number(x: float, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, thousands separated, true minus.

    Parameters
    ----------
    x : float
        The number; NaN and infinities give ``n/a``.
    digits : int
        Significant digits (whole numbers of more digits keep them all).

    Returns
    -------
    str
        E.g. ``0.103``, ``69.0``, ``1,870``, ``−0.0065``.
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    size = abs(x)
    if size < 1e-4:
        text = f"{x:.{max(1, digits - 1)}e}"
    else:
        decimals = max(0, digits - 1 - math.floor(math.log10(size)))
        text = f"{x:,.{decimals}f}"
    return text.replace("-", MINUS)


def signed(x: float, digits: int = 3) -> str:
    """:func:`number` with its sign always written (``+0.0065``, ``−1.20``).

    Parameters
    ----------
    x : float
        The number (a difference, a change).
    digits : int
        Significant digits.

    Returns
    -------
    str
        The number with a leading ``+`` when it is positive.
    """
    text = number(x, digits)
    return "+" + text if x is not None and math.isfinite(x) and x > 0 else text


def percent(share: float, digits: int = 2, sign: bool = False) -> str:
    """A share as per cent: ``0.123`` gives ``12 %`` (a no-break space before ``%``).

    Parameters
    ----------
    share : float
        The share (1 is 100 %).
    digits : int
        Significant digits of the per cent value; whole per cents are never cut.
    sign : bool
        Write the sign of a positive value too (``+12 %``), for changes.

    Returns
    -------
    str
        The per cent text, ``n/a`` for NaN.
    """
    if share is None or not math.isfinite(share):
        return "n/a"
    value = 100 * share
    text = signed(value, digits) if sign else number(value, digits)
    return f"{text}{NBSP}%"


def possessive(name: str) -> str:
    """``North Korea's``, ``the United States'``: the possessive of a name.

    Parameters
    ----------
    name : str
        An actor's name.

    Returns
    -------
    str
        The name with ``'s``, or ``'`` after a final s.
    """
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def split_measure(measure: str) -> tuple[str, list[str], str | None]:
    """Name, actor codes and reducer of a measure in the measure syntax.

    Parameters
    ----------
    measure : str
        ``name[.A[.B]][:reducer]``.

    Returns
    -------
    tuple
        ``(name, [codes], reducer or None)``.
    """
    body, _, reducer = measure.partition(":")
    name, *codes = body.split(".")
    return name, codes, reducer or None


def measure_unit(measure: str) -> str:
    """The registered unit of a measure (without its reducer), ``1`` if unknown.

    Parameters
    ----------
    measure : str
        ``name[.A[.B]][:reducer]``.

    Returns
    -------
    str
        The unit, as the registry (``geosim params``) states it.
    """
    name, codes, _ = split_measure(measure)
    found = measures_by_name().get((name, len(codes)))
    return found.unit if found is not None else "1"


def measure_phrase(measure: str, names: Mapping[str, str] | None = None) -> str:
    """A measure in plain words, with the actors' names.

    Parameters
    ----------
    measure : str
        ``name[.A[.B]][:reducer]``, e.g. ``capability.PRK`` or ``tension:mean``.
    names : mapping of str to str, optional
        Actor code to name (from the scenario); a code without a name stays a code.

    Returns
    -------
    str
        E.g. "North Korea's military capability", "the yearly risk of a North
        Korea–South Korea militarised dispute", "regional tension, averaged over
        the run".  Unknown measures keep their name with spaces for underscores.
    """
    names = names or {}
    name, codes, reducer = split_measure(measure)
    who = [names.get(c, c) for c in codes]
    plain = name.replace("_", " ")
    if not codes:
        phrase = MODEL_PHRASES.get(name, plain)
    elif len(codes) == 1:
        phrase = f"{possessive(who[0])} {ACTOR_NOUNS.get(name, plain)}"
    else:
        template = DYAD_PHRASES.get(name, plain + " of {a} toward {b}")
        phrase = template.format(a=who[0], b=who[1], a_of=possessive(who[0]))
    if reducer is not None and reducer != "last":
        phrase = f"{phrase}, {REDUCER_WORDS.get(reducer, reducer)}"
    return phrase


def capitalised(text: str) -> str:
    """The text with its first letter in upper case (the rest as it is).

    Parameters
    ----------
    text : str
        A phrase such as "the regional balance".

    Returns
    -------
    str
        "The regional balance".
    """
    return text[:1].upper() + text[1:]


def unit_kind(unit: str) -> str:
    """How a unit is written: ``money``, ``gdp_share``, ``probability``, ``rate`` or ``plain``.

    Parameters
    ----------
    unit : str
        A registered unit ("USD bn (stock)", "share of GDP", ...).

    Returns
    -------
    str
        ``money`` for USD amounts (changes read as relative), ``gdp_share`` and
        ``probability`` (written as per cent, differences in percentage points),
        ``rate`` (a fraction a year, as per cent a year), else ``plain``.
    """
    if unit.startswith("USD"):
        return "money"
    if unit == "share of GDP":
        return "gdp_share"
    if unit.startswith("probability"):
        return "probability"
    if unit == "per year":
        return "rate"
    return "plain"


def value_text(x: float, unit: str) -> str:
    """A value in its unit, in words: ``69.0 USD bn``, ``1.87 % of GDP``, ``15.5 % a year``.

    Parameters
    ----------
    x : float
        The value, in the registry's unit.
    unit : str
        The registered unit.

    Returns
    -------
    str
        The value with the unit a reader expects.
    """
    kind = unit_kind(unit)
    if kind == "money":
        return f"{number(x)}{NBSP}USD{NBSP}bn"
    if kind == "gdp_share":
        return f"{percent(x, 3)} of GDP"
    if kind in ("probability", "rate"):
        return f"{percent(x, 3)} a year"
    return number(x)


def difference_text(d: float, unit: str) -> str:
    """An absolute difference in a unit: ``+0.12 percentage points of GDP``, ``+0.0065``.

    Parameters
    ----------
    d : float
        The difference, in the registry's unit.
    unit : str
        The registered unit.

    Returns
    -------
    str
        Signed, with percentage points for shares and probabilities.
    """
    kind = unit_kind(unit)
    if kind == "money":
        return f"{signed(d)}{NBSP}USD{NBSP}bn"
    if kind == "gdp_share":
        return f"{signed(100 * d, 2)} percentage points of GDP"
    if kind in ("probability", "rate"):
        return f"{signed(100 * d, 2)} percentage points"
    return signed(d)


def short_parameter(path: str, names: Mapping[str, str] | None = None) -> str:
    """A parameter path for a reader: ``actors.RUS.doctrine.transfer_willingness``
    gives "Russia's transfer_willingness".

    Parameters
    ----------
    path : str
        A scenario path (``geosim params``).
    names : mapping of str to str, optional
        Actor code to name.

    Returns
    -------
    str
        The actor's possessive and the last part of the path, or the path itself
        when it does not name an actor.
    """
    names = names or {}
    parts = path.split(".")
    if len(parts) >= 3 and parts[0] == "actors":
        return f"{possessive(names.get(parts[1], parts[1]))} {parts[-1]}"
    return path


MONTHS = (
    "January February March April May June July August September October November December"
).split()
"""Month names, for dates in sentences."""


def month_text(date: str) -> str:
    """``2024-07`` gives ``July 2024``; anything else is returned as it is.

    Parameters
    ----------
    date : str
        A date ``YYYY-MM``.

    Returns
    -------
    str
        The month's name and the year.
    """
    year, _, month = str(date).partition("-")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return f"{MONTHS[int(month) - 1]} {year}"
    return str(date)


def names_list(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``.

    Parameters
    ----------
    names : list of str
        Names in order.

    Returns
    -------
    str
        The names joined for a sentence.
    """
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def bound_text(x: float, unit: str) -> str:
    """A bound of a range in a unit, short: ``63.1``, ``11.5 %`` (the unit follows once).

    Parameters
    ----------
    x : float
        The bound, in the registry's unit.
    unit : str
        The registered unit.

    Returns
    -------
    str
        Shares and probabilities as per cent, other values as plain numbers;
        :func:`unit_suffix` gives what follows the upper bound.
    """
    if unit_kind(unit) in ("gdp_share", "probability", "rate"):
        return percent(x, 3)
    return number(x)


def unit_suffix(unit: str) -> str:
    """What follows a range's upper bound: `` USD bn`` for money, else nothing.

    Parameters
    ----------
    unit : str
        The registered unit.

    Returns
    -------
    str
        The unit once, after the range written with :func:`bound_text`.
    """
    return f"{NBSP}USD{NBSP}bn" if unit_kind(unit) == "money" else ""


def compact(x: float) -> str:
    """A parameter value without trailing zeros: ``1``, ``0.25``, ``4.3``.

    Parameters
    ----------
    x : float
        A value of a swept parameter.

    Returns
    -------
    str
        :func:`number` with three significant digits, trailing zeros of the decimals cut.
    """
    text = number(x)
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def difference_bound(d: float, unit: str) -> str:
    """A bound of a range of differences, short: ``+0.12`` (the unit follows once).

    Parameters
    ----------
    d : float
        The difference, in the registry's unit.
    unit : str
        The registered unit.

    Returns
    -------
    str
        Signed; shares and probabilities in percentage points (without the words,
        which :func:`difference_suffix` gives).
    """
    if unit_kind(unit) in ("gdp_share", "probability", "rate"):
        return signed(100 * d, 2)
    return signed(d)


def difference_suffix(unit: str) -> str:
    """What follows the upper bound of a range of differences in ``unit``.

    Parameters
    ----------
    unit : str
        The registered unit.

    Returns
    -------
    str
        `` USD bn``, `` percentage points of GDP``, `` percentage points`` or nothing.
    """
    kind = unit_kind(unit)
    if kind == "money":
        return f"{NBSP}USD{NBSP}bn"
    if kind == "gdp_share":
        return " percentage points of GDP"
    if kind in ("probability", "rate"):
        return " percentage points"
    return ""


def unit_label(unit: str) -> str:
    """A unit as a table column shows it beside :func:`bound_text` values.

    Parameters
    ----------
    unit : str
        The registered unit.

    Returns
    -------
    str
        ``USD bn``, ``% of GDP``, ``% a year`` (probabilities and rates), else the
        registered unit.
    """
    kind = unit_kind(unit)
    if kind == "money":
        return "USD bn"
    if kind == "gdp_share":
        return "% of GDP"
    if kind in ("probability", "rate"):
        return "% a year"
    return unit


def resolving_digits(values, least: int = 3, most: int = 6) -> int:
    """Significant digits that tell a set of values apart (at least ``least``).

    Parameters
    ----------
    values : array_like
        The values shown side by side (a column of point medians).
    least, most : int
        Bounds on the digits.

    Returns
    -------
    int
        Enough digits that the spread of the values shows in two of them.
    """
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if len(finite) < 2:
        return least
    spread = max(finite) - min(finite)
    scale = max(abs(v) for v in finite)
    if spread <= 0 or scale <= 0:
        return least
    return int(min(most, max(least, math.ceil(math.log10(scale / spread)) + 2)))
