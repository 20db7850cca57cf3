"""An iCalendar (RFC 5545) file for a meeting, written by hand: CRLF line ends, escaped text, lines
folded at 75 octets."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting, MeetingStatus


def escape_text(value: str) -> str:
    """TEXT escaping of RFC 5545 3.3.11: backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current = " "
            size = 1
            limit = 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting: Meeting) -> str:
    """One VEVENT for the meeting, times in UTC, a stable UID so calendars update instead of duplicating.

    SEQUENCE is the meeting's revision, raised by every change a calendar must pick up; a cancelled
    meeting says STATUS:CANCELLED with a raised SEQUENCE, which makes calendar apps remove the event."""
    host = settings.KAWASAKI_BASE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    location = meeting.venue or meeting.online_url
    description = meeting.get_kind_display()
    if meeting.status == MeetingStatus.CANCELLED and meeting.cancel_reason:
        description += "\n" + _("Cancelled: {reason}").format(reason=meeting.cancel_reason)
    if meeting.agenda:
        description += "\n" + meeting.agenda
    seeds = list(meeting.seeds.all())
    if seeds:
        description += "\n" + "\n".join(f"{seed.number} {seed.title}" for seed in seeds)
    if meeting.online_url:
        description += "\n" + meeting.online_url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//IP Business Matching//negotiations//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SUMMARY:{escape_text(meeting.title)}",
        f"DESCRIPTION:{escape_text(description)}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if meeting.online_url:
        lines.append(f"URL:{meeting.online_url}")
    lines.append("STATUS:CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
