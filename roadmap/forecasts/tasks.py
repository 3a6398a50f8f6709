"""The forecasts' Celery task: beat runs it nightly (roadmap/migrations/0005_forecast_schedule)."""

from celery import shared_task

from roadmap import services


@shared_task
def forecasts_refresh() -> int:
    """Rebuild every forecast from the whole history; return how many were written."""
    return services.forecasts_refresh()
