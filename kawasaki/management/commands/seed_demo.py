from django.core.management.base import BaseCommand

from kawasaki.demo import ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo municipalities, accounts for every role and demo data. Safe to run again."

    def handle(self, *args, **options):
        seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000 with:"))
        for account in ACCOUNTS:
            where = ", ".join(f"{m['municipality']}: {m['role']}" for m in account["memberships"])
            self.stdout.write(f"  {account['email']:<36} {DEMO_PASSWORD}   ({where})")
