"""Each comment's card (comments/cards.py): rendered when its row changes, assembled into the
thread with what depends on anything else, the same HTML as rendering the comment whole."""

import importlib
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import cards, moderation, thread
from comments.models import Comment
from comments.privacy import DELETED_NAME, erase_comments
from reviews.models import Review
from tests import factories
from tests.comments.conftest import render_thread

pytestmark = pytest.mark.django_db

ARTICLE = re.compile(r'<article id="comment-(\d+)".*?</article>\n', re.S)


def fresh_card(comment):
    comment = Comment.objects.get(pk=comment.pk)
    return cards.card_html(comment)


def stored_card(comment):
    return Comment.objects.values_list("card_html", flat=True).get(pk=comment.pk)


def page_html(review, *, comments_open=True):
    review.refresh_from_db()
    layout = thread.build_layout(review)
    return thread.render_page(review, layout, 1, 50, comments_open)


def articles(html):
    return {int(match.group(1)): match.group(0) for match in ARTICLE.finditer(html)}


def whole_renders(review, *, comments_open):
    """Each shown comment as `Renderer.render` writes it from the model, numbered as in the thread."""
    renderer = thread.Renderer(comments_open=comments_open)
    shown, number = {}, 0
    for comment in Comment.objects.filter(review=review).select_related("author").order_by("path"):
        if comment.is_visible:
            number += 1
            shown[comment.pk] = renderer.render(comment, number=number)
        else:
            renderer.render(comment)  # a tombstone: "in reply to a removed comment" under it
    return shown


# --- rendered when the row changes -------------------------------------------------------------


def test_a_new_comment_gets_its_card_on_save(review, add_comment):
    comment = add_comment(review, guest_name="Ann", guest_website="https://ann.example", body="[b]Yes[/b]")
    card = stored_card(comment)
    assert card == fresh_card(comment) == comment.card_html
    assert card.count(cards.SEPARATOR) == cards.PIECES - 1
    assert "<strong>Yes</strong>" in card and 'href="https://ann.example"' in card
    assert f'<time datetime="{comment.created_at.isoformat()}"' in card


def test_saving_a_field_the_card_shows_renders_it_again(review, add_comment):
    comment = add_comment(review, guest_name="Ann")
    comment.guest_name = "Annie"
    comment.is_staff = True
    comment.save(update_fields=["guest_name", "is_staff"])
    card = stored_card(comment)
    assert "Annie" in card and "comment-badge-staff" in card and card == fresh_card(comment)


def test_an_author_edit_renders_the_card_with_the_new_text_and_edited(review):
    author = factories.VerifiedUserFactory()
    comment = factories.CommentFactory(review=review, author=author, guest_name="", body="First thoughts.")
    moderation.author_edit(comment, body="Second [i]thoughts[/i].", by=author)
    card = stored_card(comment)
    assert "<em>thoughts</em>" in card and "First thoughts" not in card
    assert '<span class="comment-edited">edited</span>' in card
    assert card == fresh_card(comment)


def test_removing_a_quoted_comment_redacts_the_quoters_card(review, add_comment):
    original = add_comment(review, guest_name="Ann")
    quoter = add_comment(review, body=f'[quote="Ann" id={original.pk}]something nasty[/quote]\n\nI agree.')
    assert "something nasty" in stored_card(quoter)
    moderation.remove(original, by=None, reason="incivility")
    card = stored_card(quoter)
    assert "something nasty" not in card and "quoted comment removed" in card
    assert card == fresh_card(quoter)


def test_rerender_comments_refreshes_stale_cards(review, add_comment, settings):
    stale = add_comment(review)
    fine = add_comment(review)
    Comment.objects.filter(pk=stale.pk).update(card_html="<p>stale</p>")
    call_command("rerender_comments")
    assert stored_card(stale) == fresh_card(stale) and stored_card(fine) == fresh_card(fine)
    # After a change of the site's time zone: the times on the cards follow.
    settings.TIME_ZONE = "Asia/Tokyo"
    call_command("rerender_comments")
    assert cards.absolute_time(stale.created_at, ZoneInfo("Asia/Tokyo")) in stored_card(stale)


def test_the_migration_fills_empty_cards(review, add_comment):
    comments = [add_comment(review), add_comment(review, author=factories.UserFactory(), is_critic=True)]
    Comment.objects.update(card_html="")
    migration = importlib.import_module("comments.migrations.0006_comment_card_html")
    migration.fill_cards(apps, SimpleNamespace(connection=connection))
    for comment in comments:
        assert stored_card(comment) == fresh_card(comment) != ""


def test_an_erased_account_shows_as_deleted_user_on_its_cards(review, add_comment):
    member = factories.UserFactory(display_name="Nora Quill")
    comment = add_comment(review, author=member, guest_name="", guest_email="")
    assert "Nora Quill" in page_html(review)
    erase_comments(user=member)
    assert stored_card(comment) == fresh_card(comment)
    html = page_html(review)
    assert "Nora Quill" not in html and f'<span class="comment-author-name">{DELETED_NAME}</span>' in html


# --- assembled into the thread -----------------------------------------------------------------


@pytest.fixture
def varied_thread(review, add_comment, settings):
    """Guests and accounts, badges, websites, an edit, and replies deeper than the cap."""
    settings.MARQUEE_COMMENTS_MAX_DEPTH = 2
    fan = factories.UserFactory(username="filmfan", display_name="Film <Fan> & co")
    nameless = factories.UserFactory(username="nameless", display_name="")
    critic = factories.UserFactory(username="thecritic", display_name="The Critic")
    top = add_comment(review, guest_name='Ann "the" <b>', guest_website="https://ann.example/?a=1&b=2")
    add_comment(review, parent=top, author=fan, guest_name="", guest_email="")
    reply = add_comment(review, parent=top, author=critic, guest_name="", guest_email="", is_critic=True)
    deep = add_comment(review, parent=reply, guest_name="Bo", guest_website="ftp://bo.example")
    deeper = add_comment(review, parent=deep, author=nameless, guest_name="", guest_email="", is_staff=True)
    add_comment(review, parent=deeper, guest_name="Cy")
    removed = add_comment(review, parent=deep, guest_name="Gone")
    add_comment(review, parent=removed, guest_name="Orphan")
    moderation.remove(removed, by=None)
    edited = add_comment(review, guest_name="Dee", guest_website="http://dee.example")
    moderation.author_edit(edited, body="Changed my mind.", by=None)
    return review


@pytest.mark.parametrize("comments_open", [True, False], ids=["open", "closed"])
def test_the_thread_from_cards_is_what_rendering_each_comment_gives(varied_thread, comments_open):
    html = page_html(varied_thread, comments_open=comments_open)
    assembled = articles(html)
    expected = whole_renders(varied_thread, comments_open=comments_open)
    assert {pk: assembled[pk] for pk in expected} == expected
    assert len(expected) == 8 and cards.SEPARATOR not in html
    assert "in reply to" in html and "a removed comment" in html and "comment-edited" in html
    assert ("comment-reply-link" in html) is comments_open


def test_a_comment_without_a_card_is_rendered_live(varied_thread):
    with_cards = page_html(varied_thread)
    with CaptureQueriesContext(connection) as with_cards_queries:
        page_html(varied_thread)
    Comment.objects.filter(pk__in=list(articles(with_cards))[::2]).update(card_html="")
    Comment.objects.filter(pk=list(articles(with_cards))[1]).update(card_html="<p>not a card</p>")
    with CaptureQueriesContext(connection) as live_queries:
        assert page_html(varied_thread) == with_cards
    assert len(live_queries) == len(with_cards_queries) + 1  # the cards' columns, once


def test_a_name_holding_the_separator_is_rendered_live(review, add_comment):
    add_comment(review, guest_name="Typed in the admin")
    odd = add_comment(
        review, guest_name=f"Ed{cards.SEPARATOR}gar", guest_website=f"https://e.example/{cards.SEPARATOR}"
    )
    assert articles(page_html(review)) == whole_renders(review, comments_open=True)
    assert odd.card_html.count(cards.SEPARATOR) != cards.PIECES - 1


def test_a_renamed_account_shows_its_new_name_without_new_cards(review, add_comment):
    member = factories.UserFactory(username="reel", display_name="Old Name")
    comment = add_comment(review, author=member, guest_name="", guest_email="")
    card = stored_card(comment)
    assert "Old Name" in render_thread(review)
    member.display_name = "New Name"
    member.save()
    review.bump_thread()  # what the next change to the thread does
    review.refresh_from_db()
    html = render_thread(review)
    assert "New Name" in html and "Old Name" not in html
    assert stored_card(comment) == card


def test_cards_are_in_the_site_time_zone(review, add_comment, settings):
    settings.TIME_ZONE = "America/New_York"
    comment = add_comment(review)
    with timezone.override(ZoneInfo("Asia/Tokyo")):  # a reader's time zone does not leak in
        comment.save()
    assert cards.absolute_time(comment.created_at, ZoneInfo("America/New_York")) in stored_card(comment)


def test_renaming_an_account_refreshes_the_cached_threads_that_show_it(client, review, add_comment):
    member = factories.UserFactory(username="reel", display_name="Old Name")
    add_comment(review, author=member, guest_name="", guest_email="")
    elsewhere = factories.ReviewFactory()
    assert "Old Name" in client.get(review.get_absolute_url()).content.decode()  # now cached
    versions = {r.pk: r.thread_version for r in Review.objects.all()}
    member.display_name = "New Name"
    member.save()
    page = client.get(review.get_absolute_url()).content.decode()
    assert "New Name" in page and "Old Name" not in page
    elsewhere.refresh_from_db()
    assert elsewhere.thread_version == versions[elsewhere.pk]  # no comment of theirs there


def test_saving_an_account_without_a_new_name_leaves_the_threads_alone(review, add_comment):
    member = factories.UserFactory(username="reel", display_name="Same Name")
    add_comment(review, author=member, guest_name="", guest_email="")
    member = type(member).objects.get(pk=member.pk)
    before = Review.objects.get(pk=review.pk).thread_version
    member.bio = "Watches everything twice."
    member.save()
    member.save(update_fields=["last_login"])
    assert Review.objects.get(pk=review.pk).thread_version == before
