"""Forecast refresh: the nightly rebuild of every group's curve and every open milestone's
forecast, at 10,000 and at 100,000 milestones with their history.

The data is the benchmark roadmap (``tests.support.datasets.build_roadmap``): each milestone's
creation entry, a recorded slip for one in five dated ones, and a quarter completed (known
outcomes). The refresh reads the whole history, so its time grows with the history; the target
is 30 seconds at 100,000 milestones. The first refresh at each size is not measured: the
measured ones, like the nightly one, replace forecasts that already exist.

    python tests/benchmarks/bench_forecasts.py
"""

from common import row, setup_django, throwaway_database, timings, write_report

SIZES = [10_000, 100_000]
TARGET_SECONDS = 30


def measure() -> list[dict]:
    from roadmap.models import Forecast, MilestoneUpdate
    from roadmap.services import forecasts_refresh
    from tests.support.datasets import build_roadmap

    rows = []
    for size in SIZES:
        build_roadmap(milestones=size, workstreams=50)
        history = MilestoneUpdate.objects.count()
        seconds = timings(forecasts_refresh, repeat=3)
        written = Forecast.objects.count()
        with_figures = Forecast.objects.filter(p80__isnull=False).count()
        rows.append(
            row(
                f"forecast refresh, {size:,} milestones ({history:,} history entries, "
                f"{written:,} forecasts, {with_figures:,} with P50/P80)",
                seconds,
                unit="s",
                target=f"≤ {TARGET_SECONDS}",
                passed=max(seconds) <= TARGET_SECONDS,
            )
        )
    return rows


def main() -> None:
    setup_django()
    with throwaway_database("bench_forecasts"):
        write_report("bench_forecasts", measure())


if __name__ == "__main__":
    main()
