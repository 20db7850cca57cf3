from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django_scopes import scope

from kawasaki.models import Role
from kawasaki.services import invitation_create, municipality_create


class Command(BaseCommand):
    help = (
        "Set up a municipality (the tenant) and invite its first municipality administrator. "
        "Prints the invitation link (also e-mailed), so the first sign-in works before mail is set up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="short name in URLs, e.g. kawasaki")
        parser.add_argument("--name-ja", required=True, help="name in Japanese, e.g. 川崎市")
        parser.add_argument("--name-en", default="", help="name in English, e.g. Kawasaki City")
        parser.add_argument("--prefecture", required=True, help="e.g. 神奈川県")
        parser.add_argument("--admin-email", required=True, help="address of the first administrator")

    def handle(self, *args, slug, name_ja, name_en, prefecture, admin_email, **options):
        from django.conf import settings

        try:
            with transaction.atomic():
                municipality = municipality_create(
                    slug=slug, name_ja=name_ja, name_en=name_en, prefecture=prefecture, actor=None
                )
                with scope(municipality=municipality):
                    _invitation, token = invitation_create(
                        municipality=municipality, actor=None, email=admin_email, role=Role.MUNICIPALITY_ADMIN
                    )
        except ValidationError as error:
            messages = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
            raise CommandError("; ".join(messages)) from error
        link = settings.KAWASAKI_BASE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
        self.stderr.write(f"Created {municipality.slug} ({municipality.name_ja}); invited {admin_email}:")
        self.stdout.write(link)
