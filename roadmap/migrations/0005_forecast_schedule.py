"""Beat refreshes every forecast each night (a django-celery-beat row editors can change)."""

from django.db import migrations

NAME = "Refresh every forecast"
TASK = "roadmap.forecasts.tasks.forecasts_refresh"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _created = crontab_model.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    task_model.objects.get_or_create(name=NAME, defaults={"task": TASK, "crontab": nightly})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0004_clocks_baselines_forecasts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
