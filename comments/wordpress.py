"""Importing a WordPress export: posts become reviews (reviews/wordpress.py), their comments
become threads here. `manage.py import_wordpress` is the front end.

The file is read twice, streaming both times (reviewsite/wxr.py): the first pass checks it
end to end and counts (it is all `--dry-run` does), so a malformed or hostile file is refused
before anything is written; the second pass imports one post at a time, each post and its
thread in one transaction. Rows carry their WordPress ids, so a second run skips what the first
imported and adds only what is new (an interrupted import is finished by running it again).

Comments are written with `bulk_create`, a thread level at a time so a reply's parent always
has its id (whatever order the file gives them in), then their materialised paths in one
`bulk_update` per batch; `moderation.recount_threads` sets the review's count and bumps its
thread afterwards. They skip the spam, flood and duplicate checks (they were moderated on
WordPress, and their statuses come with them) but not the markup: each body is converted to
Marquee's comment markup and rendered by comments.markup and the shared sanitiser.
"""

import ipaddress
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Left, Lower, LPad

from reviews import wordpress as posts
from reviews.models import Review
from reviewsite import wxr
from reviewsite.htmlscan import TagScanner

from . import markup, moderation
from .models import PATH_MAX_LEVELS, PATH_STEP, Comment

Status = Comment.Status

# wp:comment_approved -> Comment.status. Trash is what an editor deleted: removed, restorable.
STATUSES = {
    "1": Status.APPROVED,
    "approve": Status.APPROVED,
    "0": Status.PENDING,
    "hold": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.REMOVED,
    "post-trashed": Status.REMOVED,
}
SKIPPED_TYPES = ("pingback", "trackback")
# WordPress keeps comments in a TEXT column (64 KB); anything longer in a file is cut there.
MAX_COMMENT_HTML = 65_535
DEPTH_CAP = 32_767  # PositiveSmallIntegerField
_QUERY_CHUNK = 500
_url_validator = URLValidator(schemes=["http", "https"])


# --- Comment HTML into comment markup -------------------------------------------------------


class _MarkupConverter(TagScanner):
    """<blockquote> -> [quote], <b>/<strong> -> [b], <i>/<em> -> [i], links -> bare URLs,
    paragraphs and line breaks kept; every other element is reduced to its text."""

    TAGS = {"blockquote": "quote", "b": "b", "strong": "b", "i": "i", "em": "i"}
    BREAKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tr", "hr"}

    def __init__(self):
        self.out = []
        self.open = []  # markup tags open: names, and ("a", href, index into out)
        self.dropping = []

    def handle_starttag(self, tag, attrs):
        if self.dropping or tag in posts.DROPPED_TAGS:
            if tag in posts.DROPPED_TAGS:
                self.dropping.append(tag)
            return
        if tag in self.TAGS:
            name = self.TAGS[tag]
            if name == "quote":
                self.out.append("\n\n")
            self.out.append(f"[{name}]")
            self.open.append(name)
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            self.open.append(("a", href, len(self.out)))
        elif tag == "br":
            self.out.append("\n")
        elif tag in self.BREAKS:
            self.out.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and not self.dropping:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        name = "a" if tag == "a" else self.TAGS.get(tag)
        if name is not None:
            for index in range(len(self.open) - 1, -1, -1):
                entry = self.open[index]
                if (entry[0] if isinstance(entry, tuple) else entry) == name:
                    while len(self.open) > index:
                        self._close(self.open.pop())
                    break
        elif tag in self.BREAKS:
            self.out.append("\n\n")

    def _close(self, entry):
        if isinstance(entry, tuple):
            _, href, start = entry
            text = "".join(self.out[start:]).strip()
            if href.lower().startswith(("http://", "https://")) and " " not in href:
                bare = href.split("://", 1)[1].rstrip("/")
                shown = text.split("://", 1)[-1].rstrip("/")
                if not text or shown == bare:
                    self.out[start:] = [href]
                else:
                    self.out.append(f" ({href})")
            return
        self.out.append(f"[/{entry}]")
        if entry == "quote":
            self.out.append("\n\n")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(data)

    def result(self):
        self.close()
        while self.open:
            self._close(self.open.pop())
        text = "".join(self.out).replace("\r\n", "\n").replace("\r", "\n")
        lines = [line.rstrip() for line in text.split("\n")]
        # Blank-line runs to one blank line: the markup makes paragraphs of them.
        out, blank = [], False
        for line in lines:
            if line.strip():
                if blank and out:
                    out.append("")
                out.append(line)
                blank = False
            else:
                blank = True
        return "\n".join(out).strip()


def html_to_markup(html):
    converter = _MarkupConverter()
    converter.feed((html or "")[:MAX_COMMENT_HTML])
    return converter.result()


def render(body):
    """The body's HTML: the comment markup and sanitiser every comment goes through. Quotes by
    id show as removed: ids in old text are not Marquee's."""
    return markup.render(body, quoted_lookup={})


# --- Commenters -----------------------------------------------------------------------------


def valid_email(value):
    value = (value or "").strip()[:254]
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def valid_website(value):
    value = (value or "").strip()
    if len(value) > 200 or any(character in value for character in "<>\"' "):
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value


def valid_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


class Accounts:
    """Marquee accounts by e-mail address (lower case), looked up once per address."""

    def __init__(self):
        self.by_email = {}  # lower e-mail -> (pk, is_staff) or None
        self.by_pk = {}

    def load(self, emails):
        missing = sorted({e for e in emails if e and e not in self.by_email})
        users = get_user_model().objects.annotate(lower_email=Lower("email"))
        for start in range(0, len(missing), _QUERY_CHUNK):
            chunk = missing[start : start + _QUERY_CHUNK]
            for email in chunk:
                self.by_email[email] = None
            rows = (
                users.filter(lower_email__in=chunk)
                .order_by("-pk")
                .values_list("lower_email", "pk", "is_staff")
            )
            for email, pk, is_staff in rows.values_list("lower_email", "pk", "is_staff"):  # oldest wins
                self.by_email[email] = (pk, is_staff)

    def staff(self, pk):
        if pk not in self.by_pk:
            self.by_pk[pk] = get_user_model().objects.filter(pk=pk, is_staff=True).exists()
        return self.by_pk[pk]


# --- Threads --------------------------------------------------------------------------------


def thread_levels(comments):
    """{WordPress id: level}: 0 for a comment whose parent is not among `comments`, else its
    parent's level + 1. A cycle in comment_parent (a hostile file) is cut where it closes."""
    by_id = {c.id: c for c in comments}
    level = {}
    for start in comments:
        chain, on_chain, node = [], set(), start
        while node.id not in level:
            if node.id in on_chain:
                node.parent_id = 0
                level[node.id] = 0
                break
            chain.append(node)
            on_chain.add(node.id)
            parent = by_id.get(node.parent_id) if node.parent_id != node.id else None
            if parent is None:
                level[node.id] = 0
                break
            node = parent
        for node in reversed(chain):
            if node.id not in level:
                level[node.id] = level[node.parent_id] + 1
    return level


class ThreadImporter:
    def __init__(self, *, batch_size=1000):
        self.batch_size = batch_size
        self.accounts = Accounts()

    def import_thread(self, review, comments, *, critic_user_id=0, counts=None, progress=None):
        """Write the new comments of `review`'s thread (inside a transaction); how many were new.

        Adds to `counts` what was imported and what was skipped, and why."""
        counts = Counter() if counts is None else counts
        wanted, seen = [], set()
        for comment in comments:
            if comment.type in SKIPPED_TYPES:
                counts["pingbacks and trackbacks skipped"] += 1
            elif comment.type != "comment":
                counts[f"{comment.type} comments skipped"] += 1
            elif comment.id and comment.id not in seen:
                seen.add(comment.id)
                wanted.append(comment)
        placed = existing_comments([c.id for c in wanted])  # WordPress id -> (pk, path, depth)
        new = [c for c in wanted if c.id not in placed]
        counts["comments already imported"] += len(wanted) - len(new)
        if progress and len(wanted) > len(new):
            progress(len(wanted) - len(new))
        if not new:
            return 0
        self.accounts.load(c.email.strip().lower() for c in new if c.user_id and c.email)
        critic_account = review.critic.account_id
        levels = thread_levels(new)
        new.sort(key=lambda c: (levels[c.id], c.date.timestamp() if c.date else 0, c.id))
        for start in range(0, len(new), self.batch_size):
            batch = new[start : start + self.batch_size]
            # Sorted by level, a batch may hold a parent and its reply: write it in rounds.
            while batch:
                ids = {c.id for c in batch}
                ready = [c for c in batch if c.parent_id not in ids or c.parent_id == c.id] or batch
                self._write_round(review, ready, placed, critic_user_id, critic_account, counts)
                batch = [c for c in batch if c.id not in placed]
            if progress:
                progress(min(self.batch_size, len(new) - start))
        return len(new)

    def _write_round(self, review, batch, placed, critic_user_id, critic_account, counts):
        rows = []
        for comment in batch:
            parent = placed.get(comment.parent_id) if comment.parent_id != comment.id else None
            row = self.build(review, comment, parent, critic_user_id, critic_account)
            rows.append(row)
            counts[f"comments imported ({row.status})"] += 1
        Comment.objects.bulk_create(rows)
        for row, comment in zip(rows, batch, strict=True):
            if row.parent_id:
                parent_pk, parent_path, parent_depth = placed[comment.parent_id]
                row.parent = Comment(pk=parent_pk, path=parent_path, depth=parent_depth)
            row.path = row.tree_path()
            placed[comment.id] = (row.pk, row.path, row.depth)
        # The same paths, written by one UPDATE from each row's id and its parent's stored path
        # (bulk_update's CASE of a thousand branches cost more than everything else here).
        parent_path = Comment.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
        Comment.objects.filter(pk__in=[row.pk for row in rows]).update(
            path=Concat(
                Coalesce(Left(Subquery(parent_path), (PATH_MAX_LEVELS - 1) * PATH_STEP), Value("")),
                LPad(Cast("pk", CharField()), PATH_STEP, Value("0")),
            )
        )

    def build(self, review, comment, parent, critic_user_id, critic_account):
        body = html_to_markup(comment.content)
        row = Comment(
            review_id=review.pk,
            parent_id=parent[0] if parent else None,
            depth=min(parent[2] + 1, DEPTH_CAP) if parent else 0,
            body=body,
            body_html=render(body),
            status=STATUSES.get(comment.approved, Status.PENDING),
            created_at=posts.aware(comment.date, default=review.published_at),
            ip_address=valid_ip(comment.ip),
            wordpress_id=comment.id,
        )
        account = None
        if comment.user_id and critic_user_id and comment.user_id == critic_user_id:
            row.is_critic = True
            if critic_account:
                account = (critic_account, self.accounts.staff(critic_account))
        elif comment.user_id and comment.email:
            account = self.accounts.by_email.get(comment.email.strip().lower())
        if account is not None:
            row.author_id, row.is_staff = account
        else:
            row.guest_name = " ".join(comment.author.split())[:80] or "Anonymous"
            row.guest_email = valid_email(comment.email)
            row.guest_website = valid_website(comment.url)
        return row


def existing_comments(ids):
    """{WordPress id: (pk, path, depth)} of the comments with these ids already imported."""
    placed = {}
    for start in range(0, len(ids), _QUERY_CHUNK):
        rows = Comment.objects.filter(wordpress_id__in=ids[start : start + _QUERY_CHUNK]).values_list(
            "wordpress_id", "pk", "path", "depth"
        )
        for wordpress_id, pk, path, depth in rows:
            placed[wordpress_id] = (pk, path, depth)
    return placed


# --- The whole import -----------------------------------------------------------------------


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    total_posts: int = 0
    total_comments: int = 0

    def lines(self):
        return [f"{label}: {count}" for label, count in sorted(self.counts.items()) if count]


class WordPressImport:
    """`survey()` reads and counts (no writes); `run()` surveys, then imports."""

    def __init__(self, path, *, category=None, critics=None, batch_size=1000, progress=None):
        self.path = path
        self.category = category
        self.critics = critics or {}
        self.batch_size = batch_size
        self.progress = progress  # called with (posts done, comments done, report)

    def wanted(self, post, counts):
        """Is this item one to import? Counts the ones that are not, by why."""
        if post.post_type != "post":
            counts[f"items skipped ({post.post_type})"] += 1
        elif post.status not in posts.STATUSES:
            counts[f"posts skipped (status {post.status or 'none'})"] += 1
        elif self.category and not any(
            domain == "category" and self.category in (nicename, name)
            for domain, nicename, name in post.categories
        ):
            counts["posts skipped (other categories)"] += 1
        else:
            return True
        return False

    def _items(self):
        with open(self.path, "rb") as file:
            yield from wxr.read(file)

    def survey(self):
        """Read the whole file (raising `wxr.WXRError` on any problem) and count what an import
        would do. Reads the database only to tell new items from ones already imported."""
        report = Report()
        counts = report.counts
        for item in self._items():
            if isinstance(item, wxr.Author):
                counts["authors"] += 1
                continue
            if not self.wanted(item, counts):
                continue
            report.total_posts += 1
            if Review.objects.filter(wordpress_id=item.id).exists():
                counts["posts already imported"] += 1
            else:
                counts[f"posts to import ({posts.STATUSES[item.status]})"] += 1
            ids = []
            for comment in item.comments:
                if comment.type in SKIPPED_TYPES:
                    counts["pingbacks and trackbacks to skip"] += 1
                elif comment.type == "comment":
                    ids.append(comment.id)
                    counts[f"comments in the file ({STATUSES.get(comment.approved, Status.PENDING)})"] += 1
            report.total_comments += len(ids)
            counts["comments already imported"] += len(existing_comments(ids))
        return report

    def run(self):
        survey = self.survey()
        report = Report(total_posts=survey.total_posts, total_comments=survey.total_comments)
        counts = report.counts
        authors = {}
        reviews = posts.PostImporter(authors=authors, critics=self.critics)
        threads = ThreadImporter(batch_size=self.batch_size)
        done = {"posts": 0, "comments": 0}

        def advance(comments):
            done["comments"] += comments
            if self.progress:
                self.progress(done["posts"], done["comments"], report)

        for item in self._items():
            if isinstance(item, wxr.Author):
                authors[item.login] = item
                continue
            if not self.wanted(item, counts):
                continue
            try:
                with transaction.atomic():
                    review, created = reviews.import_post(item)
                    counts["reviews imported" if created else "reviews already imported"] += 1
                    author = authors.get(item.creator)
                    written = threads.import_thread(
                        review,
                        item.comments,
                        critic_user_id=author.id if author else 0,
                        counts=counts,
                        progress=advance,
                    )
                    if created or written:
                        moderation.recount_threads([review.pk])
            except posts.ImportRefused as refused:
                counts["posts refused"] += 1
                report.warnings.append(f"Post {item.id} ({item.title!r}): {refused}")
            done["posts"] += 1
            advance(0)
        return report
