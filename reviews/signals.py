"""What a review page shows, and so which saves and deletes change it: the one place that says.

Every cached piece of a review page (the anonymous whole-page cache, the film box, body and critic
box fragments, the ETag) is keyed by `Review.updated_at`. These receivers touch the reviews whose
page shows the object that changed: after a save, and before a delete, while the rows that link it
to its reviews still exist (cascades send `pre_delete` for each row), and on changes to a film's
genres. The thread is keyed by `Review.thread_version`,
which comments/moderation.py bumps; comments/signals.py covers account names.
"""

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver

from .models import Book, Credit, Critic, Film, Genre, Person, Review


def _saved_or_deleted(*senders):
    def decorator(function):
        for sender in senders:
            receiver(post_save, sender=sender, dispatch_uid=f"{function.__name__}-save-{sender.__name__}")(
                function
            )
            receiver(pre_delete, sender=sender, dispatch_uid=f"{function.__name__}-delete-{sender.__name__}")(
                function
            )
        return function

    return decorator


@_saved_or_deleted(Genre)
def genre_changed(sender, instance, **kwargs):
    Review.objects.filter(film__genres=instance).touch()


@_saved_or_deleted(Person)
def person_changed(sender, instance, **kwargs):
    # Name, photo and "known for" appear in film boxes.
    Review.objects.filter(film__credits__person=instance).touch()


@_saved_or_deleted(Film)
def film_changed(sender, instance, **kwargs):
    Review.objects.filter(film_id=instance.pk).touch()
    # Other film boxes link "known for <this title>" to this film's review.
    Review.objects.naming_known_for(instance.title).touch()


@_saved_or_deleted(Credit)
def credit_changed(sender, instance, **kwargs):
    Review.objects.filter(film_id=instance.film_id).touch()


@_saved_or_deleted(Critic, Book)
def critic_box_changed(sender, instance, **kwargs):
    # The "About the critic" box (bio, headshot, books) is on each of the critic's reviews.
    critic_id = instance.pk if sender is Critic else instance.critic_id
    Review.objects.filter(critic_id=critic_id).touch()


@_saved_or_deleted(Review)
def review_changed(sender, instance, **kwargs):
    # "Known for <this film>" on other reviews' pages links here while this one is published.
    Review.objects.naming_known_for(instance.film.title).exclude(pk=instance.pk).touch()


@receiver(m2m_changed, sender=Film.genres.through, dispatch_uid="film-genres-changed")
def film_genres_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # genre.films.add(...): `instance` is the genre
        films = pk_set if pk_set is not None else instance.films.values("pk")
        Review.objects.filter(film_id__in=films).touch()
    else:
        Review.objects.filter(film_id=instance.pk).touch()
