"""The .ics file of a meeting follows RFC 5545: CRLF lines, at most 75 octets, escaped text."""

import datetime as dt

import pytest
from django_scopes import scope

from matching.ics import escape_text, fold
from tests.factories.matching import MeetingFactory, seed_of


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    out: list[str] = []
    for line in lines:
        assert len(line.encode()) <= 75, line
        if line.startswith(" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


def test_escape_and_fold():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = fold("SUMMARY:" + "あ" * 40)
    parts = folded.split("\r\n")
    assert [len(p.encode()) for p in parts] == [74, 55]
    assert parts[1].startswith(" ")
    assert "".join([parts[0], parts[1][1:]]) == "SUMMARY:" + "あ" * 40


@pytest.mark.django_db
def test_meeting_ics_parses(client_of, city_a, coordinator_a):
    start = dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    with scope(municipality=city_a):
        meeting = MeetingFactory(
            municipality=city_a,
            title="個別面談; 振動対策, 試作について",
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=90),
            venue="川崎市産業振興会館 4F 第1会議室、川崎区堀川町66-20（駅から徒歩5分）ここまでで長い住所を折り返す",
        )
        seed = seed_of(meeting.company, "小型モータの制振構造")
        meeting.seeds.add(seed)
    response = client_of(coordinator_a).get(f"/m/city-a/negotiations/meetings/{meeting.pk}/meeting.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    lines = unfold(response.content.decode())
    names = [line.split(":", 1)[0] for line in lines]
    assert names == [
        "BEGIN",
        "VERSION",
        "PRODID",
        "CALSCALE",
        "METHOD",
        "BEGIN",
        "UID",
        "DTSTAMP",
        "SEQUENCE",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "DESCRIPTION",
        "LOCATION",
        "STATUS",
        "END",
        "END",
    ]
    values = dict(line.split(":", 1) for line in lines[6:-2])
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[5] == "BEGIN:VEVENT"
    assert lines[-2:] == ["END:VEVENT", "END:VCALENDAR"]
    assert values["UID"] == f"meeting-{meeting.pk}@127.0.0.1"
    assert values["DTSTART"] == "20261203T050000Z"
    assert values["DTEND"] == "20261203T063000Z"
    assert values["SUMMARY"] == "個別面談\\; 振動対策\\, 試作について"
    assert values["LOCATION"] == escape_text(meeting.venue)
    assert values["DESCRIPTION"] == f"個別面談\\n{seed.number} 小型モータの制振構造"
    assert values["STATUS"] == "CONFIRMED"
    assert values["SEQUENCE"] == "0"
    assert len(values["DTSTAMP"]) == 16
    assert values["DTSTAMP"].endswith("Z")
