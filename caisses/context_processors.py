from .models import Membership
from .scoping import membership_of, role_of


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = membership_of(user)
    role = role_of(user)
    return {
        "current_membership": current,
        "current_role": role,
        "current_role_label": Membership.Role(role).label if role else "Aucun rôle",
    }
