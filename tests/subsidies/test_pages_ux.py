"""What people working in the subsidy pages all day rely on: dates in the page's language, filters that
survive paging, empty lists that offer the next step, labelled cells on phones, a way back."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from subsidies.models import Application, ApplicationStatus
from tests.factories.subsidies import ApplicationFactory, ProgrammeWindowFactory


def url(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


def _main(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _crumbs(html: str) -> str:
    return html.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]


@pytest.mark.django_db
def test_dates_follow_the_language(client_of, city_a, coordinator_a, programme_a):
    with scopes_disabled():
        ProgrammeWindowFactory(
            programme=programme_a,
            label="後期",
            opens_on=dt.date(2026, 10, 1),
            closes_on=dt.date(2026, 12, 15),
        )
    client = client_of(coordinator_a)
    html = _main(client.get(url("programme_detail", city_a, pk=programme_a.pk)))
    assert "後期: 2026年10月1日 – 2026年12月15日" in html
    client.cookies["django_language"] = "en"
    html = _main(client.get(url("programme_detail", city_a, pk=programme_a.pk)))
    assert "後期: Oct. 1, 2026 – Dec. 15, 2026" in html


@pytest.mark.django_db
def test_application_list_pages_keep_the_filter(
    client_of, city_a, coordinator_a, sme_a, programme_a, open_window_a
):
    with scopes_disabled():
        ApplicationFactory.create_batch(
            55, sme=sme_a, programme=programme_a, window=open_window_a, status=ApplicationStatus.SUBMITTED
        )
        ApplicationFactory.create_batch(3, sme=sme_a, programme=programme_a, window=open_window_a)
    client = client_of(coordinator_a)
    first = client.get(url("subsidy_application_list", city_a), {"status": "submitted"})
    assert 'href="?status=submitted&amp;page=2"' in first.content.decode()
    second = client.get(url("subsidy_application_list", city_a), {"status": "submitted", "page": 2})
    assert [a.status for a in second.context["applications"]] == ["submitted"] * 5


@pytest.mark.django_db
def test_empty_lists_offer_the_next_step(client_of, city_a, coordinator_a, sme_member_a, programme_a):
    client = client_of(coordinator_a)
    html = _main(client.get(url("subsidy_application_list", city_a)))
    empty = html.split('data-testid="empty-applications"', 1)[1].split("</td>", 1)[0]
    assert f'href="{url("subsidy_application_create", city_a)}"' in empty
    html = _main(client.get(url("subsidy_application_list", city_a), {"status": "granted"}))
    empty = html.split('data-testid="empty-applications"', 1)[1].split("</td>", 1)[0]
    assert "この条件に合う申請はありません。" in empty
    assert "すべての申請を表示" in empty
    html = _main(client_of(sme_member_a).get(url("subsidy_application_list", city_a)))
    assert f'href="{url("subsidy_application_create", city_a)}"' in html
    html = _main(client.get(url("subsidy_calendar", city_a)))
    assert 'data-testid="empty-calendar"' in html
    assert f'href="{url("programme_list", city_a)}"' in html
    with scopes_disabled():
        programme_a.delete()
    html = _main(client.get(url("programme_list", city_a)))
    empty = html.split('data-testid="empty-programmes"', 1)[1].split("</td>", 1)[0]
    assert f'href="{url("programmetemplate_list", city_a)}"' in empty


@pytest.mark.django_db
def test_application_table_labels_its_cells_for_phones(client_of, city_a, coordinator_a, sme_a, programme_a):
    with scopes_disabled():
        window = ProgrammeWindowFactory(programme=programme_a)
        ApplicationFactory(sme=sme_a, programme=programme_a, window=window, amount_requested_jpy=12_345_678)
    html = _main(client_of(coordinator_a).get(url("subsidy_application_list", city_a)))
    labels = re.findall(r'<td data-label="([^"]+)"', html)
    assert labels == ["事業名", "中小企業", "補助制度", "締切", "申請額（円）", "交付額（円）", "状態"]
    assert "12,345,678" in html


@pytest.mark.django_db
def test_pages_lead_back_to_their_lists(client_of, city_a, coordinator_a, sme_member_a, sme_a, programme_a):
    with scopes_disabled():
        window = ProgrammeWindowFactory(programme=programme_a)
        application = ApplicationFactory(sme=sme_a, programme=programme_a, window=window)
    client = client_of(coordinator_a)
    crumbs = _crumbs(_main(client.get(url("programmewindow_edit", city_a, pk=window.pk))))
    assert url("programme_list", city_a) in crumbs
    assert url("programme_detail", city_a, pk=programme_a.pk) in crumbs
    assert programme_a.name in crumbs
    crumbs = _crumbs(_main(client.get(url("subsidy_application_detail", city_a, pk=application.pk))))
    assert url("subsidy_application_list", city_a) in crumbs
    # The eligibility page leads a coordinator to the SME picker and an SME member to its applications.
    crumbs = _crumbs(_main(client.get(url("subsidy_eligibility", city_a, pk=sme_a.pk))))
    assert url("subsidy_eligibility_pick", city_a) in crumbs
    member = client_of(sme_member_a)
    crumbs = _crumbs(_main(member.get(url("subsidy_eligibility", city_a, pk=sme_a.pk))))
    assert url("subsidy_application_list", city_a) in crumbs
    assert url("programme_list", city_a) not in crumbs
    with scopes_disabled():
        assert Application.objects.count() == 1


@pytest.mark.django_db
def test_eligibility_picker_without_smes_offers_to_add_one(client_of, city_a, coordinator_a):
    html = _main(client_of(coordinator_a).get(url("subsidy_eligibility_pick", city_a)))
    assert 'data-testid="empty-smes"' in html
    assert f'href="{reverse("sme_create", kwargs={"municipality": city_a.slug})}"' in html
    assert '<select name="sme"' not in html
