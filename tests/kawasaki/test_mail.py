"""kawasaki.mail: each person reads a message in their own language; unknown readers get both."""

import pytest
from django.core import mail
from django.utils.translation import get_language

from kawasaki.mail import Attachment, mail_addresses, mail_user, mail_users
from kawasaki.reminders import lead_reached
from tests.factories.core import UserFactory

TEMPLATE = "matching/email/meeting_cancelled"


class _Meeting:
    """The fields the cancellation templates read."""

    pk = 7
    title = "技術説明会"
    cancel_reason = "講師の都合"
    starts_at = None
    ends_at = None
    venue = "川崎市産業振興会館"
    online_url = ""


def _context():
    return {"meeting": _Meeting(), "link": "https://example.jp/m/1/", "previous": {}}


@pytest.mark.django_db
def test_each_user_gets_subject_body_and_attachment_in_their_language():
    ja = UserFactory(email="ja@example.jp", preferred_language="ja")
    en = UserFactory(email="en@example.jp", preferred_language="en")
    sent = mail_users(
        users=[ja, en],
        template=TEMPLATE,
        context=_context(),
        attachments=[Attachment("lang.txt", get_language, "text/plain")],
    )
    assert sent == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["ja@example.jp"].subject == "中止: 技術説明会"
    assert by_address["en@example.jp"].subject == "Cancelled: 技術説明会"
    assert by_address["ja@example.jp"].attachments[0][1] == "ja"
    assert by_address["en@example.jp"].attachments[0][1] == "en"
    assert "Cancelled" not in by_address["ja@example.jp"].body


@pytest.mark.django_db
def test_a_user_without_address_gets_nothing():
    user = UserFactory(email="someone@example.jp")
    user.email = ""
    mail_user(user=user, template=TEMPLATE, context=_context())
    assert mail.outbox == []


def test_addresses_of_unknown_readers_get_japanese_then_english():
    mail_addresses(addresses=["shared@sme.example.jp"], template=TEMPLATE, context=_context())
    (message,) = mail.outbox
    assert message.subject == "中止: 技術説明会"
    japanese, english = message.body.split("\n\n----\n\n")
    assert "技術説明会" in japanese
    assert "Cancelled" not in japanese
    assert "cancelled" in english.lower()


def test_subject_is_one_line_even_if_the_template_wraps():
    mail_addresses(addresses=["a@example.jp"], template=TEMPLATE, context=_context())
    assert "\n" not in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("days_left", "leads", "expected"),
    [
        (40, [30, 7], None),
        (30, [30, 7], 30),
        (10, [30, 7], 30),
        (7, [30, 7], 7),
        (0, [30, 7], 7),
        (3, [], None),
    ],
)
def test_lead_reached_is_the_tightest_lead_time_passed(days_left, leads, expected):
    assert lead_reached(days_left=days_left, leads=leads) == expected


@pytest.mark.django_db
def test_dates_and_times_are_in_the_readers_format_and_the_municipalitys_time_zone():
    import datetime as dt

    from django.utils import timezone

    meeting = _Meeting()
    # 01:30 UTC is 10:30 in Kawasaki; a request that had activated UTC must not shift it.
    meeting.starts_at = dt.datetime(2026, 11, 26, 1, 30, tzinfo=dt.UTC)
    meeting.ends_at = dt.datetime(2026, 11, 26, 2, 30, tzinfo=dt.UTC)
    ja = UserFactory(email="ja-date@example.jp", preferred_language="ja")
    en = UserFactory(email="en-date@example.jp", preferred_language="en")
    with timezone.override("UTC"):
        mail_users(users=[ja, en], template=TEMPLATE, context={**_context(), "meeting": meeting})
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "2026年11月26日 10:30–11:30" in bodies["ja-date@example.jp"]
    assert "Nov. 26, 2026 10:30 a.m.–11:30 a.m." in bodies["en-date@example.jp"]
    assert "2026-11-26" not in "".join(bodies.values())
