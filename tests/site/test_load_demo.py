import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "reviews", "comments", "auth", "account"}
    }


def test_load_demo_is_idempotent(capsys):
    call_command("load_demo")
    first = row_counts()
    out = capsys.readouterr().out
    assert "editor" in out and "password:" in out
    call_command("load_demo")
    assert row_counts() == first
    assert first["accounts.User"] >= 3


def test_load_demo_scale_adds_films_reviews_and_comment_trees(capsys):
    from comments.models import Comment
    from reviews.models import Film, Review

    call_command("load_demo", scale=6, comments=600)
    films = Film.objects.filter(slug__startswith="scale-")
    assert films.count() == 6
    reviews = Review.objects.filter(film__in=films)
    assert 6 <= reviews.count() <= 12
    comments = Comment.objects.filter(review__in=reviews)
    assert comments.count() == 600
    # Trees: replies whose path extends their parent's, depth one more.
    reply = comments.filter(parent__isnull=False).select_related("parent").first()
    assert reply.path.startswith(reply.parent.path) and reply.depth == reply.parent.depth + 1
    # The reviews' counters match the rows, and the pages show them.
    for review in reviews:
        assert review.approved_comment_count == review.comments.filter(status="approved").count()
    # Heavy-tailed: the biggest thread is far above the median one.
    sizes = sorted(review.comments.count() for review in reviews)
    assert sizes[-1] >= 3 * sizes[len(sizes) // 2]
    assert "Added 6 films" in capsys.readouterr().out


def test_load_demo_scale_refuses_a_silly_size():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo", scale=1, comments=10**9)
