"""`manage.py import_wordpress`: WordPress exports (tests/fixtures/wordpress/) into reviews and
threads, safely and repeatably; old links answer 301."""

import datetime
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from comments.wordpress import html_to_markup, thread_levels
from reviews.models import Credit, Critic, Film, Genre, Person, Review
from reviews.wordpress import convert
from reviewsite.wxr import Comment as WXRComment
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress"
WXR12 = FIXTURES / "weekly-wxr12.xml"
WXR11 = FIXTURES / "small-wxr11.xml"
SEED_THREAD = range(1001, 1011)  # the ten approved comments on "Never Let Me Go"


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def by_wordpress_id(*ids):
    return {c.wordpress_id: c for c in Comment.objects.filter(wordpress_id__in=ids).select_related("author")}


@pytest.fixture
def imported(db):
    factories.GenreFactory(name="Thriller", slug="thriller")
    reader = factories.UserFactory(username="samreader", email="sam.reader@readers.example")
    out, _ = run(WXR12)
    return {"out": out, "reader": reader, "review": Review.objects.get(wordpress_id=123)}


# --- Reviews and the film box ---------------------------------------------------------------


def test_a_post_becomes_a_review_with_its_film_box(imported):
    review = imported["review"]
    assert review.headline == "Never Let Me Go"
    assert review.slug == "never-let-me-go"
    assert review.status == Review.Status.PUBLISHED
    assert review.published_at == datetime.datetime(2010, 9, 28, 14, 30, tzinfo=datetime.UTC)
    assert review.lowdown == "A hushed, aching film that trusts its audience to feel the cold underneath."
    assert review.critic.name == "Morgan Hale"
    film = review.film
    assert (film.title, film.year) == ("Never Let Me Go", 2010)
    assert film.synopsis.startswith("Three children raised at a secluded English boarding school")
    assert (film.mpaa_rating, film.mpaa_reason) == ("R", "for some sexuality and nudity")
    assert sorted(film.genres.values_list("name", flat=True)) == ["Drama", "Romance"]
    director = Credit.objects.directors().get(film=film).person
    assert (director.name, director.known_for) == ("Mark Romanek", "One Hour Photo")
    cast = [c.person.name for c in Credit.objects.cast().filter(film=film).select_related("person")]
    assert cast == ["Carey Mulligan", "Andrew Garfield", "Keira Knightley"]


def test_the_body_becomes_markdown_without_the_facts_block(imported):
    review = imported["review"]
    assert "The Story" not in review.body and "Rated R for" not in review.body
    assert review.body.startswith("There is a moment early on")
    assert "*noticing*" in review.body
    assert "[the publisher's page](https://books.example.org/never-let-me-go)" in review.body
    html = review.body_html
    assert "<em>noticing</em>" in html
    assert '<a href="https://books.example.org/never-let-me-go">' in html
    assert "<blockquote>" in html and "<li>a score that <strong>never</strong> begs</li>" in html


def test_statuses_dates_and_categories_map(imported):
    draft = Review.objects.get(wordpress_id=124)
    assert draft.status == Review.Status.DRAFT
    assert draft.slug == "rushmore"  # no post_name on a draft: from the title
    # No GMT date on a draft: its local date is read in the site's time zone (New York, EDT).
    assert draft.published_at == datetime.datetime(2010, 10, 10, 13, 0, tzinfo=datetime.UTC)
    assert "1. the play within the film" in draft.body
    scheduled = Review.objects.get(wordpress_id=128)
    assert scheduled.status == Review.Status.PUBLISHED and not scheduled.is_published
    third_man = Review.objects.get(wordpress_id=125)
    assert (third_man.film.title, third_man.film.year) == ("The Third Man", 1949)
    assert third_man.lowdown == "A restored print of the Vienna classic."  # the excerpt
    assert third_man.comments_open is False
    assert list(third_man.film.genres.values_list("name", flat=True)) == ["Thriller"]  # a tag that matches
    assert third_man.critic.name == "Dana Park"
    # A page, an attachment and a trashed post are not reviews.
    assert not Review.objects.filter(wordpress_id__in=[2, 127, 130]).exists()
    assert "items skipped (page): 1" in imported["out"]


def test_an_existing_film_is_matched_by_title_and_year(db):
    film = factories.FilmFactory(title="The Third Man", slug="the-third-man", year=1949, synopsis="Vienna.")
    factories.FilmFactory(title="The Third Man", slug="the-third-man-remake", year=2031)
    run(WXR12)
    review = Review.objects.get(wordpress_id=125)
    assert review.film == film
    assert Film.objects.filter(title="The Third Man").count() == 2


def test_critic_option_maps_an_author_to_an_existing_critic(db):
    account = factories.UserFactory(username="morgan")
    critic = factories.CriticFactory(name="Morgan H.", account=account)
    run(WXR12, "--critic", "mhale=morgan")
    assert Review.objects.get(wordpress_id=123).critic == critic
    assert not Critic.objects.filter(name="Morgan Hale").exists()
    # The critic's replies are theirs: their account, and the Critic badge.
    reply = Comment.objects.get(wordpress_id=1003)
    assert (reply.author, reply.is_critic) == (account, True)


@pytest.mark.parametrize("value", ["mhale", "mhale=", "mhale=nobody"])
def test_critic_option_refuses_what_it_cannot_map(db, value):
    with pytest.raises(CommandError, match="--critic"):
        run(WXR12, "--critic", value)
    assert not Review.objects.exists()


def test_category_option_imports_only_that_category(db):
    out, _ = run(WXR12, "--category", "movie-reviews")
    assert not Review.objects.filter(wordpress_id=126).exists()  # News
    assert Review.objects.filter(wordpress_id__in=[123, 124, 125, 128]).count() == 4
    assert "posts skipped (other categories): 1" in out


# --- Threads --------------------------------------------------------------------------------


def test_the_thread_keeps_its_shape_order_and_dates(imported):
    review = imported["review"]
    comments = by_wordpress_id(*SEED_THREAD)
    assert len(comments) == 10
    assert comments[1002].parent == comments[1001]
    assert comments[1003].parent == comments[1002] and comments[1003].depth == 2
    # 1008 comes before its parent 1007 in the file.
    assert comments[1008].parent == comments[1007] and comments[1008].depth == 2
    assert comments[1001].created_at == datetime.datetime(2010, 9, 28, 15, 2, tzinfo=datetime.UTC)
    order = list(
        Comment.objects.filter(review=review)
        .visible()
        .order_by("path")
        .values_list("wordpress_id", flat=True)
    )
    assert order == [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010]
    for comment in comments.values():  # paths as Comment.tree_path makes them
        assert comment.path == comment.tree_path()


def test_every_status_maps_and_pingbacks_are_skipped(imported):
    statuses = dict(
        Comment.objects.filter(wordpress_id__in=[1020, 1021, 1022]).values_list("wordpress_id", "status")
    )
    assert statuses == {1020: "pending", 1021: "spam", 1022: "removed"}
    assert not Comment.objects.filter(wordpress_id__in=[1040, 1041]).exists()
    assert "pingbacks and trackbacks skipped: 2" in imported["out"]


def test_counts_and_thread_version_are_right_after_the_import(imported):
    review = imported["review"]
    assert review.approved_comment_count == 10 == review.comments.visible().count()
    assert review.thread_version >= 1 and review.thread_changed_at is not None


def test_authors_are_kept_and_registered_users_linked_by_email(imported):
    comments = by_wordpress_id(1001, 1004, 1006, 1003)
    lena = comments[1001]
    assert (lena.guest_name, lena.guest_email, lena.guest_website) == (
        "Lena",
        "lena@readers.example",
        "http://lena.example.net/",
    )
    assert lena.ip_address == "203.0.113.7" and lena.author is None
    priya = comments[1004]
    assert priya.guest_website == "" and priya.ip_address is None  # javascript: URL, bad IP dropped
    assert comments[1006].author == imported["reader"]  # comment_user_id 7, same e-mail, any case
    assert comments[1006].guest_email == ""
    critic_reply = comments[1003]
    assert critic_reply.is_critic and critic_reply.author is None  # the critic has no account
    assert critic_reply.guest_name == "Morgan Hale"


def test_a_guest_is_not_linked_to_an_account_with_the_same_email(db):
    factories.UserFactory(email="lena@readers.example")
    run(WXR12)
    assert Comment.objects.get(wordpress_id=1001).author is None  # comment_user_id 0


def test_comment_html_becomes_comment_markup(imported):
    comments = by_wordpress_id(1002, 1004, 1007, 1010)
    quote = comments[1002]
    assert quote.body.startswith("[quote]I still can't decide")
    assert "[b]because[/b]" in quote.body
    assert '<blockquote class="comment-quote">' in quote.body_html
    assert "<strong>because</strong>" in quote.body_html
    old_markup = comments[1004]  # [b] typed on WordPress keeps working
    assert "<strong>Read the book first.</strong>" in old_markup.body_html
    assert "<em>book</em>" in old_markup.body_html
    links = comments[1007]
    assert links.body == (
        "Sam, I wrote about the ending in this essay (http://ravi.example.org/essays/ending). "
        "Also http://ravi.example.org/"
    )
    assert '<a href="http://ravi.example.org/essays/ending" rel="nofollow ugc noopener noreferrer">' in (
        links.body_html
    )
    assert "\n\nIt might be." in comments[1010].body


def test_hostile_html_is_neither_run_nor_kept(client, db):
    run(WXR12)
    comment = Comment.objects.get(wordpress_id=1100)
    html = comment.body_html
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "<img", "style="):
        assert bad not in html
    assert "alert('x')" not in comment.body and "display:none" not in comment.body
    assert "click me" in html and "&lt;b&gt;typed tags&lt;/b&gt; stay text" in html
    assert html.count("<blockquote") <= 4  # ten nested quotes, capped by the markup
    assert comment.guest_website == ""  # a URL carrying markup is dropped
    response = client.get(Review.objects.get(wordpress_id=125).get_absolute_url())
    assert response.status_code == 200
    assert b'<script>alert("name")' not in response.content
    assert b"&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;Mallory" in response.content


def test_a_cycle_and_a_missing_parent_become_top_level(db):
    run(WXR12)
    comments = by_wordpress_id(1101, 1102, 1103)
    assert comments[1101].parent is None or comments[1102].parent is None
    assert {comments[1101].depth, comments[1102].depth} == {0, 1}
    assert comments[1103].parent is None and comments[1103].depth == 0


def test_thread_levels_wait_for_parents_in_any_order():
    def comment(id, parent):
        return WXRComment(id, parent, "comment", "1", "", "", "", "", None, "", 0)

    levels = thread_levels([comment(3, 2), comment(2, 1), comment(1, 0), comment(4, 4), comment(5, 99)])
    assert levels == {1: 0, 2: 1, 3: 2, 4: 0, 5: 0}


@pytest.mark.parametrize(
    ("html", "markup"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<strong>x</strong> <b>y</b> <em>z</em> <i>w</i>", "[b]x[/b] [b]y[/b] [i]z[/i] [i]w[/i]"),
        ("<blockquote>q</blockquote>after", "[quote]q[/quote]\n\nafter"),
        ('<a href="https://e.example/p">https://e.example/p</a>', "https://e.example/p"),
        ('<a href="ftp://e.example/">files</a>', "files"),
        ("<b>unclosed", "[b]unclosed[/b]"),
        ("</b>stray", "stray"),
        ("<script>x()</script>ok", "ok"),
        ("&lt;i&gt;typed&lt;/i&gt; &amp; more", "<i>typed</i> & more"),
    ],
)
def test_html_to_markup(html, markup):
    assert html_to_markup(html) == markup


@pytest.mark.parametrize(
    "html",
    ["<a" * 30_000, "<b>" * 30_000, "<!--" * 15_000, "<![" * 20_000, "</" * 30_000, "<blockquote>" * 20_000],
)
def test_pathological_html_converts_in_linear_time(html):
    # Python 3.11's HTMLParser takes 6 s on the first (quadratic) and raises on "<![": ours takes
    # a fraction of a second; the limit leaves room for a busy machine.
    started = time.monotonic()
    html_to_markup(html)
    convert(html)
    assert time.monotonic() - started < 5


def test_importing_sends_no_mail_and_skips_the_pipeline(mailoutbox, db):
    factories.WordListEntryFactory(phrase="watches", kind="disallowed")
    run(WXR12)
    assert mailoutbox == []  # no reply notifications for replies from 2010
    # Moderated on WordPress already: an approved comment with a disallowed word stays approved.
    assert Comment.objects.get(wordpress_id=1009).status == "approved"
    assert Comment.objects.get(wordpress_id=1021).status == "spam"


def test_a_second_review_of_the_same_film_by_the_same_critic_is_refused(db, tmp_path):
    text = WXR12.read_text()
    first_item = text[text.index("<item>") : text.index("</item>") + len("</item>")]
    twin = (
        first_item.replace("<wp:post_id>123</wp:post_id>", "<wp:post_id>900</wp:post_id>")
        .replace("never-let-me-go", "never-let-me-go-again")
        .replace("<wp:comment_id>10", "<wp:comment_id>90")
    )
    path = tmp_path / "twin.xml"
    path.write_text(text.replace("</channel>", twin + "</channel>"))
    out, err = run(path)
    assert "Post 900 ('Never Let Me Go'): Morgan Hale already has a review of Never Let Me Go (2010)" in err
    assert "posts refused: 1" in out
    assert not Review.objects.filter(wordpress_id=900).exists()
    assert not Comment.objects.filter(wordpress_id__gte=9000).exists()  # its thread went with it
    assert Review.objects.filter(wordpress_id=125).exists()  # the rest imported


def test_the_imported_review_page_shows_the_thread(client, imported):
    review = imported["review"]
    response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "10 thoughts" in content
    assert "Tomas has it." in content and "Registered on the old site." in content
    assert "Still waiting for an editor" not in content and "Cheap Watches" not in content
    assert "wordpress_anchors.js" in content
    comment = Comment.objects.get(wordpress_id=1003)
    assert f'id="comment-{comment.pk}"' in content
    numbers = re.findall(r'<span class="comment-number">(\d+)\.</span>', content)
    assert numbers == [str(n) for n in range(1, 11)]


# --- Safe and repeatable --------------------------------------------------------------------


def test_a_second_run_duplicates_nothing(imported):
    before = (Review.objects.count(), Comment.objects.count(), Film.objects.count(), Person.objects.count())
    version = imported["review"].thread_version
    out, _ = run(WXR12)
    after = (Review.objects.count(), Comment.objects.count(), Film.objects.count(), Person.objects.count())
    assert after == before
    assert "reviews already imported: 5" in out and "comments already imported: 17" in out
    review = Review.objects.get(pk=imported["review"].pk)
    assert review.thread_version == version and review.approved_comment_count == 10


def test_a_second_run_adds_only_new_comments_in_their_place(imported, tmp_path):
    newer = WXR12.read_text()
    reply = """<wp:comment><wp:comment_id>1050</wp:comment_id><wp:comment_author>Late</wp:comment_author>
        <wp:comment_author_email>late@readers.example</wp:comment_author_email>
        <wp:comment_date_gmt>2010-11-01 10:00:00</wp:comment_date_gmt>
        <wp:comment_content>A reply from after the first import.</wp:comment_content>
        <wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
        <wp:comment_parent>1001</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>"""
    newer = newer.replace("</item>", reply + "</item>", 1)  # into the first post's thread
    path = tmp_path / "newer.xml"
    path.write_text(newer)
    version = imported["review"].thread_version
    run(path)
    late = Comment.objects.get(wordpress_id=1050)
    first = Comment.objects.get(wordpress_id=1001)
    assert late.parent == first and late.path.startswith(first.path) and late.depth == 1
    review = Review.objects.get(pk=imported["review"].pk)
    assert review.approved_comment_count == 11 and review.thread_version > version
    assert Comment.objects.filter(wordpress_id__isnull=False).count() == 18


def test_dry_run_reports_and_writes_nothing(db):
    out, _ = run(WXR12, "--dry-run")
    assert "Dry run: nothing was written." in out
    assert "comments in the file (approved): 14" in out
    assert "pingbacks and trackbacks to skip: 2" in out
    assert "posts to import (published): 4" in out
    assert not Review.objects.exists() and not Comment.objects.exists() and not Critic.objects.exists()


def test_a_broken_file_says_where_and_imports_nothing(db):
    with pytest.raises(CommandError) as error:
        run(FIXTURES / "broken.xml")
    message = str(error.value)
    assert "line 30" in message and "malformed" in message and "Nothing was imported" in message
    assert not Review.objects.exists()  # the well-formed first post was not written either


def test_an_entity_expansion_bomb_is_refused_at_once(db):
    started = time.monotonic()
    with pytest.raises(CommandError, match=r"line \d+: the file declares entities"):
        run(FIXTURES / "entity-bomb.xml")
    assert time.monotonic() - started < 2
    assert not Review.objects.exists()


def test_an_external_entity_is_refused(db):
    with pytest.raises(CommandError, match="declares entities"):
        run(FIXTURES / "external-entity.xml")
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("plain-rss.xml", "not a WordPress export"), ("missing.xml", "no such file")],
)
def test_other_files_are_refused_clearly(db, name, message):
    with pytest.raises(CommandError, match=message):
        run(FIXTURES / name)


def test_wxr_11_imports_like_12(db):
    out, _ = run(WXR11)
    review = Review.objects.get(wordpress_id=40)
    assert review.film.title == "Moon" and review.film.year == 2009
    assert (review.film.mpaa_rating, review.film.mpaa_reason) == ("R", "for language")
    assert review.lowdown == "Small, strange and sure of itself."
    assert review.body.strip() == "One actor, one base, one very polite robot."
    assert Genre.objects.filter(name="Science Fiction", films=review.film).exists()
    reply = Comment.objects.get(wordpress_id=8)
    assert reply.is_critic and reply.parent.wordpress_id == 7
    assert review.approved_comment_count == 2
    assert Comment.objects.get(wordpress_id=9).status == "pending"
    assert "comments imported (approved): 2" in out


def test_progress_goes_to_stderr(db):
    _, err = run(WXR11)
    assert "100.0%" in err and "1/1 posts" in err and "3/3 comments" in err


def test_stars_are_left_empty(imported):
    assert imported["review"].stars is None
    assert Decimal("0") not in Review.objects.filter(stars__isnull=False).values_list("stars", flat=True)


# --- Old links ------------------------------------------------------------------------------


def test_old_permalinks_answer_301_to_the_review(client, imported):
    review = imported["review"]
    response = client.get("/2010/09/28/never-let-me-go/")
    assert response.status_code == 301 and response["Location"] == review.get_absolute_url()
    # The slug finds it when the date part differs (a permalink structure without the day).
    response = client.get("/2010/09/never-let-me-go/")
    assert response.status_code == 301 and response["Location"] == review.get_absolute_url()
    # WordPress's paged comments: /comment-page-2/ after the permalink.
    response = client.get("/2010/09/28/never-let-me-go/comment-page-2/")
    assert response.status_code == 301 and response["Location"] == review.get_absolute_url()
    assert client.get("/2010/09/28/no-such-post/").status_code == 404
    assert client.get("/2010/09/28/never-let-me-go/feed/").status_code == 404


def test_post_query_answers_301_and_anything_else_is_the_home_page(client, imported):
    response = client.get("/?p=123")
    assert response.status_code == 301 and response["Location"] == imported["review"].get_absolute_url()
    for query in ("?p=124", "?p=999", "?p=abc", "?p=99999999999999999999999", "?p=%D9%A1"):
        assert client.get(f"/{query}").status_code == 200  # a draft, unknown, malformed: home


def test_drafts_old_links_are_not_found(client, imported):
    assert client.get("/2040/01/02/paddington-7/").status_code == 404  # scheduled
    Review.objects.filter(wordpress_id=123).update(status=Review.Status.DRAFT)
    assert client.get("/2010/09/28/never-let-me-go/").status_code == 404


def test_wordpress_comment_numbers_lead_to_the_comment(client, imported):
    comment = Comment.objects.get(wordpress_id=1003)
    response = client.get("/comments/wordpress/1003/")
    assert response.status_code == 301 and response["Location"] == comment.get_absolute_url()
    final = client.get("/comments/wordpress/1003/", follow=True)
    assert final.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assert client.get("/comments/wordpress/424242/").status_code == 404
    assert client.get(f"/comments/wordpress/{2**64}/").status_code == 404
    # A spam comment's number leads nowhere public.
    assert client.get("/comments/wordpress/1021/", follow=True).status_code == 404
