"""Content types of the moved meeting models: app label negotiations → matching, so that audit entries
and permissions recorded before the move keep pointing at their model. Reversible."""

from django.db import migrations

MODELS = ("meeting", "participant", "oneononerequest")


def _move(apps, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("kawasaki", "AuditEntry")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=new_label, model=model).first()
        if new is None:
            old.app_label = new_label
            old.save(update_fields=["app_label"])
            continue
        # Both exist (the new one was made by a post-migrate run in between): keep the new one, move the
        # audit entries to it; deleting the old one removes only its duplicate model permissions.
        AuditEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def forwards(apps, schema_editor):
    _move(apps, "negotiations", "matching")


def backwards(apps, schema_editor):
    _move(apps, "matching", "negotiations")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('kawasaki', '0003_idempotency_record'),
        ('matching', '0002_meetings_from_negotiations'),
        ('negotiations', '0003_meetings_to_matching'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
