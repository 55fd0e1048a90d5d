"""Quotes of comments that later disappear, and re-rendering."""

import pytest
from django.core.management import call_command

from comments import moderation
from comments.models import Comment
from tests.comments.conftest import render_thread

pytestmark = pytest.mark.django_db


def quoting(review, add_comment, quoted, text="the words"):
    return add_comment(review, body=f'[quote="{quoted.guest_name}" id={quoted.pk}]{text}[/quote]\n\nI agree.')


def test_quote_links_to_the_quoted_comment(review, add_comment):
    original = add_comment(review, guest_name="Ann")
    quoter = quoting(review, add_comment, original)
    assert f'href="/comments/{original.pk}/"' in quoter.body_html and "the words" in quoter.body_html
    assert list(quoter.quoted_comments.all()) == [original]


def test_removing_a_quoted_comment_redacts_the_quotes_of_it(review, add_comment):
    original = add_comment(review, guest_name="Ann")
    quoter = quoting(review, add_comment, original, text="something nasty")
    assert "something nasty" in render_thread(review)
    moderation.remove(original, by=None, reason="incivility")
    quoter.refresh_from_db()
    review.refresh_from_db()
    assert "something nasty" not in quoter.body_html and "quoted comment removed" in quoter.body_html
    html = render_thread(review)
    assert "something nasty" not in html and "quoted comment removed" in html and "I agree." in html


def test_restoring_brings_the_quote_back(review, add_comment):
    original = add_comment(review, guest_name="Ann")
    quoter = quoting(review, add_comment, original)
    moderation.remove(original, by=None)
    moderation.approve(Comment.objects.get(pk=original.pk), by=None)
    quoter.refresh_from_db()
    assert "the words" in quoter.body_html and "quoted comment removed" not in quoter.body_html


def test_quoting_a_missing_or_hidden_comment_shows_it_removed(review, add_comment):
    held = add_comment(review, status="pending")
    assert (
        "quoted comment removed" in add_comment(review, body=f'[quote="X" id={held.pk}]x[/quote]').body_html
    )
    assert "quoted comment removed" in add_comment(review, body='[quote="X" id=987654]x[/quote]').body_html


def test_rerender_comments_command(review, add_comment, capsys):
    original = add_comment(review, guest_name="Ann")
    quoter = quoting(review, add_comment, original)
    Comment.objects.filter(pk=quoter.pk).update(body_html="<p>stale</p>")
    Comment.objects.filter(pk=original.pk).update(status="removed")
    version = review.thread_version
    call_command("rerender_comments")
    quoter.refresh_from_db()
    review.refresh_from_db()
    assert "quoted comment removed" in quoter.body_html and "I agree." in quoter.body_html
    assert review.thread_version > version
    assert "Re-rendered" in capsys.readouterr().out


def test_editing_the_body_rerenders_on_save(review, add_comment):
    comment = add_comment(review, body="plain")
    comment.body = "[b]bold[/b]"
    comment.save(update_fields=["body"])
    comment.refresh_from_db()
    assert comment.body_html == "<p><strong>bold</strong></p>"
