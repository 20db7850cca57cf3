"""The base of every API view: the token's municipality, its scope, and the shared permission rules."""

from contextlib import ExitStack

from django_scopes import scope
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotAuthenticated

from ..models import ApiToken


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
    """Enter the scope of the token's municipality for the whole request.

    DRF authenticates inside `initial()`, so the scope is entered there and left in
    `finalize_response()`, which DRF calls on every path, errors included.
    """

    permission_classes = [RulesPermission]
    permission_map: dict[str, str] = {}

    def initial(self, request, *args, **kwargs):
        self._tenant_scope = ExitStack()
        super().initial(request, *args, **kwargs)
        token = request.auth
        if not isinstance(token, ApiToken):
            raise NotAuthenticated
        self.municipality = token.municipality
        self._tenant_scope.enter_context(scope(municipality=token.municipality))

    def finalize_response(self, request, response, *args, **kwargs):
        stack = getattr(self, "_tenant_scope", None)
        if stack is not None:
            stack.close()
        return super().finalize_response(request, response, *args, **kwargs)


class TenantReadOnlyViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only collection of one municipality's objects."""
