"""Beat runs the due watches every five minutes (a row editors can change in the admin)."""

from django.db import migrations

NAME = "Run due watches"
TASK = "roadmap.sources.tasks.run_due_watches"


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _created = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": interval})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
