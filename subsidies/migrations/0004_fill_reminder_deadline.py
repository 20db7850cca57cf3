"""Reminders sent before the deadline was part of their key were about the window's closing date of
that time; the best record of it is the window's current closing date."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_deadline(apps, schema_editor):
    SentReminder = apps.get_model("subsidies", "SentReminder")
    ProgrammeWindow = apps.get_model("subsidies", "ProgrammeWindow")
    closes_on = ProgrammeWindow.objects.filter(pk=OuterRef("window_id")).values("closes_on")[:1]
    SentReminder.objects.filter(deadline__isnull=True).update(deadline=Subquery(closes_on))


class Migration(migrations.Migration):

    dependencies = [
        ("subsidies", "0003_add_withdrawal_small_scale_reminder_deadline"),
    ]

    operations = [
        migrations.RunPython(fill_deadline, migrations.RunPython.noop),
    ]
