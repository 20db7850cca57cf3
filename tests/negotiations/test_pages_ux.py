"""What people working in the deal pages all day rely on: refused forms show their errors next to their
fields, every label points at its own field, dates read as dates of the page's language, empty lists
offer the next step, and detail pages lead back to their lists."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import Role
from matching.models import MeetingKind
from negotiations.models import Negotiation, Task
from tests.conftest import make_member
from tests.factories.matching import MeetingFactory, ParticipantFactory
from tests.factories.negotiations import NegotiationFactory
from tests.helpers.db_state import assert_db_unchanged

BASE = "/m/city-a/negotiations"


def _main(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _duplicate_ids(html: str) -> list[str]:
    return [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]


@pytest.mark.django_db
def test_refused_nda_dates_show_the_error_on_the_field_and_keep_the_input(client_of, deal_a, coordinator_a):
    response = client_of(coordinator_a).post(
        f"{BASE}/deals/{deal_a.pk}/nda/", {"signed_on": "2026-04-01", "expires_on": "2026-03-01"}
    )
    assert response.status_code == 400
    html = _main(response)
    error = re.search(r'<p class="error" id="nda_expires_on_error_1">([^<]+)</p>', html)
    assert error is not None
    assert error.group(1) == "秘密保持契約の期限は締結日（2026年4月1日）より後にしてください。"
    assert 'value="2026-04-01"' in html
    assert 'value="2026-03-01"' in html
    deal_a.refresh_from_db()
    assert deal_a.nda_signed_on is None


@pytest.mark.django_db
def test_refused_task_shows_its_error_on_the_deal_and_on_the_meeting(
    client_of, deal_a, coordinator_a, city_a
):
    client = client_of(coordinator_a)
    response = client.post(f"{BASE}/deals/{deal_a.pk}/tasks/", {"title": "見積を送る", "due_on": "いつか"})
    assert response.status_code == 400
    html = _main(response)
    assert 'id="task_due_on_error_1"' in html
    assert 'value="見積を送る"' in html
    with scopes_disabled():
        meeting = MeetingFactory(municipality=city_a)
    response = client.post(f"{BASE}/meetings/{meeting.pk}/tasks/", {"title": "", "due_on": "2026-12-01"})
    assert response.status_code == 400
    assert 'id="task_title_error_1"' in _main(response)
    with scopes_disabled():
        assert Task.objects.count() == 0


@pytest.mark.django_db
def test_refused_entry_and_upload_show_their_errors(client_of, deal_a, coordinator_a):
    client = client_of(coordinator_a)
    with assert_db_unchanged():
        response = client.post(f"{BASE}/deals/{deal_a.pk}/entries/", {"kind": "note", "text": ""})
    assert response.status_code == 400
    assert 'id="entry_text_error_1"' in _main(response)
    with assert_db_unchanged():
        response = client.post(f"{BASE}/deals/{deal_a.pk}/documents/", {"kind": "nda", "title": "NDA"})
    assert response.status_code == 400
    html = _main(response)
    assert 'id="document_file_error_1"' in html
    assert "<details open>" in html  # the upload form is unfolded to show its error


@pytest.mark.django_db
def test_deal_and_meeting_pages_have_unique_ids(client_of, deal_a, coordinator_a, city_a):
    with scopes_disabled():
        symposium = MeetingFactory(municipality=city_a, kind=MeetingKind.SYMPOSIUM, company=None)
        ParticipantFactory(meeting=symposium)
    client = client_of(coordinator_a)
    for url in (f"{BASE}/deals/{deal_a.pk}/", f"{BASE}/meetings/{symposium.pk}/"):
        html = client.get(url).content.decode()
        assert _duplicate_ids(html) == [], url
        for target in re.findall(r'<label for="([^"]+)"', html):
            assert f'id="{target}"' in html, target


@pytest.mark.django_db
def test_dates_follow_the_language(client_of, deal_a, coordinator_a):
    with scopes_disabled():
        Negotiation.objects.filter(pk=deal_a.pk).update(
            nda_signed_on=dt.date(2026, 4, 1), nda_expires_on=dt.date(2029, 3, 31)
        )
    client = client_of(coordinator_a)
    html = _main(client.get(f"{BASE}/deals/{deal_a.pk}/"))
    assert "締結 2026年4月1日、期限 2029年3月31日" in html
    client.cookies["django_language"] = "en"
    html = _main(client.get(f"{BASE}/deals/{deal_a.pk}/"))
    assert "signed April 1, 2026, expires March 31, 2029" in html


@pytest.mark.django_db
def test_empty_deal_list_offers_the_next_step_by_role(client_of, city_a, coordinator_a):
    html = _main(client_of(coordinator_a).get(f"{BASE}/deals/"))
    assert 'data-testid="empty-deals"' in html
    assert f'href="{BASE}/deals/new/"' in html
    sme_member = make_member(city_a, Role.SME_MEMBER)
    html = _main(client_of(sme_member).get(f"{BASE}/deals/"))
    assert 'data-testid="empty-deals"' in html
    assert f'href="{BASE}/deals/new/"' not in html


@pytest.mark.django_db
def test_detail_pages_lead_back_to_their_lists(client_of, deal_a, coordinator_a, city_a, parties_a):
    with scopes_disabled():
        meeting = MeetingFactory(municipality=city_a)
    html = _main(client_of(coordinator_a).get(f"{BASE}/deals/{deal_a.pk}/"))
    crumbs = html.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
    assert f'href="{BASE}/"' in crumbs
    assert f'href="{BASE}/deals/"' in crumbs
    html = _main(client_of(parties_a["sme"]).get(f"{BASE}/deals/{deal_a.pk}/"))
    crumbs = html.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
    assert f'href="{BASE}/"' not in crumbs
    assert f'href="{BASE}/deals/"' in crumbs
    html = _main(client_of(coordinator_a).get(f"{BASE}/meetings/{meeting.pk}/edit/"))
    crumbs = html.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
    assert f'href="{BASE}/meetings/{meeting.pk}/"' in crumbs
    assert meeting.title in crumbs


@pytest.mark.django_db
def test_list_tables_label_their_cells_for_phones(client_of, city_a, coordinator_a):
    with scopes_disabled():
        NegotiationFactory(municipality=city_a)
        MeetingFactory(municipality=city_a)
    client = client_of(coordinator_a)
    for url, labels in (
        (f"{BASE}/deals/", ["中小企業", "企業", "状態", "コーディネーター", "最終更新"]),
        (f"{BASE}/meetings/", ["日付", "面談", "種別", "状態", "中小企業"]),
    ):
        html = _main(client.get(url))
        assert 'class="table--stack"' in html
        assert re.findall(r'<td data-label="([^"]+)"', html) == labels, url


@pytest.mark.django_db
def test_my_week_tasks_lead_to_their_deal_or_meeting(client_of, deal_a, coordinator_a, city_a):
    with scopes_disabled():
        meeting = MeetingFactory(municipality=city_a)
        today = timezone.localdate()
        Task.objects.create(
            municipality=city_a,
            negotiation=deal_a,
            title="契約書案を送る",
            due_on=today,
            assignee=coordinator_a,
        )
        Task.objects.create(
            municipality=city_a, meeting=meeting, title="御礼状を送る", due_on=today, assignee=coordinator_a
        )
    html = _main(client_of(coordinator_a).get(f"{BASE}/week/"))
    assert f'href="{BASE}/deals/{deal_a.pk}/"' in html
    assert f'href="{BASE}/meetings/{meeting.pk}/"' in html
    # Each "done" button says which task it completes.
    assert 'aria-label="完了：契約書案を送る"' in html
    assert 'aria-label="完了：御礼状を送る"' in html
