"""Turn off two-factor authentication for an editor who lost their phone.

The editor signs in with the password alone afterwards and can enrol a new device (a superuser
is sent to enrolment when TWO_FACTOR_REQUIRED_FOR_SUPERUSERS is on).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cms.accounts.two_factor import remove_devices


class Command(BaseCommand):
    help = "Remove an editor's two-factor devices, so they can sign in and enrol a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        removed = remove_devices(user)
        if removed:
            self.stdout.write(f"Removed {removed} two-factor device(s) of {username}.")
        else:
            self.stdout.write(f"{username} had no two-factor device; nothing changed.")
