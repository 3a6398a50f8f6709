"""A milestone's recorded history replayed as it was known on a day.

Each observation counts from when its source published it (``MilestoneUpdate.observed_at``), not
from when the tracker recorded it, so a year of agenda editions imported in one afternoon is still a
year of history, and nothing observed after the day leaks into what was known on it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from roadmap.forecasts.forecast import AGED_DAYS, Facts, Snapshot
from roadmap.models import Status
from roadmap.targets import Target


def is_aged(first_seen: datetime.date, set_on: datetime.date) -> bool:
    """Whether a target set on ``set_on`` came when the milestone had been tracked a year or more
    (since ``first_seen``): the forecasts' "aged" stratum, nightly and after each change."""
    return (set_on - first_seen).days >= AGED_DAYS


@dataclass(frozen=True)
class Observation:
    on: datetime.date
    target: Target | None = None
    status: str = ""


@dataclass
class History:
    """Everything recorded about one milestone, observations in the order they were published."""

    milestone: int
    authority: int
    jurisdiction: int
    step: str
    actual_date: datetime.date | None
    observations: list[Observation] = field(default_factory=list)


@dataclass(frozen=True)
class State:
    """What was known about a milestone on a day."""

    first_seen: datetime.date
    targets: tuple[tuple[datetime.date, Target, bool], ...]  # (set on, target, slipped before)
    status: str
    actual_date: datetime.date | None

    @property
    def target(self) -> Target | None:
        return self.targets[-1][1] if self.targets else None

    @property
    def slipped(self) -> bool:
        """Whether the current target came after a slip."""
        return bool(self.targets) and self.targets[-1][2]

    @property
    def is_open(self) -> bool:
        return self.status not in Status.final_values()

    @property
    def aged(self) -> bool:
        """Whether it had been tracked a year or more when its current target was set."""
        return bool(self.targets) and is_aged(self.first_seen, self.targets[-1][0])


def state_on(history: History, day: datetime.date | None) -> State | None:
    """Replay ``history`` up to ``day`` included (``None``: all of it); ``None`` if not yet seen."""
    seen = [o for o in history.observations if day is None or o.on <= day]
    if not seen:
        return None
    targets: list[tuple[datetime.date, Target, bool]] = []
    status, slipped = "", False
    for observation in seen:
        if observation.status:
            status = observation.status
        target = observation.target
        if target is not None and target.is_dated:
            if targets and target.span()[1] > targets[-1][1].span()[1]:
                slipped = True
            targets.append((observation.on, target, slipped))
    actual = history.actual_date if status == Status.COMPLETED else None
    return State(seen[0].on, tuple(targets), status, actual)


def snapshots(histories: Iterable[History], day: datetime.date) -> Iterator[Snapshot]:
    """Every target known on ``day`` with its delay: known if completed by then, else censored."""
    for history in histories:
        state = state_on(history, day)
        if state is None or state.status == Status.CANCELLED or not state.targets:
            continue
        for set_on, target, slipped in state.targets:
            facts = Facts(
                history.authority, history.jurisdiction, history.step, target.precision.value
            )
            aged = is_aged(state.first_seen, set_on)
            end = target.span()[1]
            if state.status == Status.COMPLETED and state.actual_date is not None:
                yield Snapshot(facts, slipped, aged, (state.actual_date - end).days, True)
            else:
                yield Snapshot(facts, slipped, aged, (day - end).days, False)
