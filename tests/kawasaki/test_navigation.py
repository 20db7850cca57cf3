"""The menu: each link under the area a person looks for it in, and exactly one link marked current."""

import re

import pytest
from django.urls import reverse


def _menu(html: str) -> dict[str, list[tuple[str, bool]]]:
    """{group key: [(link label, is current)]} from the rendered site menu."""
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    groups = {}
    for key, body in re.findall(r'<li data-group="([^"]+)">(.*?)</details>', nav, flags=re.S):
        groups[key] = [
            (label.strip(), bool(current))
            for current, label in re.findall(r'<a href="[^"]+" ?(aria-current="page")?>([^<]+)</a>', body)
        ]
    return groups


@pytest.mark.django_db
def test_meetings_sit_with_deals_and_only_the_meeting_link_is_current(client_of, city_a, coordinator_a):
    html = client_of(coordinator_a).get(reverse("meeting_list", kwargs={"municipality": city_a.slug}))
    menu = _menu(html.content.decode())
    deals = dict(menu["negotiations"])
    assert deals["面談・説明会"] is True
    assert deals["案件ボード"] is False
    assert "面談・説明会" not in dict(menu["matching"])
    assert [label for group in menu.values() for label, current in group if current] == ["面談・説明会"]
