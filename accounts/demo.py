"""Demo accounts. The passwords are printed by `load_demo`; they are for local use only."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model


@dataclass(frozen=True)
class DemoUser:
    role: str
    username: str
    password: str
    email: str
    display_name: str
    is_staff: bool = False


DEMO_USERS = [
    DemoUser("editor", "editor", "marquee-editor-2026", "editor@marquee.example", "Dana Editor", True),
    DemoUser("critic", "critic", "marquee-critic-2026", "critic@marquee.example", "Margaret Hale"),
    DemoUser("reader", "reader", "marquee-reader-2026", "reader@marquee.example", "Sam Reader"),
]


def load():
    User = get_user_model()
    users = {}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "email": demo.email,
                "display_name": demo.display_name,
                "is_staff": demo.is_staff,
            },
        )
        if created:
            user.set_password(demo.password)
            user.save(update_fields=["password"])
        users[demo.role] = user
    return users
