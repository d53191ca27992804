from django.core.management.base import BaseCommand, CommandError

from iam.models import Principal
from iam.services import create_access_key, root_principal


class Command(BaseCommand):
    help = "Create an access key and print it once (the secret is never shown again)."

    def add_arguments(self, parser):
        parser.add_argument("--root", action="store_true", help="a key for the account root")
        parser.add_argument("--user", help="name of an existing IAM principal")

    def handle(self, *args, **options):
        if options["root"]:
            principal = root_principal()
        elif options["user"]:
            principal = Principal.objects.filter(name=options["user"]).first()
            if principal is None:
                raise CommandError(f"No principal named {options['user']!r}.")
        else:
            raise CommandError("Say --root or --user NAME.")
        key = create_access_key(principal)
        self.stdout.write(f"AWS_ACCESS_KEY_ID={key.access_key_id}\nAWS_SECRET_ACCESS_KEY={key.secret_access_key}\n")
