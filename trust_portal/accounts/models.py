"""Organisations, arrangements (a trust and its commissioning councils) and users with roles."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from trust_portal.accounts.attribution import kept_history

code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}$",
    "Use 2 to 10 capital letters or digits, starting with a letter (for example NNC).",
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        TRUST = "trust", "Children's trust"
        DEPARTMENT = "department", "Government department"

    code = models.CharField(max_length=10, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    history = kept_history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class ArrangementQuerySet(models.QuerySet):
    def with_parties(self):
        return self.select_related("trust").prefetch_related("councils")


class Arrangement(models.Model):
    """One trust and the councils that commission it; named by the trust's code (``NCT``)."""

    trust = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="arrangement_as_trust",
        limit_choices_to={"kind": Organisation.Kind.TRUST},
    )
    councils = models.ManyToManyField(
        Organisation,
        through="Commission",
        related_name="commissioned_arrangements",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL},
    )
    description = models.TextField(blank=True)
    history = kept_history()

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["trust__code"]

    def __str__(self):
        return self.trust.name

    @property
    def code(self) -> str:
        return self.trust.code

    def clean(self):
        if self.trust_id and self.trust.kind != Organisation.Kind.TRUST:
            raise ValidationError({"trust": "The organisation at the centre must be a trust."})

    def organisations(self) -> list[Organisation]:
        return [self.trust, *self.councils.all()]


class Commission(models.Model):
    """A council commissioning a trust. A council commissions at most one trust."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE)
    council = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="commission",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL},
    )
    history = kept_history()

    class Meta:
        ordering = ["council__code"]

    def __str__(self):
        return f"{self.council.code} commissions {self.arrangement.code}"

    def clean(self):
        if self.council_id and self.council.kind != Organisation.Kind.COUNCIL:
            raise ValidationError({"council": "Only a council can commission a trust."})


class Role(models.TextChoices):
    COUNCIL_OFFICER = "council_officer", "Council officer"
    TRUST_MANAGER = "trust_manager", "Trust manager"
    DFE_OBSERVER = "dfe_observer", "DfE observer"
    SCRUTINY_MEMBER = "scrutiny_member", "Scrutiny member"
    ADMINISTRATOR = "administrator", "Administrator"


# The kind of organisation each role belongs to. Administrators are platform staff and may
# belong to no organisation.
ROLE_ORGANISATION_KIND = {
    Role.COUNCIL_OFFICER: Organisation.Kind.COUNCIL,
    Role.SCRUTINY_MEMBER: Organisation.Kind.COUNCIL,
    Role.TRUST_MANAGER: Organisation.Kind.TRUST,
    Role.DFE_OBSERVER: Organisation.Kind.DEPARTMENT,
}


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `manage.py createsuperuser` makes the first platform administrator.
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    email = models.EmailField("email address")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # DfE observers see only the arrangements on their access list, or every one when this is set.
    observes_all_arrangements = models.BooleanField(
        default=False, help_text="DfE observers only: sees every arrangement."
    )
    observed_arrangements = models.ManyToManyField(
        Arrangement,
        through="ObserverGrant",
        through_fields=("user", "arrangement"),
        blank=True,
        related_name="observers",
    )
    # Raised to end every session the person has open (a second factor reset, a new password):
    # a session remembers the number it began with (trust_portal/accounts/middleware.py).
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # A machine user: another council system calling the API with tokens an administrator made.
    # It has no password and cannot sign in to the pages (accounts/api_tokens.py).
    is_service_account = models.BooleanField(default=False, editable=False)
    history = kept_history(excluded_fields=["password", "last_login", "session_generation"])

    objects = PortalUserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="administrator") | Q(organisation__isnull=False),
                name="user_has_organisation_unless_administrator",
            ),
            models.CheckConstraint(
                condition=Q(role="dfe_observer") | Q(observes_all_arrangements=False),
                name="only_observers_observe_all",
            ),
            models.CheckConstraint(
                condition=Q(is_service_account=False) | ~Q(role="administrator"),
                name="service_account_is_not_an_administrator",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A new password, set anywhere (the service's pages, Django's admin, `manage.py
        # changepassword`): the person's API tokens are revoked and their sessions end. The
        # pages then keep the session of the person who changed their own (accounts/sessions.py).
        new_password = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if new_password:
            ApiToken.objects.filter(user=self).revoke()
            User.objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)
            self.refresh_from_db(fields=["session_generation"])

    def clean(self):
        super().clean()
        expected = ROLE_ORGANISATION_KIND.get(self.role)
        if self.role and self.role != Role.ADMINISTRATOR and not self.organisation_id:
            raise ValidationError(
                {"organisation": "Choose the organisation this person works for."}
            )
        if expected and self.organisation_id and self.organisation.kind != expected:
            raise ValidationError(
                {
                    "role": (
                        f"A {Role(self.role).label.lower()} must belong to a "
                        f"{Organisation.Kind(expected).label.lower()}; "
                        f"{self.organisation.name} is a "
                        f"{self.organisation.get_kind_display().lower()}."
                    )
                }
            )
        if self.is_service_account and self.role == Role.ADMINISTRATOR:
            raise ValidationError(
                {"role": "A service account cannot be an administrator: choose another role."}
            )
        if self.observes_all_arrangements and self.role != Role.DFE_OBSERVER:
            raise ValidationError(
                {"observes_all_arrangements": "Only DfE observers can be given every arrangement."}
            )

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def role_in_a_sentence(self) -> str:
        """ "an administrator", "a DfE observer": the role as it reads inside a sentence."""
        if not self.role:
            return ""
        label = Role(self.role).label
        label = label if label.startswith("DfE") else label.lower()
        return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


class ObserverGrant(models.Model):
    """One arrangement on a DfE observer's access list."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="grants")
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    history = kept_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "arrangement"], name="one_grant_per_arrangement"
            )
        ]

    def __str__(self):
        return f"{self.user} observes {self.arrangement.code}"


class ApiTokenQuerySet(models.QuerySet):
    def revoke(self, *, by: User | None = None, reason: str | None = None) -> int:
        """Revoke the tokens not revoked yet: one UPDATE and no history row (for a new password),
        or, given a ``reason``, each token saved with a historical row naming ``by`` and it."""
        from django.utils import timezone

        now, waiting = timezone.now(), self.filter(revoked_at__isnull=True)
        if reason is None:
            return waiting.update(revoked_at=now, revoked_by=by)
        tokens = list(waiting.select_for_update())
        for token in tokens:
            token.revoked_at, token.revoked_by = now, by
            token._history_user, token._change_reason = by, reason
            token.save(update_fields=["revoked_at", "revoked_by"])
        return len(tokens)


class ApiToken(models.Model):
    """A named key for the API, sent as ``Authorization: Token <key>``. Only the key's SHA-256
    is stored: the key itself is shown once, when the token is made (accounts/api_tokens.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The key's first characters, shown so a person can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    # Written at most once an hour (accounts/api_tokens.py), so a read is not a write each time.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = kept_history(excluded_fields=["key_hash", "last_used_at"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="token_expires_after_made"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def state(self, now=None) -> str:
        from django.utils import timezone

        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= (now or timezone.now()):
            return "Expired"
        return "Active"

    @property
    def is_active(self) -> bool:
        return self.state() == "Active"


class ApiTokenUse(models.Model):
    """A write asked of the API with a token, and its answer: the audit history's record of
    which token made it (the changed rows' own history names the token's user, at the same
    moment), written once the answer is known, refused ones too. Reads are not recorded one by
    one: the token's ``last_used_at`` says when it was last used."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField()
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    # The HTTP status answered; empty for uses recorded before answers were.
    status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"], name="token_use_by_token")]

    def __str__(self):
        return f"{self.method} {self.path} with {self.token}"

    def answer(self) -> str:
        """The answer in words with its status, as "Done (200)" or "Refused (403)"."""
        if self.status is None:
            return "Not recorded"
        return f"{_answer_words(self.status)} ({self.status})"


_ANSWER_WORDS = {
    400: "Not accepted",
    401: "Refused",
    403: "Refused",
    404: "Not found",
    405: "Not allowed",
    409: "In conflict",
    429: "Too many requests",
}


def _answer_words(status: int) -> str:
    if 200 <= status < 300:
        return "Done"
    if status >= 500:
        return "Failed"
    return _ANSWER_WORDS.get(status, "Not done")
