"""Meetings moved from the negotiations app to this one without touching the database: the models keep
their tables (and their many-to-many tables), and the content types of rows recorded before the move
(audit entries, permissions) are carried over by matching/0003, reversibly."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry
from matching.models import Meeting, OneOnOneRequest, Participant

content_types = importlib.import_module("matching.migrations.0003_meeting_content_types")


def test_models_keep_the_tables_of_the_negotiations_app(db):
    names = {
        Meeting._meta.db_table,
        Participant._meta.db_table,
        OneOnOneRequest._meta.db_table,
        Meeting.presenting_companies.through._meta.db_table,
        Meeting.seeds.through._meta.db_table,
        OneOnOneRequest.seeds.through._meta.db_table,
    }
    assert names == {
        "negotiations_meeting",
        "negotiations_participant",
        "negotiations_oneononerequest",
        "negotiations_meeting_presenting_companies",
        "negotiations_meeting_seeds",
        "negotiations_oneononerequest_seeds",
    }
    assert names <= set(connection.introspection.table_names())
    tables = set(connection.introspection.table_names())
    assert not {
        t
        for t in tables
        if t.startswith(("matching_meeting_", "matching_oneononerequest", "matching_participant"))
    }
    assert "matching_meeting" not in tables


@pytest.mark.django_db
def test_content_types_move_to_matching_and_back(city_a):
    """An audit entry recorded against negotiations.meeting follows the model to matching; backwards it
    goes back with the content type."""
    with scopes_disabled():
        old = ContentType.objects.create(app_label="negotiations", model="meeting")
        entry = AuditEntry.objects.create(
            municipality=city_a, action="meeting.created", content_type=old, object_id="1"
        )
        current = ContentType.objects.get_by_natural_key("matching", "meeting")
        # Both exist (the test database made matching's): the entries move, the old type goes.
        content_types.forwards(apps, None)
        entry.refresh_from_db()
        assert entry.content_type_id == current.pk
        assert not ContentType.objects.filter(app_label="negotiations", model="meeting").exists()
        # Backwards: the type itself is relabelled, the entry keeps pointing at it.
        content_types.backwards(apps, None)
        entry.refresh_from_db()
        assert (entry.content_type.app_label, entry.content_type.model) == ("negotiations", "meeting")
        assert not ContentType.objects.filter(app_label="matching", model="meeting").exists()
        content_types.forwards(apps, None)
        entry.refresh_from_db()
        assert (entry.content_type.app_label, entry.content_type.model) == ("matching", "meeting")
    ContentType.objects.clear_cache()
