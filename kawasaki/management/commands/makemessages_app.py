"""makemessages for one app's own catalogue (<app>/locale/ja), run from the project root.

Django's makemessages writes to the app's locale folder only when run from inside the app folder,
where the app's own `rules.py` would shadow the `rules` package; this command chdirs after setup.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Update <app>/locale/<lang>/LC_MESSAGES/django.po from the app's code and templates/<app>/."

    def add_arguments(self, parser):
        parser.add_argument("app", help="app folder, e.g. matching")
        parser.add_argument("--locale", default="ja")

    def handle(self, *args, app, locale, **options):
        root = Path(settings.BASE_DIR)
        app_dir = root / app
        if not (app_dir / "apps.py").exists():
            raise CommandError(f"{app} is not an app folder")
        (app_dir / "locale").mkdir(exist_ok=True)
        templates = app_dir / "templates"
        # The app's templates live in templates/<app>/; link them in so makemessages sees them.
        link = templates / app
        made_link = False
        if (root / "templates" / app).is_dir() and not templates.exists():
            templates.mkdir()
            link.symlink_to(root / "templates" / app)
            made_link = True
        cwd = os.getcwd()
        try:
            os.chdir(app_dir)
            call_command("makemessages", locale=[locale], symlinks=True, no_obsolete=True, verbosity=0)
        finally:
            os.chdir(cwd)
            if made_link:
                link.unlink()
                templates.rmdir()
        self.stdout.write(f"{app}/locale/{locale}/LC_MESSAGES/django.po updated")
