import factory
from django.contrib.auth import get_user_model

from crm.models import StaffProfile, Store


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n + 100:03d}")
    name = factory.Sequence(lambda n: f"门店{n}")
    region = "华东"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-kedang-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_staff(username: str, role: str, store: Store | None = None, region: str = "", **user_fields):
    """A user with a staff profile (none of them may open the Django admin)."""
    user = UserFactory(username=username, **user_fields)
    StaffProfile.objects.update_or_create(user=user, defaults={"role": role, "store": store, "region": region})
    user.refresh_from_db()
    return user
