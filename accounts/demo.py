"""Demo accounts. The passwords are printed by `load_demo`; they are for local use only."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw

from . import avatars


@dataclass(frozen=True)
class DemoUser:
    role: str
    username: str
    password: str
    email: str
    display_name: str
    is_staff: bool = False
    bio: str = ""
    website: str = ""
    colours: tuple = ("#7a1f1f", "#f5d76e")


DEMO_USERS = [
    DemoUser(
        "editor",
        "editor",
        "marquee-editor-2026",
        "editor@marquee.example",
        "Dana Editor",
        True,
        bio="Looks after the comments, and the commas.",
        colours=("#1f4e7a", "#f5d76e"),
    ),
    DemoUser(
        "critic",
        "critic",
        "marquee-critic-2026",
        "critic@marquee.example",
        "Margaret Hale",
        bio="Film critic for the weekly since the video-store days.",
        website="https://marquee.example/critics/",
        colours=("#2e2e2e", "#f5d76e"),
    ),
    DemoUser(
        "reader",
        "reader",
        "marquee-reader-2026",
        "reader@marquee.example",
        "Sam Reader",
        bio="Sees everything twice. Sits in row F.",
        colours=("#2e6b30", "#ffffff"),
    ),
]


def demo_picture(colours):
    """A small made-up picture (a spotlight on a curtain), so demo avatars need no files."""
    background, light = colours
    image = Image.new("RGB", (256, 256), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((48, 40, 208, 200), fill=light)
    draw.rectangle((0, 200, 256, 256), fill="#111111")
    return image


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
                "bio": demo.bio,
                "website": demo.website,
            },
        )
        if created:
            user.set_password(demo.password)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=demo.email, defaults={"verified": True, "primary": True}
        )
        if not user.avatar:
            avatars.set_avatar(user, demo_picture(demo.colours))
        users[demo.role] = user
    return users
