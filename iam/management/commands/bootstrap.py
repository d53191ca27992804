from django.core.management.base import BaseCommand

from iam.services import ensure_root_key


class Command(BaseCommand):
    help = "Ensure the root access key from ROOT_ACCESS_KEY_ID/ROOT_SECRET_ACCESS_KEY exists."

    def handle(self, *args, **options):
        key = ensure_root_key()
        if key:
            self.stdout.write(f"Root access key {key.access_key_id} is ready.")
        else:
            self.stdout.write("No ROOT_ACCESS_KEY_ID/ROOT_SECRET_ACCESS_KEY set; create one with "
                              '`make manage ARGS="createaccesskey --root"`.')
