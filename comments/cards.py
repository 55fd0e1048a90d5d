"""A comment's card: the parts of its <article> in the thread that depend only on its own row.

Rendered when the row changes and stored in `Comment.card_html`, so a cold page of the thread
fetches one column per comment instead of seven (no timestamps to parse) and only fills in the
rest (`comments.thread.render_page`): the number, the depth, "in reply to", Reply and Quote while
comments are open, and an account's name and links (display names change without a save here).

Six pieces joined by SEPARATOR (not NUL: PostgreSQL text cannot hold it):

    head    ' comment-by-critic' for a critic, then '" data-comment-id="<pk>" data-author="'
    name    the guest name, escaped: data-author, and "in reply to" under this comment
    guest   the guest name, linked to their website when it is http(s)
    meta    the badges, the permalink with the time, "edited"
    body    '</header>', the body, the opening of the footer
    report  the Report link

The markup drops control characters and the comment form folds whitespace, this included, out
of names, so pieces hold no separator; a card that still does not split into PIECES (empty,
skipped by a bulk insert, a name typed in the admin) is rendered live from the row. The guest
pieces are kept for account comments too: if the account goes (author set to NULL) the comment
shows as the guest it became.
"""

from functools import lru_cache
from html import escape  # Django's, less its lazy-string wrapper: the same output, 5x cheaper

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

SEPARATOR = "\x1f"  # ASCII unit separator
PIECES = 6
REL = "nofollow ugc noopener noreferrer"
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
# The row's columns a card is made of (with `pk`): a write to any of them re-renders the card.
FIELDS = ("guest_name", "guest_website", "body_html", "is_critic", "is_staff", "created_at", "edited_at")


def absolute_time(value, tz=None):
    """ "Nov. 27, 2026, 3:05 p.m." in the site's time zone (cheap: no translation machinery).

    Pass the time zone when calling in a loop: looking up the current one costs more than the rest.
    """
    local = value.astimezone(tz or timezone.get_current_timezone())
    hour = local.hour % 12 or 12
    meridiem = "a.m." if local.hour < 12 else "p.m."
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year}, {hour}:{local.minute:02d} {meridiem}"


def url_template(name):
    """The URL of `name` for any comment id, as a format string (reversed once per URLconf and
    script prefix, not per comment or page)."""
    return _url_template(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=64)
def _url_template(name, urlconf, prefix):
    marker = 987654321
    return reverse(name, args=[marker], urlconf=urlconf).replace(str(marker), "{}")


def guest_author_html(name, website):
    escaped = escape(name)
    if website and website.lower().startswith(("http://", "https://")):
        return f'<a class="comment-author-name" href="{escape(website)}" rel="{REL}">{escaped}</a>'
    return f'<span class="comment-author-name">{escaped}</span>'


def card_pieces(comment, *, report_url=None, tz=None):
    """The card's pieces for `comment`: anything with its `pk` and `FIELDS` as attributes (a
    `Comment`, a historical model in a migration, a row).

    The time is in the site's time zone, since the card is shared by every reader; pass
    `report_url` (`url_template("comments:comment-report")`) and `tz` when rendering many.
    """
    pk = comment.pk
    created = comment.created_at
    absolute = absolute_time(created, tz or timezone.get_default_timezone())
    head = f'" data-comment-id="{pk}" data-author="'
    if comment.is_critic:
        head = " comment-by-critic" + head
    badges = ""
    if comment.is_critic:
        badges = ' <span class="badge comment-badge comment-badge-critic">Critic</span>'
    if comment.is_staff:
        badges += ' <span class="badge comment-badge comment-badge-staff">Staff</span>'
    meta = (
        f'{badges} <a class="comment-permalink" href="#comment-{pk}">'
        f'<time datetime="{created.isoformat()}" title="{absolute}">{absolute}</time></a>'
    )
    if comment.edited_at:
        meta += ' <span class="comment-edited">edited</span>'
    # body_html was rendered and sanitised on save (comments.markup, then bleach).
    body = f'</header><div class="comment-body">{comment.body_html}</div><footer class="comment-actions">'
    report_href = (report_url or url_template("comments:comment-report")).format(pk)
    report = f'<a class="comment-report-link" href="{report_href}" rel="nofollow">Report</a>'
    name = comment.guest_name
    return [head, escape(name), guest_author_html(name, comment.guest_website), meta, body, report]


def card_html(comment, *, report_url=None, tz=None):
    """The card to store in `comment.card_html` (see `card_pieces`)."""
    return SEPARATOR.join(card_pieces(comment, report_url=report_url, tz=tz))
