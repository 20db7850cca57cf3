import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ..fields import municipality_fk


class Role(models.TextChoices):
    """What a member may do in one municipality."""

    MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    COMPANY_STAFF = "company_staff", _("Company IP staff")
    SME_MEMBER = "sme_member", _("SME member")
    REPORTING = "reporting", _("Reporting client")


STAFF_ROLES = frozenset({Role.MUNICIPALITY_ADMIN, Role.COORDINATOR})


class UserManager(BaseUserManager):
    """Users are identified by e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an e-mail address; what they may do comes from memberships."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class Membership(models.Model):
    """A user's role in one municipality. Not scoped: it is the key from which the scope is chosen."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = municipality_fk(related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Company IP staff act for one large company, SME members for one SME, in this municipality.
    company = models.ForeignKey(
        "patents.LargeCompany",
        verbose_name=_("large company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_memberships",
    )
    sme = models.ForeignKey(
        "smes.SME",
        verbose_name=_("SME"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_memberships",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["municipality__slug", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="membership_unique_user_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality.slug} ({self.role})"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


def hash_secret(raw: str) -> str:
    """Secrets (invitation links, API tokens) are stored only as SHA-256 digests."""
    return hashlib.sha256(raw.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mail address invited to a municipality with a role; the link sets a password."""

    municipality = municipality_fk(related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired
