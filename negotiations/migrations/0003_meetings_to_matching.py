"""Meetings, participants and one-on-one requests now belong to the matching app (matching/0002).

State only: a task's meeting points at matching.Meeting (same table, same column), and the three
models leave this app's state. Nothing in the database changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0002_meetings_from_negotiations'),
        ('negotiations', '0002_meeting_edit_cancel_nda_reminders'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='task',
            name='meeting',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='matching.meeting', verbose_name='meeting'),
        ),
        migrations.DeleteModel(name='OneOnOneRequest'),
        migrations.DeleteModel(name='Participant'),
        migrations.DeleteModel(name='Meeting'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
