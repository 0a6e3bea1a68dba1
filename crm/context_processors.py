from crm import hooks
from crm.models import staff_profile


def staff(request) -> dict:
    profile = staff_profile(getattr(request, "user", None))
    links = []
    if profile is not None:
        for fn in hooks.functions("nav_links"):
            links.extend(fn(request))
    return {"staff": profile, "extra_nav_links": links}
