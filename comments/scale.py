"""Comments in realistic trees, in bulk, for load tests and benchmarks.

Used by `manage.py load_demo --scale N` and by `bench/`. Rows get their ids up front (so each
one's materialised `path` is known before the insert) and go in with `bulk_create` in batches;
bodies come from a small pool rendered once, as on save. Thread shape: about 40% of comments
start a thread, the rest reply to one of the last 60 comments (depth up to 6, mostly 1-3).
"""

import datetime
import ipaddress

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from reviews.models import Review

from .markup import render
from .models import PATH_STEP, Comment

BODIES = [
    "Saw it twice. The [b]second[/b] time the ending landed much harder.",
    "I thought the middle hour dragged, but the last twenty minutes make up for it.\n\nFour stars from me.",
    '[quote="Ann"]The score does half the work.[/quote]\n\nMore than half, I would say.',
    "Careful: [spoiler]the keeper was the narrator all along[/spoiler]. Loved it.",
    "More about the director here: https://example.org/director-interview",
    "Not for me. The [i]dialogue[/i] never sounds like people talking.",
    "Went with my dad, who fell asleep, then argued about it all the way home.",
    "The cinematography alone is worth the ticket; the story less so.",
]
MAX_DEPTH = 6
# Of every 100 comments: what moderation left them as. Removed ones with replies are tombstones.
STATUSES = (
    [Comment.Status.APPROVED] * 95
    + [Comment.Status.PENDING] * 2
    + [Comment.Status.REMOVED] * 2
    + [Comment.Status.REJECTED]
)


def thread_sizes(total, reviews, *, rng, largest=5000):
    """Split `total` comments over `reviews` threads, heavy-tailed: most get a handful, a few
    get thousands (log-normal weights, the largest capped at `largest`)."""
    weights = [rng.lognormvariate(0, 2.0) for _ in range(reviews)]
    scale = total / sum(weights)
    sizes = [min(largest, int(weight * scale)) for weight in weights]
    short = total - sum(sizes)
    index = 0
    while short > 0 and reviews:
        room = largest - sizes[index % reviews]
        step = min(room, short, max(1, total // (reviews * 4)))
        sizes[index % reviews] += step
        short -= step
        index += 1
    return sizes


def commenters(count, *, stamp):
    """`count` accounts that comment (no usable password: they only author rows)."""
    User = get_user_model()
    unusable = make_password(None)
    return User.objects.bulk_create(
        [
            User(username=f"c{stamp}-{i}", email=f"c{stamp}-{i}@example.com", password=unusable)
            for i in range(count)
        ],
        batch_size=1000,
    )


class _Ids:
    """Ids handed out ahead of the insert; the sequence is moved past them afterwards."""

    def __init__(self):
        self.next = (Comment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take(self):
        value, self.next = self.next, self.next + 1
        return value


def build_thread(review, n, *, rng, ids, accounts=(), statuses=None, now=None):
    """The unsaved rows of an `n`-comment thread on `review`, oldest first."""
    now = now or timezone.now()
    rendered = _rendered()
    start = min(review.published_at, now - datetime.timedelta(minutes=1))
    step = (now - start) / (n + 1)
    rows, recent = [], []
    for index in range(n):
        parent = None
        if recent and rng.random() >= 0.4:
            candidates = [row for row in recent[-60:] if row.depth < MAX_DEPTH]
            parent = rng.choice(candidates) if candidates else None
        pk = ids.take()
        which = rng.randrange(len(BODIES))
        status = rng.choice(statuses or STATUSES)
        row = Comment(
            pk=pk,
            review_id=review.pk,
            parent_id=parent.pk if parent else None,
            depth=parent.depth + 1 if parent else 0,
            path=(parent.path if parent else "") + f"{pk:0{PATH_STEP}d}",
            body=BODIES[which],
            body_html=rendered[which],
            status=status,
            held_for="new_commenter" if status == Comment.Status.PENDING else "",
            created_at=start + step * (index + 1),
            updated_at=start + step * (index + 1),  # written as is: the INSERT below runs no pre_save()
            ip_address=str(ipaddress.IPv4Address(0xC6336400 + rng.randrange(20000))),
            user_agent="Mozilla/5.0 (scale)",
        )
        if accounts and rng.random() < 0.6:
            row.author = rng.choice(accounts)
        else:
            guest = rng.randrange(max(100, n))
            row.guest_name = f"Guest {guest}"
            row.guest_email = f"guest{guest}@guest.example"
        rows.append(row)
        if status in (Comment.Status.APPROVED, Comment.Status.REMOVED):
            recent.append(row)
    return rows


_RENDERED = []


def _rendered():
    if not _RENDERED:
        _RENDERED.extend(render(body) for body in BODIES)
    return _RENDERED


def load(review_ids, total, *, rng, accounts=(), batch=2000, largest=5000, stdout=None):
    """`total` comments over the reviews in `review_ids`, in realistic trees, in batches.

    Each batch is its own transaction; the reviews' approved counts and thread versions are
    set from the rows. Returns {review id: comments added}.
    """
    sizes = thread_sizes(total, len(review_ids), rng=rng, largest=largest)
    reviews = Review.objects.in_bulk(review_ids)
    ids = _Ids()
    pending, added, written = [], {}, 0
    for review_id, size in zip(review_ids, sizes, strict=True):
        if size <= 0:
            continue
        rows = build_thread(reviews[review_id], size, rng=rng, ids=ids, accounts=accounts)
        added[review_id] = sum(row.status == Comment.Status.APPROVED for row in rows)
        pending.extend(rows)
        while len(pending) >= batch:
            _write(pending[:batch])
            written += batch
            del pending[:batch]
            if stdout and written % (batch * 10) == 0:
                stdout.write(f"  {written} comments")
    _write(pending)
    with transaction.atomic():
        for review_id, approved in added.items():
            Review(pk=review_id).bump_thread(count_delta=approved)
        _move_sequence_past_ids()
    return added


def _write(rows):
    """Insert `rows` in one transaction with one `executemany`: a plainly written INSERT, since
    `bulk_create` spent three quarters of a 10,000-comment load building its SQL (measured:
    30 s with it, profiled, against 15 s this way)."""
    if not rows:
        return
    fields = Comment._meta.concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - our own table and column names
        quote(Comment._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-call proxy
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), database) for field in fields] for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _move_sequence_past_ids():
    """PostgreSQL's id sequence does not see explicit ids: move it past them (as `loaddata` does)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Comment])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def add_thread(review, n, *, rng, accounts=(), statuses=None):
    """One review's thread of `n` comments (the benchmarks' review page); approved count kept right."""
    ids = _Ids()
    rows = build_thread(review, n, rng=rng, ids=ids, accounts=accounts, statuses=statuses)
    for start in range(0, len(rows), 2000):
        _write(rows[start : start + 2000])
    with transaction.atomic():
        review.bump_thread(count_delta=sum(row.status == Comment.Status.APPROVED for row in rows))
        _move_sequence_past_ids()
    review.refresh_from_db()
    return rows
