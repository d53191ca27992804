from django.core.management.base import BaseCommand, CommandError

from userpools import keys
from userpools.models import UserPool


class Command(BaseCommand):
    help = ("Start signing a user pool's tokens with a new key. The old key stays in the pool's JWKS "
            "until every token it signed has expired.")

    def add_arguments(self, parser):
        parser.add_argument("pool_id", help="the user pool id, e.g. us-east-1_AbC123xyZ")

    def handle(self, *args, **options):
        pool = UserPool.objects.filter(pk=options["pool_id"]).first()
        if pool is None:
            raise CommandError(f"User pool {options['pool_id']} does not exist.")
        key = keys.rotate(pool)
        self.stdout.write(f"Pool {pool.pk} now signs with key {key.kid}.")
