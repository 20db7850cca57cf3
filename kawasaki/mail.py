"""E-mail in the reader's language: the one way the product sends a message.

A message is a pair of templates, ``<name>_subject.txt`` (one line) and ``<name>.txt`` (the body), for
example ``negotiations/email/nda_reminder``. A person with an account reads it in their preferred language;
an address whose reader is not known yet (an invitation, an SME's shared mailbox) gets the Japanese
subject and the body in Japanese, then in English, in one message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

if TYPE_CHECKING:
    from .models import User

BILINGUAL = ("ja", "en")
SEPARATOR = "\n\n----\n\n"


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message; ``content`` may be a callable rendered in the reader's language."""

    filename: str
    content: Any
    mimetype: str

    def render(self) -> str | bytes:
        return self.content() if callable(self.content) else self.content


def render_message(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """The subject (one line) and body of a message in one language: dates in that language's format
    (templates use ``|date:"DATE_FORMAT"``), times in the municipalities' time zone (TIME_ZONE), whatever
    zone the sending request had activated."""
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    return subject, body


def _send(subject: str, body: str, to: list[str], attachments: Sequence[Attachment], language: str) -> None:
    message = EmailMessage(subject, body, None, to)
    for attachment in attachments:
        with translation.override(language):
            message.attach(attachment.filename, attachment.render(), attachment.mimetype)
    message.send()


def language_of(user: User) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def mail_user(
    *, user: User, template: str, context: dict[str, Any], attachments: Sequence[Attachment] = ()
) -> None:
    """One message to one person, in their language; ``user`` is added to the context."""
    if not user.email:
        return
    language = language_of(user)
    subject, body = render_message(template, {**context, "user": user}, language)
    _send(subject, body, [user.email], attachments, language)


def mail_users(
    *, users: Iterable[User], template: str, context: dict[str, Any], attachments: Sequence[Attachment] = ()
) -> int:
    """One message per person, each in their own language. Returns the number sent."""
    sent = 0
    for user in users:
        if user.email:
            mail_user(user=user, template=template, context=context, attachments=attachments)
            sent += 1
    return sent


def mail_addresses(
    *,
    addresses: Sequence[str],
    template: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
) -> None:
    """One message to addresses whose reader's language is not known: Japanese first, then English."""
    if not addresses:
        return
    subject = render_message(template, context, BILINGUAL[0])[0]
    bodies = [render_message(template, context, language)[1] for language in BILINGUAL]
    _send(subject, SEPARATOR.join(bodies), list(addresses), attachments, BILINGUAL[0])
