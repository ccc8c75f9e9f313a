"""Recovery codes kept in clear until now are replaced by their keyed hash (as
``trust_portal.accounts.two_factor.recovery_code_hash`` makes it, written out here so that this
migration stays as it is whatever that function becomes). The codes people hold keep working."""

import re

from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "trust_portal.accounts.two_factor.recovery_code"
CLEAR = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token(); a hash is 16 hex


def hash_clear_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        code = re.sub(r"[\s-]", "", token.token).lower()
        if CLEAR.fullmatch(code):
            hashed = salted_hmac(SALT, code, algorithm="sha256").hexdigest()[:16]
            StaticToken.objects.filter(pk=token.pk).update(token=hashed)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_drop_clear_text_token_table"),
        ("otp_static", "0003_add_timestamps"),
    ]

    # Going back leaves the hashes: the codes cannot be recovered from them, so people would
    # need new ones (About your access) on the older code.
    operations = [migrations.RunPython(hash_clear_codes, migrations.RunPython.noop)]
