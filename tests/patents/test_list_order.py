"""The seed lists' order (company name, then number) read a page at a time (issue 13, point 5).

`SeedsInListOrder` must give exactly what `order_by("company__name_ja", "company_id", "number")` gives,
for every slice a paginator may ask, whatever the filters; its per-company counts are cached until a
write to the municipality's seeds."""

import re

import pytest
from django.core.paginator import Paginator
from django.db.models.signals import post_save
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from patents.models import Patent, PublicationState
from patents.selectors import (
    PatentFilters,
    SeedsInListOrder,
    counts_by_company,
    filter_patents,
    patents_visible_to,
    published_counts_by_company,
)
from patents.signals import seeds_changed
from tests.factories.patents import LargeCompanyFactory, PatentFactory

pytestmark = pytest.mark.django_db

ORDER = ("company__name_ja", "company_id", "number")


@pytest.fixture
def seeds(city_a):
    """Three companies, two of them with the same name, numbers written out of order, some published."""
    with scopes_disabled():
        tama = LargeCompanyFactory(municipality=city_a, name_ja="多摩化学株式会社")
        kawasaki = LargeCompanyFactory(municipality=city_a, name_ja="川崎電機株式会社")
        twin = LargeCompanyFactory(municipality=city_a, name_ja="川崎電機株式会社", with_aliases=False)
        rows = []
        for company, numbers in ((tama, [9, 3, 7, 1]), (kawasaki, [5, 2, 8]), (twin, [6, 4])):
            for n in numbers:
                rows.append(
                    PatentFactory(
                        company=company,
                        number=f"JP{n:04d}",
                        title="sensor housing" if n % 2 else "gear",
                        publication_state=PublicationState.PUBLISHED if n != 5 else PublicationState.DRAFT,
                    )
                )
        # Another city's seeds are never counted.
        PatentFactory(company=LargeCompanyFactory(name_ja="相模原重工株式会社"), number="JP0000")
    return rows


def every_slice(seq, expected):
    for start in range(len(expected) + 1):
        for stop in range(start, len(expected) + 2):
            assert [p.pk for p in seq[start:stop]] == [p.pk for p in expected[start:stop]], (start, stop)


@pytest.mark.parametrize(
    "filters",
    [
        PatentFilters(),
        PatentFilters(q="sensor"),
        PatentFilters(publication_state="published"),
        PatentFilters(q="x"),
    ],
)
def test_every_slice_is_the_ordered_querysets(city_a, coordinator_a, seeds, filters):
    with scope(municipality=city_a):
        queryset = filter_patents(patents_visible_to(user=coordinator_a, municipality=city_a), filters)
        expected = list(queryset.order_by(*ORDER))
        seq = SeedsInListOrder(queryset, municipality=city_a)
        assert seq.count() == len(seq) == len(expected)
        every_slice(seq, expected)
        if expected:
            assert seq[len(expected) - 1].pk == expected[-1].pk
        with pytest.raises(IndexError):
            seq[len(expected)]
    assert filters.q != "x" or expected == []


def test_paginator_pages_follow_the_order(city_a, coordinator_a, seeds):
    with scope(municipality=city_a):
        queryset = patents_visible_to(user=coordinator_a, municipality=city_a)
        expected = [p.number for p in queryset.order_by(*ORDER)]
        paginator = Paginator(SeedsInListOrder(queryset, municipality=city_a), 2)
        pages = [[p.number for p in paginator.page(n).object_list] for n in paginator.page_range]
    assert paginator.num_pages == 5
    assert [number for page in pages for number in page] == expected
    # Company name first (多摩 U+591A before 川崎 U+5DDD), then the company (the twins), then the number.
    assert expected == [
        "JP0001",
        "JP0003",
        "JP0007",
        "JP0009",
        "JP0002",
        "JP0005",
        "JP0008",
        "JP0004",
        "JP0006",
    ]


def test_counts_are_cached_until_the_seeds_change(city_a, coordinator_a, seeds, django_assert_num_queries):
    company = seeds[0].company
    with scope(municipality=city_a):
        queryset = patents_visible_to(user=coordinator_a, municipality=city_a)
        assert counts_by_company(queryset, municipality=city_a)[company.pk] == 4
        with django_assert_num_queries(0):
            assert counts_by_company(queryset, municipality=city_a)[company.pk] == 4
        # A single save (post_save) ends the cached counts ...
        PatentFactory(company=company, number="JP0010")
        assert counts_by_company(queryset, municipality=city_a)[company.pk] == 5
        assert published_counts_by_company(municipality=city_a)[company.pk] == 4
        # ... and so does a bulk write announced with seeds_changed (imports, bulk publication).
        Patent.objects.filter(number="JP0010").update(publication_state=PublicationState.PUBLISHED)
        assert published_counts_by_company(municipality=city_a)[company.pk] == 4  # not announced yet
        seeds_changed.send(sender=Patent, municipality_id=city_a.pk)
        assert published_counts_by_company(municipality=city_a)[company.pk] == 5
    assert post_save.has_listeners(Patent)


def test_seed_list_page_and_api_read_the_same_order(client_of, api_client_of, city_a, coordinator_a, seeds):
    with scope(municipality=city_a):
        expected = [p.number for p in Patent.objects.filter(municipality=city_a).order_by(*ORDER)]
    page = client_of(coordinator_a).get(reverse("patent_list", kwargs={"municipality": "city-a"}) + "?page=1")
    html = page.content.decode()
    positions = [html.index(number) for number in expected]
    assert positions == sorted(positions)
    api = api_client_of(coordinator_a, city_a)
    body = api.get(reverse("api_patent_list")).json()
    assert body["count"] == 9
    assert [row["number"] for row in body["results"]] == expected
    by_number = api.get(reverse("api_patent_list") + "?ordering=-number").json()
    assert [row["number"] for row in by_number["results"]] == sorted(expected, reverse=True)
    searched = api.get(reverse("api_patent_list") + "?q=sensor").json()
    sensors = [number for number in expected if int(number[2:]) % 2]
    assert (searched["count"], [row["number"] for row in searched["results"]]) == (len(sensors), sensors)


def test_company_pages_count_from_the_cached_counts(client_of, city_a, coordinator_a, seeds):
    company = seeds[0].company  # 多摩化学: four seeds, all published
    client = client_of(coordinator_a)
    listing = reverse("company_list", kwargs={"municipality": "city-a"})
    detail = reverse("company_detail", kwargs={"municipality": "city-a", "pk": company.pk})

    def cells(html):
        row = html.split(f'href="{detail}"')[1].split("</tr>")[0]
        return [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]

    assert cells(client.get(listing).content.decode()) == [4, 4]
    with scopes_disabled():
        PatentFactory(company=company, number="JP0011")  # a draft
    assert cells(client.get(listing).content.decode()) == [5, 4]
    page = client.get(detail).content.decode()
    assert f'?company={company.pk}">5</a>' in page
