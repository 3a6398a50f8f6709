"""Beat's schedule, as rows editors can change in the admin (django-celery-beat)."""

from django.db import migrations

TASKS = [
    ("Dispatch digests and reminders", "tracker.tasks.dispatch", 5),
    ("Re-queue stuck or lost deliveries", "tracker.tasks.sweep", 10),
]


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in TASKS:
        interval, _created = interval_model.objects.get_or_create(every=minutes, period="minutes")
        task_model.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def remove_schedule(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(task__in=[task for _name, task, _minutes in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
