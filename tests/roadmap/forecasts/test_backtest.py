"""The backtest on generated histories whose slips follow a known distribution."""

import datetime
import random

from roadmap.forecasts.backtest import backtest
from roadmap.forecasts.history import History, Observation
from roadmap.targets import Target

AS_OF = datetime.date(2026, 1, 1)
END = datetime.date(2032, 1, 1)


def generated_histories(count: int, seed: int, *, slip_share: float = 0.3) -> list[History]:
    """Milestones tracked from a random day, due 1-13 months later, completed a random delay
    after their target (an exponential of mean 120 days, starting 30 days early); some announce
    a slip first, moving their target later before it ends."""
    rng = random.Random(seed)
    histories = []
    for number in range(count):
        created = AS_OF + datetime.timedelta(days=rng.randint(-1100, 300))
        end = created + datetime.timedelta(days=rng.randint(30, 400))
        observations = [Observation(created, Target.on_day(end), "planned")]
        if rng.random() < slip_share:
            announced = created + datetime.timedelta(days=rng.randint(1, (end - created).days))
            end = end + datetime.timedelta(days=rng.randint(30, 200))
            observations.append(Observation(announced, Target.on_day(end)))
        actual = end + datetime.timedelta(days=int(rng.expovariate(1 / 120)) - 30)
        actual = max(actual, observations[-1].on)
        observations.append(Observation(actual, None, "completed"))
        histories.append(History(number, 1, 1, "final_rule", actual, observations))
    return histories


def test_forecasts_on_histories_with_a_known_slip_distribution_are_calibrated():
    result = backtest(generated_histories(3000, seed=7), as_of=AS_OF, end=END, authority_names={})

    assert result.overall.n >= 200
    assert abs(result.overall.share("p50") - 0.5) <= 0.07
    assert abs(result.overall.share("p80") - 0.8) <= 0.07
