"""The thread on the review page: display, tombstones, pages, permalinks, speed, caching."""

import random
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import moderation, thread
from comments.models import Comment
from tests import factories
from tests.comments.conftest import render_thread

pytestmark = pytest.mark.django_db


def ids_in(html):
    return [int(pk) for pk in re.findall(r'<article id="comment-(\d+)"', html)]


def test_header_counts_approved_comments_and_names_the_film(review, add_comment):
    add_comment(review)
    add_comment(review)
    add_comment(review, status="pending")
    html = render_thread(review)
    assert "2 thoughts on The Long Reel" in html
    assert "Be civil" in html and "repeat violators are banned" in html
    assert "Leave a reply" in html


def test_one_thought(review, add_comment):
    add_comment(review)
    assert "1 thought on The Long Reel" in render_thread(review)


def test_thread_order_is_oldest_first_with_replies_under_their_parent(review, add_comment):
    first = add_comment(review)
    second = add_comment(review)
    reply_to_first = add_comment(review, parent=first)
    reply_to_reply = add_comment(review, parent=reply_to_first)
    html = render_thread(review)
    assert ids_in(html) == [first.pk, reply_to_first.pk, reply_to_reply.pk, second.pk]
    assert re.findall(r'<span class="comment-number">(\d+)\.</span>', html) == ["1", "2", "3", "4"]
    assert f'id="comment-{reply_to_reply.pk}" class="comment depth-2"' in html
    assert f'href="#comment-{first.pk}"' in html


def test_replies_deeper_than_the_cap_show_at_the_cap_with_in_reply_to(review, add_comment, settings):
    settings.MARQUEE_COMMENTS_MAX_DEPTH = 5
    parent = add_comment(review, guest_name="Level0")
    chain = [parent]
    for level in range(1, 8):
        chain.append(add_comment(review, parent=chain[-1], guest_name=f"Level{level}"))
    html = render_thread(review)
    assert f'id="comment-{chain[5].pk}" class="comment depth-5"' in html
    assert f'id="comment-{chain[7].pk}" class="comment depth-5"' in html
    assert f'in reply to <a href="#comment-{chain[6].pk}"><bdi>Level6</bdi></a>' in html
    assert "in reply to" not in html.split(f'id="comment-{chain[5].pk}"')[1].split("</article>")[0]


def test_authors_links_and_badges(review, add_comment):
    member = factories.UserFactory(username="filmfan", display_name="Film Fan")
    add_comment(review, author=member, guest_name="", guest_email="")
    add_comment(review, guest_name="Webby", guest_website="https://webby.example")
    add_comment(review, guest_name="Plain")
    add_comment(review, guest_name="", guest_email="", author=factories.UserFactory(), is_critic=True)
    add_comment(review, guest_name="", guest_email="", author=factories.EditorFactory(), is_staff=True)
    html = render_thread(review)
    assert '<a class="comment-author-name" href="/members/filmfan/"><bdi>Film Fan</bdi></a>' in html
    assert 'href="https://webby.example" rel="nofollow ugc noopener noreferrer"><bdi>Webby</bdi></a>' in html
    assert '<span class="comment-author-name"><bdi>Plain</bdi></span>' in html
    assert html.count("comment-badge-critic") == 1 and html.count("comment-badge-staff") == 1


def test_absolute_time_is_shown_and_relative_time_is_marked_up(review, add_comment):
    add_comment(review)
    html = render_thread(review)
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+" title="[^"]+">[^<]+\d{4}', html)


def test_guest_email_and_ip_never_appear_in_public_pages(review, add_comment):
    top = add_comment(review, guest_email="secret.person@hidden.example", ip_address="203.0.113.77")
    member = factories.UserFactory(email="member.secret@hidden.example")
    add_comment(review, parent=top, author=member, guest_name="", guest_email="")
    pages = [
        review.get_absolute_url(),
        reverse("comments:comment-reply", args=[top.pk]),
        reverse("comments:comment-reply", args=[top.pk]) + "?quote=1",
        reverse("reviews:comments-feed-rss", args=[review.slug]),
        reverse("reviews:comments-feed-atom", args=[review.slug]),
    ]
    client = Client()
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "hidden.example" not in content, url
        assert "203.0.113.77" not in content, url


# --- tombstones -------------------------------------------------------------------------------


def test_removed_comment_with_replies_is_a_tombstone(review, add_comment):
    top = add_comment(review, body="Something uncivil")
    reply = add_comment(review, parent=top, body="A civil reply")
    moderation.remove(top, by=None, reason="incivility")
    review.refresh_from_db()
    html = render_thread(review)
    assert "Something uncivil" not in html and "A civil reply" in html
    assert "This comment was removed." in html
    assert ids_in(html) == [top.pk, reply.pk]
    assert "1 thought on" in html
    assert re.findall(r'<span class="comment-number">(\d+)\.</span>', html) == ["1"]


def test_layout_of_a_random_tree_with_removed_and_pending_comments(review):
    """The layout (roots, numbering offsets, tombstones) against a plain reading of the tree."""
    rng = random.Random(7)
    made = []
    for _ in range(60):
        parent = rng.choice(made) if made and rng.random() < 0.6 else None
        if parent is not None and parent.depth >= 6:
            parent = None
        status = rng.choices(["approved", "removed", "pending"], weights=[7, 2, 1])[0]
        made.append(factories.CommentFactory(review=review, parent=parent, status=status))
    comments = {comment.path: comment for comment in Comment.objects.filter(review=review)}
    approved = sorted(path for path, comment in comments.items() if comment.status == "approved")
    step = len(approved[0]) if approved else 10
    roots = sorted({path[:step] for path in approved})
    hidden = {
        path[:end] for path in approved for end in range(step, len(path), step) if path[:end] not in approved
    }
    assert len(roots) > 10 and len(hidden) > 3  # the tree is varied enough to test something
    layout = thread.build_layout(review)
    assert layout.roots == roots and layout.visible_count == len(approved)
    assert layout.offsets == [sum(path < root for path in approved) for root in roots]
    shown_tombstones = {pk for pks in layout.tombstones.values() for pk in pks}
    assert shown_tombstones == {comments[path].pk for path in hidden}
    for root, pks in layout.tombstones.items():
        assert all(comments[path].path.startswith(root) for path in hidden if comments[path].pk in pks)


def test_removed_comment_without_replies_disappears(review, add_comment):
    keep = add_comment(review)
    gone = add_comment(review, body="Gone for good")
    moderation.remove(gone, by=None, reason="incivility")
    review.refresh_from_db()
    html = render_thread(review)
    assert ids_in(html) == [keep.pk]
    assert "This comment was removed." not in html


def test_tombstone_in_the_middle_of_a_thread_keeps_the_shape(review, add_comment):
    top = add_comment(review)
    middle = add_comment(review, parent=top)
    leaf = add_comment(review, parent=middle)
    moderation.reject(middle, by=None, strikes=False)
    review.refresh_from_db()
    html = render_thread(review)
    assert ids_in(html) == [top.pk, middle.pk, leaf.pk]
    assert f'id="comment-{middle.pk}" class="comment comment-tombstone depth-1"' in html


def test_author_deleted_tombstone_says_so(review, add_comment):
    top = add_comment(review)
    add_comment(review, parent=top)
    moderation.author_delete(top)
    review.refresh_from_db()
    assert "This comment was deleted by its author." in render_thread(review)


# --- pages and permalinks ---------------------------------------------------------------------


@pytest.fixture
def paged(settings, review, add_comment):
    """Five top-level threads, two a page; the second has a reply."""
    settings.MARQUEE_COMMENTS_PER_PAGE = 2
    tops = [add_comment(review, body=f"Top {n}") for n in range(5)]
    reply = add_comment(review, parent=tops[1], body="Reply to top 1")
    late_reply = add_comment(review, parent=tops[2], body="Late reply to top 2")
    return tops, reply, late_reply


def test_top_level_threads_are_paginated_with_their_replies(review, paged):
    tops, reply, late_reply = paged
    first = render_thread(review)
    assert ids_in(first) == [tops[0].pk, tops[1].pk, reply.pk]
    assert "Page 1 of 3" in first and 'href="?page=2#comments"' in first
    second = render_thread(review, page=2)
    assert ids_in(second) == [tops[2].pk, late_reply.pk, tops[3].pk]
    numbers = re.findall(r'<span class="comment-number">(\d+)\.</span>', second)
    assert numbers == ["4", "5", "6"]
    assert ids_in(render_thread(review, page=3)) == [tops[4].pk]


@pytest.mark.parametrize(("page", "shown"), [("0", 1), ("-1", 1), ("abc", 1), ("", 1), ("999", 3), ("3", 3)])
def test_out_of_range_pages_are_clamped(review, paged, page, shown):
    tops, reply, _ = paged
    expected = {1: [tops[0].pk, tops[1].pk, reply.pk], 3: [tops[4].pk]}[shown]
    html = render_thread(review, page=page)
    assert ids_in(html) == expected
    assert f"Page {shown} of 3" in html


def test_the_review_page_clamps_its_page_too(client, review, paged):
    tops, _, _ = paged
    for query in ("?page=999", "?page=-4", "?page=x"):
        response = client.get(review.get_absolute_url() + query)
        assert response.status_code == 200
    assert (
        f'id="comment-{tops[4].pk}"' in client.get(review.get_absolute_url() + "?page=999").content.decode()
    )


def test_permalink_redirects_to_the_right_page_and_anchor(client, review, paged):
    tops, reply, late_reply = paged
    url = review.get_absolute_url()
    response = client.get(reverse("comments:comment-permalink", args=[late_reply.pk]))
    assert response.status_code == 302 and response["Location"] == f"{url}?page=2#comment-{late_reply.pk}"
    response = client.get(reverse("comments:comment-permalink", args=[reply.pk]))
    assert response["Location"] == f"{url}#comment-{reply.pk}"
    assert client.get(tops[4].get_absolute_url())["Location"] == f"{url}?page=3#comment-{tops[4].pk}"


def test_permalink_of_hidden_comment_is_404(client, review, add_comment):
    for status in ("pending", "spam", "rejected", "removed"):
        comment = add_comment(review, status=status)
        assert client.get(comment.get_absolute_url()).status_code == 404


def test_permalink_of_a_tombstone_goes_to_its_place(client, review, add_comment):
    top = add_comment(review)
    add_comment(review, parent=top)
    moderation.remove(top, by=None)
    assert client.get(top.get_absolute_url())["Location"].endswith(f"#comment-{top.pk}")


def test_permalink_missing_is_404(client, db):
    assert client.get("/comments/424242/").status_code == 404


# --- the reply page ---------------------------------------------------------------------------


def test_reply_page_shows_the_parent_and_the_form(client, review, add_comment):
    parent = add_comment(review, guest_name="Ann", body="The [i]score[/i] was great")
    response = client.get(reverse("comments:comment-reply", args=[parent.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Reply to Ann" in content and "<em>score</em>" in content
    assert f'name="parent" id="comment-parent" value="{parent.pk}"' in content


def test_quote_prefills_the_form(client, review, add_comment):
    parent = add_comment(
        review, guest_name="Ann", body='[quote="Bo" id=1]older[/quote]\n\nThe score was great'
    )
    content = client.get(reverse("comments:comment-reply", args=[parent.pk]) + "?quote=1").content.decode()
    assert f"[quote=&quot;Ann&quot; id={parent.pk}]The score was great[/quote]" in content
    assert "older" not in content.split("<textarea")[1]


@pytest.mark.parametrize("status", ["pending", "removed"])
def test_reply_page_for_hidden_comment_is_404(client, review, add_comment, status):
    assert (
        client.get(
            reverse("comments:comment-reply", args=[add_comment(review, status=status).pk])
        ).status_code
        == 404
    )


def test_reply_page_on_closed_review_says_so(client, review, add_comment):
    parent = add_comment(review)
    review.comments_open = False
    review.save()
    content = client.get(reverse("comments:comment-reply", args=[parent.pk])).content.decode()
    assert "Comments are closed" in content and 'id="comment-form"' not in content


# --- speed: constant queries, the cache, conditional GET ----------------------------------------


def build_thread(review, count):
    """`count` approved comments, about 40% top-level, depth up to 5, inserted in bulk."""
    comments = []
    for n in range(count):
        parent = None
        if n % 5 >= 2 and comments:
            parent = comments[-1] if comments[-1].depth < 5 else comments[n // 2]
        comment = Comment(
            review=review,
            parent=parent,
            guest_name=f"Reader {n}",
            guest_email=f"r{n}@guest.example",
            body=f"Thought number {n}",
            body_html=f"<p>Thought number {n}</p>",
            status="approved",
            depth=parent.depth + 1 if parent else 0,
        )
        comment._rendered_from = comment.body
        comment.save()
        comments.append(comment)
    review.bump_thread(count_delta=count)
    review.refresh_from_db()
    return comments


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_review_page_queries_are_constant(django_assert_max_num_queries, review, signed_in):
    other = factories.ReviewFactory()
    build_thread(review, 10)
    build_thread(other, 1000)
    client = Client()
    if signed_in:
        client.force_login(factories.VerifiedUserFactory())
    counts = {}
    for target in (review, other):
        url = target.get_absolute_url()
        cache.clear()
        counts[target.pk] = cold = count_queries(client, url)
        if not signed_in:
            # Review, credits, genres, books, layout, the page's keys, its comments in full.
            assert cold <= 7
        with django_assert_max_num_queries(6):
            client.get(url)
        assert count_queries(client, url) <= cold
    assert counts[review.pk] == counts[other.pk]
    later_page = other.get_absolute_url() + "?page=3"
    assert count_queries(client, later_page) <= counts[other.pk]
    with django_assert_max_num_queries(6):
        client.get(later_page)


def test_thread_adds_at_most_three_queries_cold_and_none_warm(review, add_comment):
    build_thread(review, 30)
    review = type(review).objects.select_related("film").get(pk=review.pk)
    with CaptureQueriesContext(connection) as cold:
        render_thread(review)
    with CaptureQueriesContext(connection) as warm:
        render_thread(review)
    # The layout, the page's keys, then the comments not cached yet in full.
    assert len(cold.captured_queries) <= 3
    assert len(warm.captured_queries) == 0


def test_after_an_approval_only_the_new_comment_is_read_in_full(review, add_comment):
    build_thread(review, 30)
    render_thread(review)
    held = add_comment(review, status="pending", body="Just approved")
    moderation.approve(held, by=None)
    review.refresh_from_db()
    with CaptureQueriesContext(connection) as after:
        html = render_thread(review)
    assert "Just approved" in html and html.count('<article id="comment-') == 31
    bodies = [query["sql"] for query in after.captured_queries if '"body_html"' in query["sql"]]
    assert len(bodies) == 1 and f"({held.pk})" in bodies[0].replace(" ", "")


def test_a_newly_approved_comment_shows_on_the_next_request(client, review, add_comment):
    add_comment(review, body="Already here")
    url = review.get_absolute_url()
    assert "Already here" in client.get(url).content.decode()
    held = add_comment(review, status="pending", body="Fresh from the queue")
    moderation.approve(held, by=None)
    content = client.get(url).content.decode()
    assert "Fresh from the queue" in content and "2 thoughts on" in content


def test_anonymous_reader_gets_304_until_the_thread_changes(review, add_comment):
    add_comment(review)
    client = Client()
    url = review.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and first.has_header("ETag") and first.has_header("Last-Modified")
    assert "sessionid" not in first.cookies
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    held = add_comment(review, status="pending")
    moderation.approve(held, by=None)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_a_guest_who_posted_gets_a_session_and_no_304(settings, review):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    from tests.comments.conftest import form_data

    client = Client()
    url = review.get_absolute_url()
    etag = client.get(url)["ETag"]
    client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review))
    assert "sessionid" in client.cookies
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Awaiting moderation" in response.content.decode()


def test_cached_section_gets_fresh_tokens_for_every_visitor(review, add_comment):
    add_comment(review)
    pages = [Client().get(review.get_absolute_url()).content.decode() for _ in range(2)]
    csrf = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1) for page in pages]
    security = [re.search(r'name="security" value="([^"]+)"', page).group(1) for page in pages]
    assert csrf[0] != csrf[1]
    assert all(token.startswith(f"{review.pk}:") for token in security)
    assert "\x00" not in pages[0] + pages[1]


def test_cached_section_is_not_served_to_visitors_with_something_of_their_own(settings, review, add_comment):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    from tests.comments.conftest import form_data

    add_comment(review)
    Client().get(review.get_absolute_url())  # fills the anonymous section cache
    guest = Client()
    guest.post(
        reverse("comments:comment-post", args=[review.pk]),
        form_data(review, body="Mine, pending", remember="on", name="Robin Guest"),
    )
    page = guest.get(review.get_absolute_url()).content.decode()
    assert "Mine, pending" in page and 'value="Robin Guest"' in page
    assert "Mine, pending" not in Client().get(review.get_absolute_url()).content.decode()


def test_a_reply_chain_deeper_than_the_path_column_stays_in_its_thread(review, add_comment):
    top = add_comment(review)
    chain = [top]
    for _ in range(30):
        chain.append(add_comment(review, parent=chain[-1]))
    later = add_comment(review)
    for comment in chain:
        comment.refresh_from_db()
        assert len(comment.path) <= 255 and comment.path.startswith(top.path)
    assert chain[-1].depth == 30
    assert ids_in(render_thread(review)) == [c.pk for c in chain] + [later.pk]


def test_own_pending_comments_open_spoilers_for_readers_who_asked(review):
    reader = factories.VerifiedUserFactory(always_show_spoilers=True)
    held = factories.CommentFactory(
        review=review, author=reader, status="pending", body="[spoiler]The twist[/spoiler]"
    )
    session = SessionStore()
    session[thread.SESSION_PENDING] = [held.pk]
    html = render_thread(review, user=reader, session=session)
    assert "The twist" in html and "<details open" in html
