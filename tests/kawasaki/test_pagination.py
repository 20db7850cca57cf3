"""The shared page links keep the list's filters."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_page_links_keep_the_filters_and_replace_the_page():
    request = RequestFactory().get("/m/city-a/smes/", {"q": "金型", "industry": "E", "page": "2"})
    page = Paginator(list(range(120)), 50).page(2)
    html = render_to_string(
        "includes/pagination.html", {"is_paginated": True, "page_obj": page}, request=request
    )
    assert 'href="?q=%E9%87%91%E5%9E%8B&amp;industry=E&amp;page=1"' in html
    assert 'href="?q=%E9%87%91%E5%9E%8B&amp;industry=E&amp;page=3"' in html
