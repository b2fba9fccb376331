from chantiers.queries import chantiers_for_user


def navigation(request):
    """The chantiers the signed-in user can open, for the navigation bar."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"nav_chantiers": chantiers_for_user(user).only("code", "name")}
