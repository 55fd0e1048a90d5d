"""The moderation pipeline (comments/moderation.py): each step, its outcome and its order."""

import datetime

import pytest
from django.utils import timezone

from comments import moderation
from comments.models import Ban, Comment, CommentFingerprint, HeldFor, ModerationAction, VerifiedGuestEmail
from comments.moderation import Refused, screen
from tests import factories

pytestmark = pytest.mark.django_db

IP = "203.0.113.5"


def guest_comment(review, *, body="A fair review, I thought.", email="pat@guest.example", ip=IP, **extra):
    return Comment(
        review=review,
        guest_name=extra.pop("guest_name", "Pat"),
        guest_email=email,
        body=body,
        ip_address=ip,
        user_agent="pytest",
        **extra,
    )


def account_comment(review, user, *, body="A fair review, I thought.", ip=IP, **extra):
    return Comment(review=review, author=user, body=body, ip_address=ip, user_agent="pytest", **extra)


def age(comment, **delta):
    """Pretend a stored comment was posted `delta` ago."""
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(**delta))


@pytest.fixture
def review():
    return factories.ReviewFactory()


@pytest.fixture
def known_reader(review):
    """An account with one approved comment: skips the new-commenter hold."""
    reader = factories.VerifiedUserFactory()
    earlier = factories.CommentFactory(
        review=factories.ReviewFactory(), author=reader, guest_name="", guest_email=""
    )
    age(earlier, hours=2)
    return reader


@pytest.fixture
def known_guest():
    VerifiedGuestEmail.objects.create(email="pat@guest.example")
    earlier = factories.CommentFactory(
        guest_name="Pat", guest_email="pat@guest.example", ip_address="198.51.100.1"
    )
    age(earlier, hours=2)
    return "pat@guest.example"


# --- 1. closed ---------------------------------------------------------------------------


def test_closed_review_refuses_with_403_and_stores_nothing(review):
    review.comments_open = False
    review.save()
    with pytest.raises(Refused) as refused:
        screen(guest_comment(review))
    assert refused.value.status == 403
    assert Comment.objects.count() == 0


def test_review_past_its_close_date_refuses(settings, review):
    review.published_at = timezone.now() - datetime.timedelta(
        days=settings.MARQUEE_COMMENTS_CLOSE_AFTER_DAYS + 1
    )
    review.save()
    with pytest.raises(Refused) as refused:
        screen(guest_comment(review))
    assert refused.value.status == 403


def test_closed_comes_before_everything_even_for_staff(review):
    review.comments_open = False
    review.save()
    with pytest.raises(Refused):
        screen(account_comment(review, factories.EditorFactory(), is_staff=True), tampered=True)


# --- 2. bans -----------------------------------------------------------------------------


def test_banned_account_is_refused_with_the_date_and_the_attempt_is_logged(review, known_reader):
    ban = factories.BanFactory(user=known_reader, reason="Insults.")
    with pytest.raises(Refused) as refused:
        screen(account_comment(review, known_reader))
    assert refused.value.status == 403
    assert "until" in refused.value.message and "Insults." in refused.value.message
    assert str(timezone.localtime(ban.expires_at).year) in refused.value.message
    logged = ModerationAction.objects.get(action=ModerationAction.Kind.REFUSED)
    assert logged.ban == ban and logged.actor is None and logged.comment is None
    assert Comment.objects.filter(review=review).count() == 0


def test_permanent_ban_says_banned(review, known_reader):
    factories.BanFactory(user=known_reader, expires_at=None, reason="Spam.")
    with pytest.raises(Refused) as refused:
        screen(account_comment(review, known_reader))
    assert "You are banned from commenting." in refused.value.message


def test_banned_email_is_refused_for_guests_and_accounts_with_that_address(review):
    factories.BanFactory(email="troll@example.com")
    with pytest.raises(Refused):
        screen(guest_comment(review, email="TROLL@example.com"))
    user = factories.VerifiedUserFactory(email="troll@example.com")
    with pytest.raises(Refused):
        screen(account_comment(review, user))


@pytest.mark.parametrize(
    ("network", "ip", "banned"),
    [
        ("203.0.113.5", "203.0.113.5", True),
        ("203.0.113.0/24", "203.0.113.200", True),
        ("203.0.113.0/24", "203.0.114.1", False),
        ("2001:db8::/32", "2001:db8::1", True),
        ("2001:db8::/32", "203.0.113.5", False),
    ],
)
def test_ip_and_cidr_bans(review, known_guest, network, ip, banned):
    factories.BanFactory(ip_network=network)
    comment = guest_comment(review, ip=ip)
    if banned:
        with pytest.raises(Refused):
            screen(comment)
    else:
        screen(comment)
        assert comment.status == Comment.Status.APPROVED


def test_expired_ban_no_longer_applies(review, known_reader):
    factories.BanFactory(user=known_reader, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    comment = account_comment(review, known_reader)
    screen(comment)
    assert comment.status == Comment.Status.APPROVED


def test_ban_applies_until_it_expires(review, known_reader, monkeypatch):
    factories.BanFactory(user=known_reader, expires_at=timezone.now() + datetime.timedelta(minutes=1))
    with pytest.raises(Refused):
        screen(account_comment(review, known_reader))
    later = timezone.now() + datetime.timedelta(minutes=2)
    monkeypatch.setattr(moderation.timezone, "now", lambda: later)
    screen(account_comment(review, known_reader))


def test_a_ban_an_editor_adds_or_lifts_applies_at_once(review, known_reader):
    screen(account_comment(review, known_reader))  # the (empty) list of bans is now cached
    ban = factories.BanFactory(user=known_reader)
    with pytest.raises(Refused):
        screen(account_comment(review, known_reader))
    ban.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    ban.save()
    screen(account_comment(review, known_reader))
    factories.BanFactory(email="pat@guest.example").delete()


def test_ban_comes_before_the_tamper_check(review):
    factories.BanFactory(email="pat@guest.example")
    with pytest.raises(Refused):
        screen(guest_comment(review), tampered=True)


def test_ban_clean_normalises_cidr_and_rejects_nonsense():
    from django.core.exceptions import ValidationError

    ban = Ban(ip_network="203.0.113.7/24", reason="x")
    ban.clean()
    assert ban.ip_network == "203.0.113.0/24"
    with pytest.raises(ValidationError):
        Ban(ip_network="not-an-ip", reason="x").clean()
    with pytest.raises(ValidationError):
        Ban(reason="nobody").clean()


# --- 3. tamper and honeypot --------------------------------------------------------------


def test_tampered_form_is_stored_as_spam(review, known_guest):
    comment = guest_comment(review)
    screen(comment, tampered=True)
    assert (comment.status, comment.held_for) == (Comment.Status.SPAM, HeldFor.TAMPER)
    moderation.post(comment)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.SPAM


def test_honeypot_reason_is_kept(review):
    comment = guest_comment(review)
    screen(comment, tampered="honeypot")
    assert (comment.status, comment.held_for) == (Comment.Status.SPAM, HeldFor.HONEYPOT)


def test_tamper_comes_before_flood(review, known_guest):
    moderation.post(_screened(guest_comment(review, body="first")))
    comment = guest_comment(review, body="second")
    screen(comment, tampered=True)  # no 429: silently spam
    assert comment.status == Comment.Status.SPAM


def _screened(comment, **kwargs):
    screen(comment, **kwargs)
    return comment


# --- 4. flood (checked by post(), inside its transaction) --------------------------------


def _post(comment, **kwargs):
    return moderation.post(_screened(comment, **kwargs))


def test_second_comment_within_15_seconds_is_refused_with_429(review, known_reader):
    _post(account_comment(review, known_reader, body="one"))
    with pytest.raises(Refused) as refused:
        _post(account_comment(review, known_reader, body="two", ip="198.51.100.9"))
    assert refused.value.status == 429
    assert not Comment.objects.filter(body="two").exists()


def test_a_guest_is_limited_by_e_mail_address_from_any_address(review, known_guest):
    _post(guest_comment(review, body="one"))
    with pytest.raises(Refused) as refused:
        _post(guest_comment(review, body="two", ip="198.51.100.77"))
    assert refused.value.status == 429


def test_people_sharing_an_address_do_not_limit_each_other(review, known_reader, known_guest):
    """An office or campus NAT: accounts and guests with other e-mail addresses post at once."""
    _post(guest_comment(review, body="guest one"))
    other_reader = factories.VerifiedUserFactory()
    comments = [
        _post(guest_comment(review, body="guest two", email="sam@guest.example")),
        _post(account_comment(review, known_reader, body="account one")),
        _post(account_comment(review, other_reader, body="account two")),
    ]
    assert all(comment.pk for comment in comments)
    assert Comment.objects.filter(ip_address=IP).count() == 4


def test_after_15_seconds_posting_again_is_fine(review, known_reader):
    first = _post(account_comment(review, known_reader, body="one"))
    age(first, seconds=16)
    comment = _post(account_comment(review, known_reader, body="two"))
    assert comment.status == Comment.Status.APPROVED


def test_a_flood_window_of_zero_is_off_even_for_a_comment_stored_just_after(settings, review, known_reader):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    first = _post(account_comment(review, known_reader, body="one"))
    # A concurrent request committed it just after this one read the clock.
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() + datetime.timedelta(seconds=1))
    comment = _post(account_comment(review, known_reader, body="two"))
    assert comment.status == Comment.Status.APPROVED


def test_a_window_of_zero_seconds_never_refuses(settings, review, known_reader):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    bodies = [f"thought {n}" for n in range(3)]
    assert all(_post(account_comment(review, known_reader, body=body)).pk for body in bodies)


def test_more_than_the_hourly_cap_from_one_guest_e_mail(settings, review):
    for n in range(settings.MARQUEE_MODERATION_GUEST_EMAIL_PER_HOUR):
        old = factories.CommentFactory(
            review=review, guest_email="Pat@Guest.example", ip_address=f"10.0.0.{n}"
        )
        age(old, minutes=30)
    with pytest.raises(Refused) as refused:
        _post(guest_comment(review, email="pat@guest.example", ip="10.9.9.9"))
    assert refused.value.status == 429


def test_more_than_the_hourly_cap_of_guests_from_one_address(settings, review):
    for n in range(settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR):
        old = factories.CommentFactory(review=review, ip_address=IP, guest_email=f"g{n}@guest.example")
        age(old, minutes=30)
    with pytest.raises(Refused) as refused:
        _post(guest_comment(review, email="new@guest.example"))
    assert refused.value.status == 429
    # Accounts on that address are not guests: they post.
    assert _post(account_comment(review, factories.VerifiedUserFactory())).pk


def test_more_than_30_an_hour_from_one_account(settings, review, known_reader):
    for n in range(settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR):
        old = factories.CommentFactory(
            review=review, author=known_reader, ip_address=f"10.0.0.{n}", body=f"c{n}"
        )
        age(old, minutes=30)
    with pytest.raises(Refused) as refused:
        _post(account_comment(review, known_reader, ip="10.1.1.1"))
    assert refused.value.status == 429


def test_comments_older_than_an_hour_do_not_count(settings, review, known_reader):
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = 2
    for n in range(2):
        age(factories.CommentFactory(review=review, author=known_reader, body=f"c{n}"), minutes=61)
    assert _post(account_comment(review, known_reader)).pk


def test_editors_are_exempt_from_flood(review):
    editor = factories.EditorFactory()
    _post(account_comment(review, editor, body="one", is_staff=True))
    comment = _post(account_comment(review, editor, body="two", is_staff=True))
    assert comment.status == Comment.Status.APPROVED


def test_flood_limits_come_from_the_environment(monkeypatch):
    import importlib

    import reviewsite.settings

    for name, value in {
        "DJANGO_MODERATION_FLOOD_SECONDS": "5",
        "DJANGO_MODERATION_ACCOUNT_PER_HOUR": "7",
        "DJANGO_MODERATION_GUEST_EMAIL_PER_HOUR": "3",
        "DJANGO_MODERATION_GUEST_IP_PER_HOUR": "90",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        fresh = importlib.reload(reviewsite.settings)
        limits = (
            fresh.MARQUEE_MODERATION_FLOOD_SECONDS,
            fresh.MARQUEE_MODERATION_ACCOUNT_PER_HOUR,
            fresh.MARQUEE_MODERATION_GUEST_EMAIL_PER_HOUR,
            fresh.MARQUEE_MODERATION_GUEST_IP_PER_HOUR,
        )
    finally:
        monkeypatch.undo()
        importlib.reload(reviewsite.settings)
    assert limits == (5, 7, 3, 90)


# --- 5. duplicates -----------------------------------------------------------------------


def test_duplicate_within_24_hours_is_refused_with_409_and_a_link(review, known_reader):
    first = moderation.post(_screened(account_comment(review, known_reader, body="Loved  the SCORE.")))
    age(first, hours=3)
    with pytest.raises(Refused) as refused:
        screen(account_comment(review, known_reader, body="loved the score."))
    assert refused.value.status == 409
    assert refused.value.existing == first


def test_same_text_on_another_review_or_by_another_author_is_fine(review, known_reader, known_guest):
    first = moderation.post(_screened(account_comment(review, known_reader, body="Same words.")))
    age(first, minutes=1)
    screen(account_comment(factories.ReviewFactory(), known_reader, body="Same words."))
    screen(guest_comment(review, body="Same words.", ip="198.51.100.3"))


def test_duplicate_after_24_hours_is_fine(review, known_reader):
    first = moderation.post(_screened(account_comment(review, known_reader, body="Again.")))
    age(first, hours=25)
    comment = _screened(account_comment(review, known_reader, body="Again."))
    assert comment.status == Comment.Status.APPROVED


def test_two_identical_posts_racing_store_exactly_one_row(settings, review, known_reader):
    """Both pass the check (neither is stored yet); the unique key lets only one in. (With a
    flood window the second would be refused as too fast: no window, to race the key alone.)"""
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    first = _screened(account_comment(review, known_reader, body="Race!"))
    second = _screened(account_comment(review, known_reader, body="Race!", ip="198.51.100.2"))
    moderation.post(first)
    with pytest.raises(Refused) as refused:
        moderation.post(second)
    assert refused.value.status == 409 and refused.value.existing == first
    assert second.pk is None
    assert Comment.objects.filter(review=review, body="Race!").count() == 1
    assert CommentFingerprint.objects.count() == 1
    review.refresh_from_db()
    assert review.approved_comment_count == 1


# --- 6-10. content rules -----------------------------------------------------------------


def test_staff_and_the_critic_are_always_approved(review):
    factories.WordListEntryFactory(phrase="dreck")
    editor = factories.EditorFactory()
    comment = _screened(
        account_comment(
            review, editor, body="dreck http://a.example http://b.example http://c.example", is_staff=True
        )
    )
    assert comment.status == Comment.Status.APPROVED
    critic = factories.UserFactory()
    comment = _screened(account_comment(review, critic, body="dreck", is_critic=True))
    assert comment.status == Comment.Status.APPROVED


def test_disallowed_word_is_spam_whole_word_and_case_insensitive(review, known_reader):
    factories.WordListEntryFactory(phrase="dreck", kind="disallowed")
    comment = _screened(account_comment(review, known_reader, body="Utter DRECK, this."))
    assert (comment.status, comment.held_for) == (Comment.Status.SPAM, HeldFor.DISALLOWED_WORD)
    comment = _screened(account_comment(review, known_reader, body="Dreckless? No: unDRECKed.", ip="1.2.3.4"))
    assert comment.status == Comment.Status.APPROVED


def test_disallowed_phrase_matches_across_whitespace(review, known_reader):
    factories.WordListEntryFactory(phrase="buy now", kind="disallowed")
    comment = _screened(account_comment(review, known_reader, body="BUY\n  now!"))
    assert comment.status == Comment.Status.SPAM


def test_watch_word_holds(review, known_reader):
    factories.WordListEntryFactory(phrase="refund", kind="watch")
    comment = _screened(account_comment(review, known_reader, body="I want a Refund."))
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, HeldFor.WATCH_WORD)


def test_disallowed_beats_watch(review, known_reader):
    factories.WordListEntryFactory(phrase="refund", kind="watch")
    factories.WordListEntryFactory(phrase="dreck", kind="disallowed")
    comment = _screened(account_comment(review, known_reader, body="refund this dreck"))
    assert comment.status == Comment.Status.SPAM


def test_more_than_two_links_holds(review, known_reader):
    two = "see https://a.example and http://b.example"
    assert _screened(account_comment(review, known_reader, body=two)).status == Comment.Status.APPROVED
    three = two + " and www.c.example"
    comment = _screened(account_comment(review, known_reader, body=three))
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, HeldFor.LINKS)


def test_new_account_is_held(review):
    comment = _screened(account_comment(review, factories.VerifiedUserFactory()))
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, HeldFor.NEW_COMMENTER)


def test_account_with_an_approved_comment_is_approved(review, known_reader):
    comment = _screened(account_comment(review, known_reader))
    assert (comment.status, comment.held_for) == (Comment.Status.APPROVED, "")


def test_known_after_is_a_setting(settings, review, known_reader):
    settings.MARQUEE_MODERATION_KNOWN_AFTER_APPROVED = 2
    assert _screened(account_comment(review, known_reader)).status == Comment.Status.PENDING


def test_guest_without_verified_email_is_held_even_with_approved_comments(review):
    old = factories.CommentFactory(guest_email="pat@guest.example")
    age(old, hours=1)
    comment = _screened(guest_comment(review))
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, HeldFor.UNVERIFIED_EMAIL)


def test_verified_guest_without_approved_comments_is_a_new_commenter(review):
    VerifiedGuestEmail.objects.create(email="pat@guest.example")
    comment = _screened(guest_comment(review, email="Pat@Guest.example"))
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, HeldFor.NEW_COMMENTER)


def test_known_guest_is_approved(review, known_guest):
    assert _screened(guest_comment(review)).status == Comment.Status.APPROVED


def test_post_stores_counts_and_logs_held(review, known_reader):
    version = review.thread_version
    approved = moderation.post(_screened(account_comment(review, known_reader)))
    review.refresh_from_db()
    assert review.approved_comment_count == 1 and review.thread_version == version + 1
    assert approved.fingerprint.key
    held = moderation.post(_screened(account_comment(review, factories.VerifiedUserFactory(), ip="9.9.9.9")))
    review.refresh_from_db()
    assert review.approved_comment_count == 1
    action = ModerationAction.objects.get(comment=held)
    assert (action.action, action.reason, action.actor) == ("held", HeldFor.NEW_COMMENTER, None)


def test_spam_decisions_are_recorded_by_system(review):
    comment = moderation.post(_screened(guest_comment(review), tampered="honeypot"))
    action = ModerationAction.objects.get(comment=comment)
    assert (action.action, action.reason, action.actor) == ("spam", HeldFor.HONEYPOT, None)
