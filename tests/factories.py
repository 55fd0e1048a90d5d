"""factory_boy factories for every model. Apps' issues add theirs here."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

DEFAULT_PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EditorFactory(UserFactory):
    is_staff = True


class VerifiedUserFactory(UserFactory):
    """An account with a verified e-mail address: allowed to comment."""

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Genre"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda g: slugify(g.name))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Person"

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"person-{n}")


class FilmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Film"

    title = factory.Sequence(lambda n: f"Film number {n}")
    slug = factory.LazyAttribute(lambda f: slugify(f.title))
    year = 2024
    release_date = datetime.date(2024, 5, 17)
    runtime_minutes = 112
    synopsis = "A projectionist finds a reel nobody remembers shooting."
    mpaa_rating = "PG-13"
    mpaa_reason = "for some language"


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Credit"

    film = factory.SubFactory(FilmFactory)
    person = factory.SubFactory(PersonFactory)
    role = "cast"
    billing_order = factory.Sequence(int)


class CriticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Critic"

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"critic-{n}")
    title = "Film critic"
    tenure_from = 2011
    bio = "Has reviewed films for the weekly since the video-store days."


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Book"

    critic = factory.SubFactory(CriticFactory)
    title = factory.Sequence(lambda n: f"Collected Notices, Volume {n}")
    year = 2019
    order = factory.Sequence(int)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Review"

    film = factory.SubFactory(FilmFactory)
    critic = factory.SubFactory(CriticFactory)
    headline = factory.Sequence(lambda n: f"A headline for review {n}")
    slug = factory.Sequence(lambda n: f"review-{n}")
    lowdown = "Worth the ticket."
    stars = Decimal("3.5")
    body = "A first paragraph.\n\nA second paragraph."
    status = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class CommentFactory(factory.django.DjangoModelFactory):
    """A guest's approved top-level comment. Pass `parent=` for a reply, `author=` for an account."""

    class Meta:
        model = "comments.Comment"

    review = factory.SubFactory(ReviewFactory)
    guest_name = factory.Faker("first_name")
    guest_email = factory.LazyAttribute(lambda c: f"{c.guest_name.lower()}@guest.example")
    body = "I saw it twice and liked it more the second time."
    status = "approved"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Stored through comments/moderation.py as a screened post is: an approved comment counts
        on its review and bumps its thread, a held one leaves its audit row."""
        from comments import moderation

        return moderation.post(model_class(*args, **kwargs))


# --- Moderation (comments, part 2) ---------------------------------------------------------


class ModeratorFactory(EditorFactory):
    """A staff account in the Editors group (what the data migration gives editors)."""

    @factory.post_generation
    def editors_group(obj, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            obj.groups.add(Group.objects.get(name="Editors"))


class BanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "comments.Ban"

    reason = "Personal attacks on other readers."
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class WordListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "comments.WordListEntry"

    phrase = factory.Sequence(lambda n: f"badword{n}")
    kind = "disallowed"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "comments.Report"

    comment = factory.SubFactory(CommentFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = "incivility"
