"""Template context every page needs: the current municipality, the user's memberships, the nav."""

from .navigation import navigation_for
from .selectors import active_memberships


def tenant(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    municipality = getattr(request, "municipality", None)
    membership = getattr(request, "membership", None)
    return {
        "current_municipality": municipality,
        "current_membership": membership,
        "user_memberships": active_memberships(user=user),
        "nav_items": navigation_for(request) if municipality is not None else [],
        "can_manage_api_tokens": municipality is not None
        and user.has_perm("kawasaki.manage_api_tokens", municipality),
    }
