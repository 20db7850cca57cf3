"""Services: adoption of shared templates, windows, amounts, the status table with its dates, notes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from subsidies import services
from subsidies.models import Application, ApplicationStatus, Programme, ProgrammeWindow
from tests.factories.smes import BusinessPlanFactory
from tests.factories.subsidies import (
    ApplicationFactory,
    ProgrammeTemplateFactory,
    TemplateWindowFactory,
)
from tests.helpers.db_state import assert_db_unchanged


def _messages(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


@pytest.mark.django_db
def test_adopting_a_template_copies_it_into_the_municipality(city_a, city_b, coordinator_a):
    today = timezone.localdate()
    with scopes_disabled():
        template = ProgrammeTemplateFactory(
            name="ものづくり補助金（例）", business_plan_required=True, industries=["E"]
        )
        TemplateWindowFactory(
            template=template,
            label="過去",
            opens_on=today - dt.timedelta(days=60),
            closes_on=today - dt.timedelta(days=1),
        )
        TemplateWindowFactory(
            template=template, label="次回", opens_on=today, closes_on=today + dt.timedelta(days=30)
        )
    with scope(municipality=city_a):
        programme = services.programme_adopt(municipality=city_a, actor=coordinator_a, template=template)
        assert (
            programme.name,
            programme.business_plan_required,
            programme.industries,
            programme.template_id,
        ) == (
            "ものづくり補助金（例）",
            True,
            ["E"],
            template.pk,
        )
        assert list(ProgrammeWindow.objects.filter(programme=programme).values_list("label", flat=True)) == [
            "次回"
        ]
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.programme_adopt(municipality=city_a, actor=coordinator_a, template=template)
        assert error.value.messages == ["This programme has already been adopted."]
        assert AuditEntry.objects.filter(action="subsidy_programme.adopted").count() == 1
        # The copy is A's own: editing it leaves the template as it was.
        services.programme_update(programme=programme, actor=coordinator_a, data={"name": "改名"})
    with scope(municipality=city_b):
        assert Programme.objects.filter(municipality=city_b).count() == 0
    template.refresh_from_db()
    assert template.name == "ものづくり補助金（例）"


@pytest.mark.django_db
def test_window_closing_before_it_opens_is_refused(city_a, programme_a, coordinator_a):
    with scope(municipality=city_a), translation.override("en"), pytest.raises(ValidationError) as error:
        services.window_create(
            programme=programme_a,
            actor=coordinator_a,
            label="x",
            opens_on=dt.date(2026, 12, 1),
            closes_on=dt.date(2026, 11, 30),
        )
    assert error.value.message_dict == {"closes_on": ["The window cannot close before it opens."]}


@pytest.mark.django_db
def test_rate_over_100_percent_is_refused(city_a, coordinator_a):
    with scope(municipality=city_a), translation.override("en"), pytest.raises(ValidationError) as error:
        services.programme_create(
            municipality=city_a,
            actor=coordinator_a,
            data={"name": "x", "agency": "y", "level": "city", "rate_numerator": 3, "rate_denominator": 2},
        )
    assert error.value.message_dict == {"rate_numerator": ["The subsidy rate cannot be more than 100%."]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0, "Enter a positive whole number of yen."),
        (-5, "Enter a positive whole number of yen."),
        (
            5_000_001,
            "The amount requested (5,000,001 yen) is more than the programme's maximum of 5,000,000 yen.",
        ),
    ],
)
def test_bad_requested_amounts_are_refused(
    city_a, sme_a, programme_a, open_window_a, coordinator_a, amount, message
):
    with scope(municipality=city_a), translation.override("en"), pytest.raises(ValidationError) as error:
        services.application_create(
            sme=sme_a,
            programme=programme_a,
            actor=coordinator_a,
            window=open_window_a,
            title="t",
            amount_requested_jpy=amount,
        )
    assert error.value.message_dict == {"amount_requested_jpy": [message]}


@pytest.mark.django_db
def test_requested_amount_at_the_maximum_is_accepted(
    city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    with scope(municipality=city_a):
        application = services.application_create(
            sme=sme_a,
            programme=programme_a,
            actor=coordinator_a,
            window=open_window_a,
            title="t",
            amount_requested_jpy=5_000_000,
        )
    assert (application.status, application.coordinator, application.amount_requested_jpy) == (
        "draft",
        coordinator_a,
        5_000_000,
    )


@pytest.mark.django_db
def test_links_to_other_programmes_and_smes_are_refused(
    city_a, sme_a, other_sme_a, programme_a, open_window_a, coordinator_a
):
    with scopes_disabled():
        other_window = ProgrammeWindow.objects.create(
            municipality=city_a,
            programme=Programme.objects.create(municipality=city_a, name="別", agency="x", level="city"),
            label="x",
            opens_on=open_window_a.opens_on,
            closes_on=open_window_a.closes_on,
        )
        other_plan = BusinessPlanFactory(sme=other_sme_a)
    with scope(municipality=city_a), translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.application_create(
                sme=sme_a,
                programme=programme_a,
                actor=coordinator_a,
                window=other_window,
                title="t",
                amount_requested_jpy=1,
            )
        assert error.value.message_dict == {"window": ["This window belongs to another programme."]}
        with pytest.raises(ValidationError) as error:
            services.application_create(
                sme=sme_a,
                programme=programme_a,
                actor=coordinator_a,
                window=open_window_a,
                title="t",
                amount_requested_jpy=1,
                business_plan=other_plan,
            )
        assert error.value.message_dict == {"business_plan": ["This business plan belongs to another SME."]}


def _day(value):
    return formats.date_format(value, "DATE_FORMAT")


def _app(city, sme, programme, window, **kwargs):
    with scopes_disabled():
        return ApplicationFactory(sme=sme, programme=programme, window=window, **kwargs)


@pytest.mark.django_db
def test_application_goes_from_draft_to_result_reported(
    city_a, sme_a, sme_member_a, programme_a, open_window_a, coordinator_a
):
    application = _app(city_a, sme_a, programme_a, open_window_a, amount_requested_jpy=3_000_000)
    today = timezone.localdate()
    with scope(municipality=city_a):
        assert services.transitions_for(application=application, user=sme_member_a) == [
            "submitted",
            "withdrawn",
        ]
        services.application_set_status(application=application, new_status="submitted", actor=sme_member_a)
        assert services.transitions_for(application=application, user=sme_member_a) == ["withdrawn"]
        assert services.transitions_for(application=application, user=coordinator_a) == [
            "draft",
            "granted",
            "rejected",
            "withdrawn",
        ]
        with assert_db_unchanged(), pytest.raises(PermissionDenied):
            services.application_set_status(
                application=application, new_status="granted", actor=sme_member_a, amount_granted_jpy=1
            )
        services.application_set_status(
            application=application, new_status="granted", actor=coordinator_a, amount_granted_jpy=2_000_000
        )
        services.application_set_status(
            application=application, new_status="result_reported", actor=coordinator_a
        )
        stored = Application.objects.get(pk=application.pk)
        assert (
            stored.status,
            stored.submitted_on,
            stored.decided_on,
            stored.result_reported_on,
            stored.amount_granted_jpy,
        ) == (
            ApplicationStatus.RESULT_REPORTED,
            today,
            today,
            today,
            2_000_000,
        )
        entries = AuditEntry.objects.filter(action="subsidy_application.status_changed").order_by("id")
        assert [e.changes["status"] for e in entries] == [
            {"old": "draft", "new": "submitted"},
            {"old": "submitted", "new": "granted"},
            {"old": "granted", "new": "result_reported"},
        ]
        assert entries[1].changes["amount_granted_jpy"] == {"old": None, "new": 2_000_000}
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.application_set_status(application=stored, new_status="draft", actor=coordinator_a)
        assert error.value.messages == ["An application cannot move from “Result reported” to “Draft”."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("granted", "field", "message"),
    [
        (None, "amount_granted_jpy", "Enter the amount granted."),
        (0, "amount_granted_jpy", "Enter a positive whole number of yen."),
        (
            3_000_001,
            "amount_granted_jpy",
            "The amount granted (3,000,001 yen) cannot be more than the amount requested (3,000,000 yen).",
        ),
    ],
)
def test_bad_granted_amounts_are_refused(
    city_a, sme_a, programme_a, open_window_a, coordinator_a, granted, field, message
):
    application = _app(city_a, sme_a, programme_a, open_window_a, amount_requested_jpy=3_000_000)
    with scope(municipality=city_a), translation.override("en"):
        services.application_set_status(application=application, new_status="submitted", actor=coordinator_a)
        with pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=application, new_status="granted", actor=coordinator_a, amount_granted_jpy=granted
            )
    assert error.value.message_dict == {field: [message]}


@pytest.mark.django_db
def test_granted_equal_to_requested_is_accepted(city_a, sme_a, programme_a, open_window_a, coordinator_a):
    application = _app(city_a, sme_a, programme_a, open_window_a, amount_requested_jpy=3_000_000)
    with scope(municipality=city_a):
        services.application_set_status(application=application, new_status="submitted", actor=coordinator_a)
        services.application_set_status(
            application=application, new_status="granted", actor=coordinator_a, amount_granted_jpy=3_000_000
        )
    assert application.amount_granted_jpy == 3_000_000


@pytest.mark.django_db
def test_bad_dates_are_refused(city_a, sme_a, programme_a, open_window_a, coordinator_a):
    application = _app(city_a, sme_a, programme_a, open_window_a)
    today = timezone.localdate()
    w = open_window_a
    with scope(municipality=city_a), translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=application,
                new_status="submitted",
                actor=coordinator_a,
                on=today + dt.timedelta(days=1),
            )
        assert error.value.message_dict == {"on": ["The date cannot be in the future."]}
        before = w.opens_on - dt.timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=application, new_status="submitted", actor=coordinator_a, on=before
            )
        assert error.value.message_dict == {
            "on": [
                f"The submission date {_day(before)} is outside the window ({_day(w.opens_on)} to {_day(w.closes_on)})."
            ]
        }
        services.application_set_status(
            application=application,
            new_status="submitted",
            actor=coordinator_a,
            on=w.opens_on + dt.timedelta(days=2),
        )
        with pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=application, new_status="rejected", actor=coordinator_a, on=w.opens_on
            )
        assert error.value.message_dict == {
            "on": [
                f"The decision date cannot be before the submission date ({_day(w.opens_on + dt.timedelta(days=2))})."
            ]
        }


@pytest.mark.django_db
def test_only_drafts_are_edited(city_a, sme_a, sme_member_a, programme_a, open_window_a, coordinator_a):
    application = _app(city_a, sme_a, programme_a, open_window_a, amount_requested_jpy=1_000_000)
    with scope(municipality=city_a), translation.override("en"):
        services.application_update(
            application=application, actor=sme_member_a, data={"amount_requested_jpy": 1_500_000}
        )
        assert AuditEntry.objects.get(action="subsidy_application.updated").changes == {
            "amount_requested_jpy": {"old": 1_000_000, "new": 1_500_000}
        }
        services.application_set_status(application=application, new_status="submitted", actor=sme_member_a)
        with pytest.raises(ValidationError) as error:
            services.application_update(application=application, actor=sme_member_a, data={"title": "x"})
    assert error.value.messages == ["Only a draft can be edited; this application is Submitted."]


@pytest.mark.django_db
def test_notes_are_for_coordinators(city_a, sme_a, sme_member_a, programme_a, open_window_a, coordinator_a):
    application = _app(city_a, sme_a, programme_a, open_window_a)
    with scope(municipality=city_a):
        with assert_db_unchanged(), pytest.raises(PermissionDenied):
            services.application_note_add(application=application, actor=sme_member_a, body="x")
        note = services.application_note_add(
            application=application, actor=coordinator_a, body=" 審査員の関心は量産性 "
        )
    assert (note.body, note.author_label) == ("審査員の関心は量産性", str(coordinator_a))


@pytest.mark.django_db
def test_window_dates_are_corrected_and_checked(client_of, city_a, open_window_a, coordinator_a):
    client = client_of(coordinator_a)
    edit = reverse("programmewindow_edit", kwargs={"municipality": city_a.slug, "pk": open_window_a.pk})
    with assert_db_unchanged():
        bad = client.post(edit, {"label": "後期", "opens_on": "2026-12-10", "closes_on": "2026-12-01"})
    assert bad.status_code == 400
    assert "締切日は受付開始日より前にできません。" in bad.content.decode()
    good = client.post(edit, {"label": "後期（延長）", "opens_on": "2026-12-01", "closes_on": "2026-12-20"})
    assert good.status_code == 302
    with scopes_disabled():
        open_window_a.refresh_from_db()
        entry = AuditEntry.objects.get(action="subsidy_window.updated")
    assert (open_window_a.label, open_window_a.opens_on, open_window_a.closes_on) == (
        "後期（延長）",
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 20),
    )
    assert entry.changes["closes_on"]["new"] == "2026-12-20"


@pytest.mark.django_db
def test_oversized_document_is_refused(city_a, sme_a, programme_a, open_window_a, coordinator_a, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = _app(city_a, sme_a, programme_a, open_window_a)
    big = SimpleUploadedFile(
        "big.pdf", b"0" * (services.MAX_DOCUMENT_BYTES + 1), content_type="application/pdf"
    )
    with scope(municipality=city_a), translation.override("ja"), pytest.raises(ValidationError) as error:
        services.application_document_add(application=application, actor=coordinator_a, title="大", file=big)
    assert error.value.message_dict == {
        "file": ["ファイルが大きすぎます。補助金申請の書類は 20 MB までです。"]
    }


@pytest.mark.django_db
def test_a_deal_linked_application_is_not_submitted_or_decided_before_the_deal_opened(
    city_a, sme_a, programme_a, open_window_a, coordinator_a
):
    from negotiations.models import EntryKind, Negotiation, TimelineEntry
    from tests.factories.negotiations import NegotiationFactory

    today = timezone.localdate()
    with scopes_disabled():
        deal = NegotiationFactory(municipality=city_a, sme=sme_a)
        # Created in the app today, but its history starts five days ago (the first timeline entry).
        first = TimelineEntry.objects.create(
            municipality=city_a, negotiation=deal, kind=EntryKind.NOTE, text="初回連絡"
        )
        opened = today - dt.timedelta(days=5)
        TimelineEntry.objects.filter(pk=first.pk).update(
            created_at=timezone.make_aware(dt.datetime.combine(opened, dt.time(10)))
        )
    application = _app(
        city_a, sme_a, programme_a, open_window_a, amount_requested_jpy=1_000_000, negotiation=deal
    )
    too_early = opened - dt.timedelta(days=1)
    with scope(municipality=city_a), translation.override("en"):
        with assert_db_unchanged(), pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=application, new_status="submitted", actor=coordinator_a, on=too_early
            )
        assert error.value.message_dict == {
            "on": [f"The date {_day(too_early)} is before the linked deal was opened ({_day(opened)})."]
        }
        services.application_set_status(
            application=application, new_status="submitted", actor=coordinator_a, on=opened
        )
        # Without timeline entries the deal opened the day it was created.
        with scopes_disabled():
            TimelineEntry.objects.filter(negotiation=deal).delete()
            Negotiation.objects.filter(pk=deal.pk).update(
                created_at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=2), dt.time(9)))
            )
            deal.refresh_from_db()
        application.refresh_from_db()
        with assert_db_unchanged(), pytest.raises(ValidationError) as error:
            services.application_set_status(
                application=application,
                new_status="rejected",
                actor=coordinator_a,
                on=today - dt.timedelta(days=3),
            )
        assert error.value.message_dict == {
            "on": [
                f"The date {_day(today - dt.timedelta(days=3))} is before the linked deal was opened "
                f"({_day(today - dt.timedelta(days=2))})."
            ]
        }
    with scopes_disabled():
        application.refresh_from_db()
        assert (application.status, application.submitted_on, application.decided_on) == (
            "submitted",
            opened,
            None,
        )
