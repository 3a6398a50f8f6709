"""Empirical P50 and P80 dates from the tracker's own history of targets and outcomes.

Every target a milestone ever had is a *snapshot*; its *delay* is how many days after the
target's last day the milestone was completed. A milestone still open gives a censored delay
(at least as long as the time since its target's end), never a dropped one, and the survival
curve of each group is the Kaplan-Meier estimate over both. Cancelled milestones have no outcome.

A milestone is compared with the snapshots of the same authority, kind of step and precision,
then of its jurisdiction, then with everything; inside each, first with those that share its
stratum (whether it had slipped before, and whether it was tracked for a year or more). The first
group with at least ``MIN_OUTCOMES`` known outcomes whose curve reaches 80 % is used. Its quantiles
are conditioned on the milestone not being done yet: an overdue milestone is forecast after today.
Fewer outcomes than that anywhere: no forecast rather than a guess.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_OUTCOMES = 20
AGED_DAYS = 365
QUANTILES = (0.5, 0.8)

STEPS = {
    "comment_period": gettext_lazy("comment period"),
    "proposed_rule": gettext_lazy("proposed rule"),
    "final_rule": gettext_lazy("final rule"),
    "effective": gettext_lazy("entry into force"),
    "consultation": gettext_lazy("consultation"),
    "report": gettext_lazy("report"),
    "legislation": gettext_lazy("legislation"),
    "other": gettext_lazy("other step"),
}
_STEP_PATTERNS = [
    ("comment_period", re.compile(r"comment", re.I)),
    ("proposed_rule", re.compile(r"\bnprm\b|\banprm\b|proposed rule|proposal|propose", re.I)),
    ("final_rule", re.compile(r"final rule|\bfinal\b|adopt", re.I)),
    ("effective", re.compile(r"effective|in force|takes effect|compliance|transition", re.I)),
    ("consultation", re.compile(r"consult|roundtable|request for", re.I)),
    ("report", re.compile(r"report|study|review", re.I)),
    ("legislation", re.compile(r"\bbill\b|\bact\b|\blaw\b|legislat|enact", re.I)),
]
LEVELS = {
    "authority": gettext_lazy("the same authority, kind of step and precision"),
    "jurisdiction": gettext_lazy("the same jurisdiction, kind of step and precision"),
    "everything": gettext_lazy("every tracked milestone"),
}


def step_of(title: str) -> str:
    """Return the kind of step a milestone's title names (an NPRM, a final rule, …)."""
    for step, pattern in _STEP_PATTERNS:
        if pattern.search(title):
            return step
    return "other"


@dataclass(frozen=True)
class Facts:
    """What makes two targets comparable."""

    authority: int
    jurisdiction: int
    step: str
    precision: str


@dataclass(frozen=True)
class Snapshot:
    facts: Facts
    slipped: bool
    aged: bool
    delay: int
    known: bool


@dataclass(frozen=True)
class Curve:
    """A Kaplan-Meier survival curve: ``points`` are (delay, share not done by then) steps."""

    sample_size: int
    outcomes: int
    points: tuple[tuple[int, float], ...]

    def survival_before(self, delay: int) -> float:
        """The share not done at any delay below ``delay``."""
        index = bisect.bisect_left(self.points, (delay, -1.0))
        return self.points[index - 1][1] if index else 1.0

    def quantile(self, share: float, *, not_before: int) -> int | None:
        """The smallest delay by which ``share`` of those not done before ``not_before`` are."""
        start = self.survival_before(not_before)
        if start <= 0:
            return None
        goal = start * (1 - share) + 1e-12
        index = bisect.bisect_left(self.points, (not_before, -1.0))
        for delay, survival in self.points[index:]:
            if survival <= goal:
                return delay
        return None

    def as_json(self) -> list:
        return [[delay, round(survival, 6)] for delay, survival in self.points]

    @classmethod
    def from_json(cls, points: list, *, sample_size: int, outcomes: int) -> Curve:
        return cls(sample_size, outcomes, tuple((int(d), float(s)) for d, s in points))


def kaplan_meier(delays: Iterable[tuple[int, bool]]) -> Curve:
    """Estimate the survival curve of ``(delay, known)`` pairs; unknown ones are censored there."""
    events: dict[int, int] = defaultdict(int)
    censored: dict[int, int] = defaultdict(int)
    for delay, known in delays:
        (events if known else censored)[delay] += 1
    at_risk = sum(events.values()) + sum(censored.values())
    survival, points = 1.0, []
    for delay in sorted(events.keys() | censored.keys()):
        if events[delay]:
            survival *= 1 - events[delay] / at_risk
            points.append((delay, survival))
        at_risk -= events[delay] + censored[delay]
    return Curve(sum(events.values()) + sum(censored.values()), sum(events.values()), tuple(points))


def group_keys(facts: Facts, slipped: bool, aged: bool) -> list[tuple[str, str, bool]]:
    """The groups a target belongs to, most comparable first: (key, level, stratified)."""
    stratum = f"{int(slipped)}{int(aged)}"
    levels = [
        ("authority", f"a:{facts.authority}:{facts.step}:{facts.precision}"),
        ("jurisdiction", f"j:{facts.jurisdiction}:{facts.step}:{facts.precision}"),
        ("everything", "all"),
    ]
    keys = []
    for level, key in levels:
        keys.append((f"{key}|{stratum}", level, True))
        keys.append((f"{key}|*", level, False))
    return keys


def curves(snapshots: Iterable[Snapshot]) -> dict[str, Curve]:
    """Return the survival curve of every group that has snapshots."""
    grouped: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for snapshot in snapshots:
        pair = (snapshot.delay, snapshot.known)
        for key, _level, _stratified in group_keys(snapshot.facts, snapshot.slipped, snapshot.aged):
            grouped[key].append(pair)
    return {key: kaplan_meier(pairs) for key, pairs in grouped.items()}


@dataclass(frozen=True)
class Result:
    """A forecast, or the reason there is none (``p50`` and ``p80`` empty)."""

    p50: datetime.date | None
    p80: datetime.date | None
    sample_size: int
    outcomes: int
    level: str
    step: str
    slipped: bool | None
    aged: bool | None


def forecast(
    *,
    facts: Facts,
    target_end: datetime.date,
    slipped: bool,
    aged: bool,
    today: datetime.date,
    curves: Mapping[str, Curve],
) -> Result:
    """Forecast a milestone open ``today`` whose target ends on ``target_end``."""
    not_before = (today - target_end).days
    largest = None
    for key, level, stratified in group_keys(facts, slipped, aged):
        curve = curves.get(key)
        if curve is None:
            continue
        if largest is None or curve.outcomes > largest.outcomes:
            largest = curve
        if curve.outcomes < MIN_OUTCOMES:
            continue
        p50, p80 = (curve.quantile(share, not_before=not_before) for share in QUANTILES)
        if p50 is None or p80 is None:
            continue
        return Result(
            target_end + datetime.timedelta(days=p50),
            target_end + datetime.timedelta(days=p80),
            curve.sample_size,
            curve.outcomes,
            level,
            facts.step,
            slipped if stratified else None,
            aged if stratified else None,
        )
    return Result(
        None,
        None,
        largest.sample_size if largest else 0,
        largest.outcomes if largest else 0,
        "",
        facts.step,
        None,
        None,
    )


def basis_words(
    *,
    level: str,
    step: str,
    precision_label: str,
    authority: str,
    jurisdiction: str,
    slipped: bool | None,
    aged: bool | None,
) -> str:
    """Name the group a forecast comes from: "SEC · final rule · quarter targets · slipped"."""
    if level == "everything":
        parts = [str(LEVELS["everything"])]
    else:
        where = authority if level == "authority" else jurisdiction
        parts = [
            where,
            str(STEPS.get(step, STEPS["other"])),
            _("%(precision)s targets") % {"precision": precision_label},
        ]
    if slipped is not None:
        parts.append(_("slipped before") if slipped else _("never slipped"))
    if aged is not None:
        parts.append(_("tracked a year or more") if aged else _("tracked under a year"))
    return " · ".join(parts)
