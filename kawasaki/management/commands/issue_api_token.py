from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from kawasaki.models import Municipality, User
from kawasaki.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user in one municipality and print the key (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the user's e-mail address")
        parser.add_argument("--municipality", required=True, help="the municipality's slug")
        parser.add_argument("--name", default="script", help="what the token is for")
        parser.add_argument(
            "--read-write", action="store_true", help="allow writes (reporting clients always get read-only)"
        )

    def handle(self, *args, email, municipality, name, read_write, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the address {email}.")
        tenant = Municipality.objects.filter(slug=municipality).first()
        if tenant is None:
            raise CommandError(f"No municipality with the slug {municipality}.")
        with scope(municipality=tenant):
            try:
                token, key = api_token_issue(
                    user=user, municipality=tenant, name=name, read_only=not read_write
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(
            f"Token {token.prefix}… for {user.email} in {tenant.slug} (read_only={token.read_only}):"
        )
        self.stdout.write(key)
