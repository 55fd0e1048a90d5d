"""The demo discussions that `manage.py load_demo` loads."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from comments.demo import DISCUSSION_PENDING, DISCUSSIONS, MODERATION_QUEUE
from comments.models import Comment
from reviews.models import Review

pytestmark = pytest.mark.django_db


def test_demo_discussions(client):
    call_command("load_demo")
    approved = Comment.objects.visible()
    reviews = Review.objects.annotate(shown=Count("comments", filter=Q(comments__status="approved"))).filter(
        shown__gt=0
    )
    assert approved.exclude(held_for__in=["reported"]).count() >= 40
    assert sum(1 for review in reviews if review.shown >= 10) >= 3
    for review in reviews:
        assert review.approved_comment_count == review.shown
    assert approved.filter(depth__gte=3).exists()
    assert approved.filter(quoted_comments__isnull=False).exists()
    critic_reply = approved.get(is_critic=True)
    assert critic_reply.parent_id and critic_reply.author.username == "critic"
    assert approved.filter(body__contains="[spoiler]").exists()
    assert Comment.objects.filter(body=DISCUSSION_PENDING[3], status="pending").count() == 1
    page = client.get(critic_reply.review.get_absolute_url()).content.decode()
    assert "comment-badge-critic" in page and '<details class="spoiler">' in page
    assert DISCUSSION_PENDING[3] not in page
    call_command("load_demo")
    assert Comment.objects.visible().count() == approved.count()


def test_demo_comments_show_their_back_dated_times(client):
    call_command("load_demo")
    review = Review.objects.filter(approved_comment_count__gte=10).first()
    page = client.get(review.get_absolute_url()).content.decode()
    shown = Comment.objects.visible().filter(review=review)
    assert len({comment.created_at.date() for comment in shown}) > 1  # spread over days, not "now"
    for comment in shown:
        stamp = timezone.localtime(comment.created_at).isoformat()
        assert f'<time datetime="{stamp}"' in page, comment.pk


def test_every_demo_comment_belongs_to_its_film():
    """Readers on Raiders talk about Raiders: each thread lands under its own film's review, the
    stars readers mention are the review's, and the moderation demo's film-specific comments too."""
    call_command("load_demo")
    for title, thread in DISCUSSIONS.items():
        for _key, _parent, _who, body, _quote in thread:
            comments = Comment.objects.filter(body__endswith=body)
            assert comments.exists(), body
            assert {c.review.film.title for c in comments} == {title}, body
    raiders = Review.objects.get(film__title="Raiders of the Lost Ark", status="published")
    assert "Four and a half stars" in Comment.objects.get(body__startswith="Four and a half").body
    assert raiders.stars == Decimal("4.5")
    assert not Comment.objects.filter(body__icontains="lighthouse").exists()
    assert Comment.objects.get(body__contains="shark eats the captain").review.film.title == "Jaws"
    for held_for, title, _who, _email, body, _minutes in MODERATION_QUEUE:
        comment = Comment.objects.get(body=body)
        assert (comment.review.film.title, comment.held_for) == (title, held_for)
    # Nothing insulting stays published.
    assert not Comment.objects.visible().filter(body__iregex=r"idiot|no taste").exists()


def test_load_demo_can_add_a_long_thread_once():
    call_command("load_demo", "--long-thread", "30", stdout=io.StringIO())
    review = Review.objects.get(film__title="The Iron Giant")
    assert review.comments.filter(status="approved").count() == review.approved_comment_count == 30
    assert review.comments.filter(depth__gt=0).exists() and review.comments.filter(depth=0).exists()
    call_command("load_demo", "--long-thread", "30", stdout=io.StringIO())
    assert review.comments.count() == 30
