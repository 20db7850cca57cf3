"""Meetings, participants and one-on-one requests move from the negotiations app to this one.

State only: the tables keep their names (`db_table`, and the many-to-many tables derived from them),
so the database does not change. negotiations/0003 removes the models from that app's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kawasaki', '0003_idempotency_record'),
        ('matching', '0001_screening'),
        # The tables were created (and last changed) by these.
        ('negotiations', '0002_meeting_edit_cancel_nda_reminders'),
        ('patents', '0002_patent_model'),
        ('smes', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('symposium', 'Symposium (open exchange meeting)'), ('closed', 'Closed meeting'), ('one_on_one', 'One-on-one meeting')], max_length=12, verbose_name='kind')),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('held', 'Held'), ('cancelled', 'Cancelled')], default='planned', max_length=12, verbose_name='status')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('starts_at', models.DateTimeField(verbose_name='starts at')),
                ('ends_at', models.DateTimeField(verbose_name='ends at')),
                ('venue', models.CharField(blank=True, max_length=300, verbose_name='venue')),
                ('online_url', models.URLField(blank=True, verbose_name='online meeting URL')),
                ('agenda', models.TextField(blank=True, verbose_name='agenda')),
                ('capacity', models.PositiveIntegerField(blank=True, help_text='Symposiums: how many SMEs may register. Empty: no limit.', null=True, verbose_name='capacity (SMEs)')),
                ('minutes', models.TextField(blank=True, verbose_name='minutes')),
                ('sequence', models.PositiveIntegerField(default=0, verbose_name='calendar revision')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                ('cancel_reason', models.TextField(blank=True, verbose_name='reason for cancelling')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patents.largecompany', verbose_name='large company')),
                ('coordinator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='coordinator')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kawasaki.municipality', verbose_name='municipality')),
                ('presenting_companies', models.ManyToManyField(blank=True, related_name='+', to='patents.largecompany', verbose_name='presenting companies')),
                ('proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='matching.meetingproposal', verbose_name='from proposal')),
                ('seeds', models.ManyToManyField(blank=True, related_name='+', to='patents.patent', verbose_name='seeds')),
            ],
            options={
                'verbose_name': 'meeting',
                'verbose_name_plural': 'meetings',
                'db_table': 'negotiations_meeting',
                'ordering': ['-starts_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Participant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reply', models.CharField(choices=[('pending', 'No reply yet'), ('attending', 'Attending'), ('declined', 'Declined')], default='pending', max_length=12, verbose_name='reply')),
                ('invited_at', models.DateTimeField(blank=True, null=True, verbose_name='invitation sent at')),
                ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='replied at')),
                ('attended', models.BooleanField(blank=True, null=True, verbose_name='attended')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='matching.meeting', verbose_name='meeting')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kawasaki.municipality', verbose_name='municipality')),
                ('sme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='smes.sme', verbose_name='SME')),
            ],
            options={
                'verbose_name': 'participant',
                'verbose_name_plural': 'participants',
                'db_table': 'negotiations_participant',
                'ordering': ['meeting', 'sme__name_ja'],
                'constraints': [models.UniqueConstraint(fields=('meeting', 'sme'), name='participant_unique_sme')],
            },
        ),
        migrations.CreateModel(
            name='OneOnOneRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('status', models.CharField(choices=[('open', 'Open'), ('scheduled', 'Scheduled')], default='open', max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='patents.largecompany', verbose_name='large company')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='matching.meeting', verbose_name='resulting meeting')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kawasaki.municipality', verbose_name='municipality')),
                ('seeds', models.ManyToManyField(blank=True, related_name='+', to='patents.patent', verbose_name='seeds')),
                ('sme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='smes.sme', verbose_name='SME')),
                ('symposium', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='requests', to='matching.meeting', verbose_name='symposium')),
            ],
            options={
                'verbose_name': 'one-on-one request',
                'verbose_name_plural': 'one-on-one requests',
                'db_table': 'negotiations_oneononerequest',
                'ordering': ['-created_at', '-id'],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
