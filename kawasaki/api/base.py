"""The base of every API view: the token's municipality, its scope, and the shared permission rules."""

import functools
import hashlib
from contextlib import ExitStack

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_scopes import scope
from rest_framework import permissions, status, viewsets
from rest_framework.exceptions import APIException, NotAuthenticated
from rest_framework.response import Response

from ..models import ApiToken, IdempotencyRecord

IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used with a different request.")
    default_code = "idempotency_key_reused"


def _request_digest(request) -> str:
    """What identifies a write: method, path and payload. Uploads are summarised by field names, file
    names and sizes, so a large file is never read into memory just to compare requests."""
    hasher = hashlib.sha256(f"{request.method} {request.path}".encode())
    if request.content_type.startswith("multipart/"):
        for key in sorted(request.POST):
            hasher.update(f"|{key}={request.POST.getlist(key)}".encode())
        for key in sorted(request.FILES):
            for upload in request.FILES.getlist(key):
                hasher.update(f"|{key}:{upload.name}:{upload.size}".encode())
    else:
        hasher.update(request.body)
    return hasher.hexdigest()


class _Replay(Exception):
    """Raised in initial() to answer with a stored response instead of running the handler."""

    def __init__(self, record: IdempotencyRecord):
        self.record = record


class RulesPermission(permissions.BasePermission):
    """Map each action to a `rules` permission, checked against the token's municipality or the object.

    A view lists `permission_map = {"list": "app.view_x", "create": "app.add_x", ...}`; a read-only
    token is refused every unsafe method whatever its user's role.
    """

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        if token.read_only and request.method not in permissions.SAFE_METHODS:
            return False
        perm = view.permission_map.get(getattr(view, "action", None) or request.method.lower())
        return perm is not None and request.user.has_perm(perm, token.municipality)

    def has_object_permission(self, request, view, obj) -> bool:
        perm = view.object_permission_map.get(view.action) if hasattr(view, "object_permission_map") else None
        return perm is None or request.user.has_perm(perm, obj)


class TenantAPIMixin:
    """Enter the scope of the token's municipality for the whole request, and make writes idempotent.

    DRF authenticates inside `initial()`, so the scope is entered there and left in
    `finalize_response()`, which DRF calls on every path, errors included.

    A write (POST, PUT, PATCH, DELETE) sent with an `Idempotency-Key` header is answered once; the
    same key with the same request replays the stored answer (header `Idempotent-Replayed: true`),
    with a different request it is refused (422). Keys are per token.
    """

    permission_classes = [RulesPermission]
    permission_map: dict[str, str] = {}
    # Set from the token in initial(); None only while the schema generator inspects the view.
    municipality = None

    def __init_subclass__(cls, **kwargs):
        """Answer the schema generator's request-less `get_queryset()` with an empty queryset of the
        serializer's model, so no view needs its own guard for it."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("get_queryset")
        if own is None:
            return

        @functools.wraps(own)
        def get_queryset(self):
            if getattr(self, "swagger_fake_view", False):
                return self.get_serializer_class().Meta.model.objects.none()
            return own(self)

        cls.get_queryset = get_queryset

    def initial(self, request, *args, **kwargs):
        self._tenant_scope = ExitStack()
        super().initial(request, *args, **kwargs)
        token = request.auth
        if not isinstance(token, ApiToken):
            raise NotAuthenticated
        self.municipality = token.municipality
        # What pages get from the tenant middleware: FilterSets read the municipality from the request.
        request.municipality = token.municipality
        self._tenant_scope.enter_context(scope(municipality=token.municipality))
        self._idempotency = None
        key = request.META.get(IDEMPOTENCY_HEADER, "").strip()
        if key and request.method not in permissions.SAFE_METHODS:
            digest = _request_digest(request)
            record = IdempotencyRecord.objects.filter(token=token, key=key[:128]).first()
            if record is not None:
                if record.request_hash != digest:
                    raise IdempotencyKeyReused
                raise _Replay(record)
            self._idempotency = (key[:128], digest)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            response = Response(exc.record.response_body, status=exc.record.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        pending = getattr(self, "_idempotency", None)
        if pending is not None and response.status_code < 500 and isinstance(request.auth, ApiToken):
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        municipality=request.auth.municipality,
                        token=request.auth,
                        key=pending[0],
                        method=request.method,
                        path=request.path[:500],
                        request_hash=pending[1],
                        status_code=response.status_code,
                        response_body=getattr(response, "data", None),
                    )
            except IntegrityError:
                pass  # a concurrent request with the same key stored its answer first
        stack = getattr(self, "_tenant_scope", None)
        if stack is not None:
            stack.close()
        return super().finalize_response(request, response, *args, **kwargs)


class TenantReadOnlyViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only collection of one municipality's objects."""
