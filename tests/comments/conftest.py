"""Helpers for the thread tests: comments whose review counters are right, valid form tokens."""

import time

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from comments.forms import make_security_token
from tests import factories


@pytest.fixture
def review(db):
    return factories.ReviewFactory(film__title="The Long Reel")


@pytest.fixture
def add_comment():
    """Create a comment (through `moderation.post()`) and reload the review's counters."""

    def add(review, *, parent=None, status="approved", **kwargs):
        comment = factories.CommentFactory(review=review, parent=parent, status=status, **kwargs)
        review.refresh_from_db()
        return comment

    return add


def form_data(review, *, age=10, **fields):
    """A guest's valid POST for `review`, with a token rendered `age` seconds ago."""
    data = {
        "body": "A fine film, I thought.",
        "name": "Pat Guest",
        "email": "pat@guest.example",
        "website": "",
        "parent": "",
        "security": make_security_token(review.pk, time.time() - age),
        "honeypot": "",
    }
    data.update(fields)
    return data


def render_thread(review, *, user=None, session=None, page=None):
    """The `{% comment_thread review %}` tag's output for a request."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/", {"page": page} if page else {})
    request.user = user or AnonymousUser()
    request.session = session if session is not None else SessionStore()
    template = Template("{% load comment_threads %}{% comment_thread review %}")
    return template.render(Context({"request": request, "review": review}))
