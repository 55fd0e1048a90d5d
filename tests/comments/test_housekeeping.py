"""Old comments forget their IP address and user agent (the scheduled task and its command)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments import tasks
from comments.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db


def _comment(days_old, **fields):
    comment = factories.CommentFactory(ip_address="203.0.113.7", user_agent="Mozilla/5.0 (X11)", **fields)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return comment


def test_the_command_clears_addresses_older_than_30_days_only():
    old, recent = _comment(31), _comment(29)
    out = StringIO()
    call_command("clear_comment_addresses", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.7", "Mozilla/5.0 (X11)")
    assert "of 1 comments older than 30 days" in out.getvalue()
    # Nothing else about the comment changes.
    assert old.body == "I saw it twice and liked it more the second time." and old.status == "approved"


def test_the_retention_is_a_setting(settings):
    settings.MARQUEE_COMMENT_IP_RETENTION_DAYS = 7
    week_and_a_day, six_days = _comment(8), _comment(6)
    assert tasks.clear_old_comment_addresses.call() == 1
    week_and_a_day.refresh_from_db()
    six_days.refresh_from_db()
    assert week_and_a_day.ip_address is None and six_days.ip_address == "203.0.113.7"


def test_running_it_again_finds_nothing_to_do():
    _comment(40)
    assert tasks.clear_old_comment_addresses.call() == 1
    assert tasks.clear_old_comment_addresses.call() == 0


def test_enqueue_hands_it_to_the_task_backend(settings):
    # The immediate backend (development, tests) runs it at once; "database" queues it for db_worker.
    old = _comment(31)
    out = StringIO()
    call_command("clear_comment_addresses", "--enqueue", stdout=out)
    assert "Queued the task" in out.getvalue()
    old.refresh_from_db()
    assert old.ip_address is None


def test_bans_keep_their_own_address():
    old = _comment(31)
    ban = factories.BanFactory(ip_network="203.0.113.7", email="", user=None)
    call_command("clear_comment_addresses", stdout=StringIO())
    ban.refresh_from_db()
    old.refresh_from_db()
    assert ban.ip_network == "203.0.113.7" and old.ip_address is None
