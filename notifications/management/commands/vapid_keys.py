"""Print a new VAPID key pair for web push, as lines for the environment."""

from django.core.management.base import BaseCommand

from notifications.vapid import generate_keys


class Command(BaseCommand):
    help = "Make a VAPID key pair for web push: set VAPID_PRIVATE_KEY to the first line's value."

    def handle(self, *args, **options):
        private, public = generate_keys()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        # Derived from the private key by the app; printed for reference only.
        self.stdout.write(f"# public key (browsers get it from the app): {public}")
