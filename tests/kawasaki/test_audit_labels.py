"""Every audit action the code writes has words in both languages on the audit log."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from kawasaki.audit_labels import ACTION_LABELS, action_label
from kawasaki.services import audit_log

ROOT = Path(__file__).resolve().parents[2]
APPS = ("kawasaki", "patents", "smes", "matching", "negotiations", "subsidies", "reports")
LITERAL = re.compile(r'action="([a-z_]+\.[a-z_]+)"|"(screening_run\.[a-z_]+)"')
# Codes built at run time from a value: the values they can take.
DYNAMIC = {
    'action=f"negotiation.{kind}"': ("negotiation.note", "negotiation.call"),
    'action=f"patent.{state}"': ("patent.draft", "patent.published", "patent.withdrawn"),
}


def codes_in_source() -> set[str]:
    codes: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            codes.update(a or b for a, b in LITERAL.findall(text))
            for pattern, values in DYNAMIC.items():
                if pattern in text:
                    codes.update(values)
    return codes


def test_every_action_written_by_the_code_has_a_label():
    codes = codes_in_source()
    assert len(codes) > 60  # the scan really found the services' codes
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_every_label_is_translated_into_japanese():
    with translation.override("en"):
        english = {code: action_label(code) for code in ACTION_LABELS}
    with translation.override("ja"):
        untranslated = [code for code in ACTION_LABELS if action_label(code) == english[code]]
    assert untranslated == []


@pytest.mark.django_db
def test_audit_log_shows_words_and_keeps_the_code(client_of, city_a, admin_a):
    with scope(municipality=city_a):
        audit_log(municipality=city_a, actor=admin_a, action="invitation.revoked", obj=None)
        audit_log(municipality=city_a, actor=admin_a, action="custom.unknown_code", obj=None)
    page = client_of(admin_a).get(reverse("audit_list", kwargs={"municipality": city_a.slug}))
    html = page.content.decode()
    assert "招待を取り消し" in html
    assert "invitation.revoked" in html
    assert "custom.unknown_code" in html  # no label: the code stands in
