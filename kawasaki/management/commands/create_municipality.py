import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django_scopes import scope

from kawasaki.models import Colour, Role
from kawasaki.services import invitation_create, municipality_create


class Command(BaseCommand):
    help = (
        "Set up a municipality (the tenant) and invite its first municipality administrator. "
        "Prints the invitation link (also e-mailed), so the first sign-in works before mail is set up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="never ask (take the defaults)"
        )
        parser.add_argument("--slug", required=True, help="short name in URLs, e.g. kawasaki")
        parser.add_argument("--name-ja", required=True, help="name in Japanese, e.g. 川崎市")
        parser.add_argument("--name-en", default="", help="name in English, e.g. Kawasaki City")
        parser.add_argument("--prefecture", required=True, help="e.g. 神奈川県")
        parser.add_argument("--admin-email", required=True, help="address of the first administrator")
        parser.add_argument(
            "--colour",
            default=None,
            help=(
                f"colour beside the name in the header, one of {', '.join(Colour.values)}; asked for when "
                "omitted at a terminal, otherwise the first one no municipality has yet"
            ),
        )

    def handle(self, *args, slug, name_ja, name_en, prefecture, admin_email, colour=None, **options):
        from django.conf import settings

        if colour is None:
            colour = self.ask_colour() if options.get("interactive", True) and sys.stdin.isatty() else ""

        try:
            with transaction.atomic():
                municipality = municipality_create(
                    slug=slug,
                    name_ja=name_ja,
                    name_en=name_en,
                    prefecture=prefecture,
                    colour=colour,
                    actor=None,
                )
                with scope(municipality=municipality):
                    _invitation, token = invitation_create(
                        municipality=municipality, actor=None, email=admin_email, role=Role.MUNICIPALITY_ADMIN
                    )
        except ValidationError as error:
            messages = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
            raise CommandError("; ".join(messages)) from error
        link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
        self.stderr.write(
            f"Created {municipality.slug} ({municipality.name_ja}, {municipality.colour}); invited {admin_email}:"
        )
        self.stdout.write(link)

    def ask_colour(self) -> str:
        """Ask at the terminal; an empty answer leaves the choice to the service (a colour not in use)."""
        return input(f"Colour in the header ({', '.join(Colour.values)}; Enter for one not in use): ").strip()
