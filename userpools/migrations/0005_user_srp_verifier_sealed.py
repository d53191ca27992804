"""SRP verifiers move into an encrypted column; existing ones are encrypted on the way."""
from django.db import migrations, models

from core import crypto


def seal(apps, schema_editor):
    User = apps.get_model("userpools", "User")
    for user in User.objects.exclude(srp_verifier="").only("pk", "srp_verifier").iterator(chunk_size=2000):
        User.objects.filter(pk=user.pk).update(srp_verifier_sealed=crypto.encrypt(user.srp_verifier))


def unseal(apps, schema_editor):
    User = apps.get_model("userpools", "User")
    for user in User.objects.exclude(srp_verifier_sealed="").only("pk", "srp_verifier_sealed").iterator(chunk_size=2000):
        User.objects.filter(pk=user.pk).update(srp_verifier=crypto.decrypt(user.srp_verifier_sealed))


class Migration(migrations.Migration):
    dependencies = [("userpools", "0004_attribute_lookup_folded")]

    operations = [
        migrations.AddField(model_name="user", name="srp_verifier_sealed", field=models.TextField(blank=True, default="")),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(model_name="user", name="srp_verifier"),
    ]
