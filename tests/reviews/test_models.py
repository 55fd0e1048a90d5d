import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from reviews.models import Review
from tests.factories import (
    BookFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_scheduled():
    live = ReviewFactory()
    draft = ReviewFactory(status="draft")
    scheduled = ReviewFactory(published_at=timezone.now() + datetime.timedelta(days=2))
    assert list(Review.objects.published()) == [live]
    assert list(Review.objects.drafts()) == [draft]
    assert list(Review.objects.scheduled()) == [scheduled]
    assert live.is_published and not draft.is_published and not scheduled.is_published


def test_scheduled_review_goes_live_when_its_date_passes():
    review = ReviewFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert not Review.objects.published().exists()
    Review.objects.filter(pk=review.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Review.objects.published().get() == review


def test_visible_to_lets_staff_preview(editor, user):
    ReviewFactory(status="draft")
    assert Review.objects.visible_to(editor).count() == 1
    assert Review.objects.visible_to(user).count() == 0


@pytest.mark.parametrize("stars", ["0", "0.5", "3.5", "5"])
def test_half_stars_are_valid(stars):
    review = ReviewFactory.build(stars=Decimal(stars), film=FilmFactory(), critic=CriticFactory())
    review.full_clean()


@pytest.mark.parametrize("stars", ["3.4", "5.5", "-0.5"])
def test_other_star_values_are_refused(stars):
    review = ReviewFactory.build(stars=Decimal(stars), film=FilmFactory(), critic=CriticFactory())
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "stars" in error.value.message_dict


def test_database_refuses_stars_that_are_not_halves():
    with pytest.raises(IntegrityError):
        ReviewFactory(stars=Decimal("3.3"))


def test_one_review_per_film_and_critic():
    review = ReviewFactory()
    with pytest.raises(IntegrityError):
        ReviewFactory(film=review.film, critic=review.critic)


def test_body_is_rendered_on_save_with_public_text():
    review = ReviewFactory(body="Open *well*.\n\n:::spoiler\nThe butler did it.\n:::\n\nClose.")
    assert "<em>well</em>" in review.body_html
    assert review.has_spoilers
    assert "butler" in review.body_html
    assert "butler" not in review.body_public_text
    assert review.body_public_text == "Open well.\n\nClose."
    review.body = "No secrets here."
    review.save(update_fields=["body"])
    review.refresh_from_db()
    assert not review.has_spoilers and review.body_public_text == "No secrets here."


def test_film_critic_person_and_book_edits_touch_their_reviews():
    review = ReviewFactory()
    person = CreditFactory(film=review.film, role="director").person

    def bumped(action):
        before = Review.objects.get(pk=review.pk).updated_at
        action()
        return Review.objects.get(pk=review.pk).updated_at > before

    assert bumped(lambda: review.film.save())
    assert bumped(lambda: review.critic.save())
    assert bumped(lambda: person.save())
    assert bumped(lambda: BookFactory(critic=review.critic))
    assert bumped(lambda: CreditFactory(film=review.film))
    assert bumped(lambda: review.film.credits.first().delete())
    genre = GenreFactory()
    review.film.genres.add(genre)
    assert bumped(lambda: genre.save())
    assert not bumped(lambda: PersonFactory().save())


def test_comments_close_after_the_site_default(settings):
    settings.MARQUEE_COMMENTS_CLOSE_AFTER_DAYS = 30
    review = ReviewFactory(published_at=timezone.now() - datetime.timedelta(days=31))
    assert not review.comments_are_open()
    review.comments_close_at = timezone.now() + datetime.timedelta(days=1)
    assert review.comments_are_open()
    review.comments_open = False
    assert not review.comments_are_open()


def test_bump_thread_changes_version_and_count():
    review = ReviewFactory()
    review.bump_thread(count_delta=1)
    review.refresh_from_db()
    assert (review.thread_version, review.approved_comment_count) == (1, 1)
    assert review.thread_changed_at is not None
