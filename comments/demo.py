"""Demo discussions (comments, part 1) and the moderation demo (part 2). Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from comments.markup import quote_source
from comments.models import (
    Ban,
    Comment,
    HeldFor,
    ModerationAction,
    Rejection,
    Report,
    VerifiedGuestEmail,
    WordListEntry,
)
from reviews.models import Review


def load():
    load_discussions()
    load_moderation()  # keep last: the moderation demo (comments, part 2)


# =====================================================================================
# A long thread (`load_demo --long-thread 1000`): for Lighthouse and the screenshots, a review
# whose readers said a lot. About 40% top-level, the rest replies up to 5 deep, bodies with
# bold, quotes, inline spoilers and links, rendered once as on save. Written in bulk (no
# e-mail, no moderation: they are a fixture). Idempotent: skipped when the review has them.
# =====================================================================================

LONG_THREAD_FILM = "The Iron Giant"
LONG_THREAD_BODIES = [
    "Saw it with my kids and the [b]second[/b] half had all three of us in tears.",
    "The animation has aged better than most live action from 1999.\n\nAnd the score!",
    '[quote="Hogarth fan"]Superman.[/quote]\n\nOne word, and the whole cinema went quiet.',
    "Careful, the ending: [spoiler]he flies up to meet the missile[/spoiler]. Every time.",
    "A good piece on how they animated the Giant: https://example.org/iron-giant-animation",
    "Dean the beatnik is the best-written adult in any family film I know.",
]


def load_long_thread(count):
    import random

    from comments.markup import render
    from comments.models import PATH_STEP

    review = _published_review_of(LONG_THREAD_FILM)
    if review is None or count <= 0 or review.comments.filter(guest_email__endswith="@long.example").exists():
        return 0
    rng = random.Random(count)
    rendered = [render(body) for body in LONG_THREAD_BODIES]
    start = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    rows, placed = [], []
    for index in range(count):
        pk = start + index
        parent = None
        if placed and rng.random() >= 0.4:
            candidates = [row for row in placed[-60:] if row.depth < 5]
            parent = rng.choice(candidates) if candidates else None
        which = rng.randrange(len(LONG_THREAD_BODIES))
        rows.append(
            Comment(
                pk=pk,
                review=review,
                parent_id=parent.pk if parent else None,
                depth=parent.depth + 1 if parent else 0,
                path=(parent.path if parent else "") + f"{pk:0{PATH_STEP}d}",
                guest_name=f"Reader {index + 1}",
                guest_email=f"reader{index + 1}@long.example",
                body=LONG_THREAD_BODIES[which],
                body_html=rendered[which],
                status=Comment.Status.APPROVED,
                created_at=now - timedelta(minutes=count - index),
                updated_at=now,
                ip_address="192.0.2.30",
            )
        )
        placed.append(rows[-1])
    Comment.objects.bulk_create(rows, batch_size=500)
    review.bump_thread(count_delta=count)
    return count


# =====================================================================================
# Discussions (comments, part 1): real threads under three published reviews, 4 deep,
# with quotes, a critic replying (Critic badge), an editor (Staff badge), spoilers (inline and
# block) and one comment awaiting moderation. Each thread is written for its film and is
# loaded under that film's review only. Skipped when its marker comment exists.
# =====================================================================================

DISCUSSION_MARKER = "Saw it at the Friday late show and the whole row stayed through the credits."

# Film title -> thread. Each comment: (key, parent key or None, who, body, quote) where `who` is
# "reader", "critic", "editor" (demo accounts) or a guest's name, and `quote` is
# (quoted key, quoted text) or None. "critic" is Margaret Hale, who reviewed Raiders.
DISCUSSIONS = {
    "Raiders of the Lost Ark": [
        ("a1", None, "Nora B.", DISCUSSION_MARKER, None),
        ("a2", "a1", "reader", "Same here. Nobody wanted to be the first one to stand up.", None),
        (
            "a3",
            "a2",
            "critic",
            "That's the best thing anyone can say about a film. Thank you both for going to see it "
            "in a theatre.",
            None,
        ),
        (
            "a4",
            "a3",
            "Nora B.",
            "Will you be covering the rest of the series at the retrospective?",
            ("a3", "Thank you both for going to see it in a theatre."),
        ),
        (
            "a5",
            None,
            "Hank Ortiz",
            "I thought the Cairo stretch dragged. Ten minutes shorter and it's perfect.",
            None,
        ),
        (
            "a6",
            "a5",
            "Priya",
            "Disagree: the [i]basket chase[/i] alone earns those ten minutes.",
            ("a5", "I thought the Cairo stretch dragged."),
        ),
        ("a7", "a6", "Hank Ortiz", "Fair. I'll give it another go while it's back on the big screen.", None),
        (
            "a8",
            None,
            "Jules",
            "Careful with the ending if you haven't seen it:\n\n[spoiler]Indy never looks inside the Ark. "
            "He survives by shutting his eyes, and the government files it away in a warehouse.[/spoiler]",
            None,
        ),
        (
            "a9",
            "a8",
            "Dee",
            "Thank you for the spoiler tag. All my brother told me was that [spoiler]the faces melt[/spoiler], "
            "and that was plenty. Going tonight!",
            None,
        ),
        (
            "a10",
            None,
            "Marcus L.",
            "The score is doing [b]so much[/b] work here. Four notes of that march and I was grinning.",
            None,
        ),
        (
            "a11",
            "a10",
            "editor",
            "A reminder that our piece on the film's music runs in next week's print edition.",
            None,
        ),
        (
            "a12",
            None,
            "Ruth",
            "Took my dad, who saw it on opening night in 1981. He loved it all over again.",
            None,
        ),
        ("a13", "a12", "reader", "This made my morning.", None),
        ("a14", None, "Ben T.", "Four and a half stars feels stingy. It's a five.", None),
        ("a15", "a14", "Ola", "Stars are the least interesting part of a review anyway.", None),
        ("a16", "a15", "Ben T.", "Says the person who read the stars first. We all do.", None),
    ],
    "Everything Everywhere All at Once": [
        (
            "b1",
            None,
            "Wendy C.",
            "Finally a film that trusts its audience. It never explains the same joke twice.",
            None,
        ),
        (
            "b2",
            "b1",
            "Pete",
            "The hot-dog fingers! I missed the next line because the whole room was laughing.",
            None,
        ),
        ("b3", "b2", "Wendy C.", "Which is the best reason to see it again.", None),
        (
            "b4",
            "b3",
            "reader",
            "Or wait for the home release and pause it like a sensible person.",
            ("b3", "the best reason to see it again"),
        ),
        (
            "b5",
            None,
            "Tariq",
            "Ke Huy Quan steals it. Michelle Yeoh is wonderful, but Waymond is the heart of the thing.",
            None,
        ),
        ("b6", "b5", "Lou", "The two rocks on the cliff deserve a film of their own.", None),
        (
            "b7",
            None,
            "Ivy",
            "Anyone know if the soundtrack is out? The closing song is stuck in my head.",
            None,
        ),
        ("b8", "b7", "Sam K.", "It is, under the film's title. The vinyl has two extra tracks.", None),
        ("b9", None, "Greta", "Not for me. Too many universes, not enough story.", None),
        (
            "b10",
            "b9",
            "Hal",
            "The universes [i]are[/i] the story, in a way: it's about every life one woman didn't live.",
            ("b9", "Too many universes, not enough story."),
        ),
        ("b11", "b10", "Greta", "Hm. I hadn't thought of it like that.", None),
        ("b12", "b11", "Hal", "It still could have lost ten minutes, though. You're not wrong.", None),
        ("b13", None, "Ana", "The review nailed it: loud, silly, and smarter than it lets on.", None),
    ],
    "Jaws": [
        (
            "c1",
            None,
            "Victor",
            "Saw it again at the anniversary screening and I still want to stay out of the water.",
            None,
        ),
        ("c2", "c1", "Mira", "Same. We skipped the beach the next day.", None),
        ("c3", "c2", "Victor", "Tell the kids it's only a film.", None),
        ("c4", "c3", "Mira", "They say that's exactly what the mayor would say.", None),
        (
            "c5",
            None,
            "Jon P.",
            "The effects hold up better than half of this summer's blockbusters. How did they do it?",
            None,
        ),
        (
            "c6",
            "c5",
            "Eli",
            "Mostly by keeping the shark out of sight, because it kept breaking down. There's a good "
            "account of the shoot at https://example.org/making-of-jaws",
            None,
        ),
        (
            "c7",
            None,
            "Rosa",
            "Slow in places, but the last half hour on the boat is unbearable, in a good way.",
            None,
        ),
        (
            "c8",
            "c7",
            "Kit",
            "Agreed. Bring someone to hold on to.",
            ("c7", "the last half hour on the boat is unbearable"),
        ),
        ("c9", None, "Fran", "Is it suitable for a twelve-year-old?", None),
        ("c10", "c9", "Nadia", "Mine was fine with it, and we talked about it all the way home.", None),
        (
            "c11",
            None,
            "Lee",
            "Playing again at the Rialto on Sunday afternoon, for anyone who missed it.",
            None,
        ),
        ("c12", "c11", "Owen", "Thanks! Booked.", None),
    ],
}

# Awaiting moderation (a guest's first comment): shown only to editors in the admin queue.
DISCUSSION_PENDING = (
    "Raiders of the Lost Ark",
    "Quinn",
    "quinn@guest.example",
    "First time here. Is the new restoration worth seeing if I know the old print by heart?",
)


def _published_review_of(title):
    return (
        Review.objects.published()
        .select_related("critic")
        .filter(film__title=title)
        .order_by("-published_at")
        .first()
    )


def load_discussions():

    if Comment.objects.filter(body=DISCUSSION_MARKER).exists():
        return
    User = get_user_model()
    accounts = {
        user.username: user for user in User.objects.filter(username__in=["reader", "critic", "editor"])
    }
    now = timezone.now()

    for title, thread in DISCUSSIONS.items():
        review = _published_review_of(title)
        if review is None:
            continue
        made = {}
        start = max(review.published_at, now - timedelta(days=20))
        step = (now - start) / (len(thread) + 2)
        approved = 0
        for index, (key, parent_key, who, body, quote) in enumerate(thread):
            if quote:
                quoted = made[quote[0]]
                body = quote_source(name=quoted.author_name, comment_id=quoted.pk, text=quote[1]) + body
            comment = Comment(
                review=review,
                parent=made.get(parent_key),
                body=body,
                status=Comment.Status.APPROVED,
                ip_address="192.0.2.10",
                user_agent="Mozilla/5.0 (demo)",
            )
            account = accounts.get(who)
            if account is not None:
                comment.author = account
                comment.is_critic = review.critic.account_id == account.pk
                comment.is_staff = account.is_staff
            else:
                comment.guest_name = who
                comment.guest_email = f"{who.lower().replace(' ', '.').replace('.', '')}@guest.example"
            comment.save()
            # Back-dated after the insert (`created_at` is auto_now_add).
            comment.created_at = start + step * (index + 1)
            Comment.objects.filter(pk=comment.pk).update(
                created_at=comment.created_at, updated_at=timezone.now()
            )
            made[key] = comment
            approved += 1
        review.bump_thread(count_delta=approved)

    title, name, email, body = DISCUSSION_PENDING
    review = _published_review_of(title)
    if review is None:
        return
    Comment.objects.create(
        review=review,
        guest_name=name,
        guest_email=email,
        body=body,
        status=Comment.Status.PENDING,
        held_for="unverified_email",
        ip_address="192.0.2.11",
    )


# =====================================================================================
# Moderation demo (comments, part 2): an editor's realistic morning.
# A queue held for every kind of reason, a reported comment, a ban, a rejected comment,
# spam, and the word list. Idempotent: skipped when its marker comment exists.
# Rows are written directly (not through moderation.post) so loading sends no e-mail.
# =====================================================================================

MODERATION_MARKER = "Does anyone know if the cinema on Main Street still does the Tuesday discount?"

# (held_for, film, guest name or account username, guest e-mail, body, minutes ago): each written
# for the film it is held on.
MODERATION_QUEUE = [
    (
        "new_commenter",
        "Jaws",
        "@moviegoer-lena",
        "",
        "First time commenting here. I went in expecting a monster movie and came out thinking about "
        "small-town politics. The mayor is the real villain.",
        95,
    ),
    (
        "unverified_email",
        "Everything Everywhere All at Once",
        "Walt P.",
        "walt.p@guest.example",
        MODERATION_MARKER,
        80,
    ),
    (
        "watch_word",
        "Everything Everywhere All at Once",
        "Dorothy K.",
        "dorothy.k@guest.example",
        "I want a refund for the two hours I spent on this. The critic is being far too kind.",
        64,
    ),
    (
        "links",
        "Raiders of the Lost Ark",
        "FilmBuff2000",
        "filmbuff2000@guest.example",
        "Better reviews here: https://example.com/a and https://example.com/b and https://example.com/c",
        41,
    ),
    (
        "too_fast",
        "Raiders of the Lost Ark",
        "Dee",
        "dee@guest.example",
        "Agreed!",
        20,
    ),
    (
        "new_commenter",
        "Jaws",
        "@moviegoer-omar",
        "",
        "The score does half the work in this one. Those two notes still make me check the water.",
        12,
    ),
]

# (held_for, guest name, e-mail, body): stored as spam by the pipeline.
MODERATION_SPAM = [
    ("disallowed_word", "Lucky Winner", "lucky@spam.example", "Great film! Claim your casino bonus today!!!"),
    ("tamper", "asdf", "asdf@spam.example", "nice post"),
    ("honeypot", "Bot", "bot@spam.example", "Check my profile for cheap tickets"),
]


def load_moderation():

    User = get_user_model()
    editor = User.objects.filter(username="editor").first()
    if editor is not None:
        editor.groups.add(Group.objects.get(name="Editors"))

    for phrase, kind in [
        ("casino bonus", "disallowed"),
        ("cheap pills", "disallowed"),
        ("refund", "watch"),
        ("boycott", "watch"),
    ]:
        WordListEntry.objects.get_or_create(phrase=phrase, defaults={"kind": kind, "note": "Demo list"})

    if Comment.objects.filter(body=MODERATION_MARKER).exists():
        return
    reviews = list(Review.objects.published().order_by("-published_at")[:3])
    if not reviews:
        return
    by_film = {title: _published_review_of(title) or reviews[0] for title in DISCUSSIONS}
    now = timezone.now()

    def reader(username, name):
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": name, "email": f"{username}@readers.example"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    readers = {
        "@moviegoer-lena": reader("moviegoer-lena", "Lena Park"),
        "@moviegoer-omar": reader("moviegoer-omar", "Omar Haddad"),
    }
    reporters = [
        reader(f"demo-reporter-{n}", name) for n, name in enumerate(["Ines Roy", "Tom Beck", "Ada Voss"])
    ]

    def make(review, *, who, email, body, status, held_for="", minutes_ago=0, ip="198.51.100.20"):
        comment = Comment(review=review, body=body, status=status, held_for=held_for, ip_address=ip)
        comment.user_agent = "Mozilla/5.0 (demo)"
        if who.startswith("@"):
            comment.author = readers[who]
        else:
            comment.guest_name, comment.guest_email = who, email
        comment.save()
        comment.created_at = now - timedelta(minutes=minutes_ago)
        Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at, updated_at=timezone.now())
        if status == Comment.Status.APPROVED:
            review.bump_thread(count_delta=1)
        return comment

    # The queue: one held comment for each reason.
    for index, (held_for, title, who, email, body, minutes_ago) in enumerate(MODERATION_QUEUE):
        if email and held_for != "unverified_email":
            VerifiedGuestEmail.objects.get_or_create(email=email)
        comment = make(
            by_film[title],
            who=who,
            email=email,
            body=body,
            status=Comment.Status.PENDING,
            held_for=held_for,
            minutes_ago=minutes_ago,
            ip=f"198.51.100.{30 + index}",
        )
        ModerationAction.objects.create(comment=comment, action="held", reason=held_for, to_status="pending")

    # Spam the pipeline caught.
    for index, (held_for, who, email, body) in enumerate(MODERATION_SPAM):
        make(
            reviews[0],
            who=who,
            email=email,
            body=body,
            status=Comment.Status.SPAM,
            held_for=held_for,
            minutes_ago=200 + index,
            ip=f"203.0.113.{50 + index}",
        )

    # Reported by three readers: back in the queue until an editor decides.
    VerifiedGuestEmail.objects.get_or_create(email="marty.s@guest.example")
    spoiled = make(
        by_film["Jaws"],
        who="Marty S.",
        email="marty.s@guest.example",
        body="Loved it, especially when the shark eats the captain at the end.",
        status=Comment.Status.PENDING,
        held_for=HeldFor.REPORTED,
        minutes_ago=300,
    )
    for reporter in reporters:
        Report.objects.create(comment=spoiled, reporter=reporter, reason=Report.Reason.SPOILER)
    ModerationAction.objects.create(
        comment=spoiled,
        action="reported",
        from_status="approved",
        to_status="pending",
        note="3 readers reported it.",
    )

    # Reported once: still shown, the report waits for an editor.
    VerifiedGuestEmail.objects.get_or_create(email="gus@guest.example")
    # (Blunt, not an insult: an editor would leave it up and dismiss the report.)
    heated = make(
        by_film["Everything Everywhere All at Once"],
        who="Gus",
        email="gus@guest.example",
        body="Overrated. Two hours of noise, and the second half falls apart. Fight me.",
        status=Comment.Status.APPROVED,
        minutes_ago=240,
    )
    Report.objects.create(comment=heated, reporter=reporters[0], reason=Report.Reason.INCIVILITY)

    # Rejected yesterday, with its reason (it can be restored).
    rude = make(
        by_film["Raiders of the Lost Ark"],
        who="Angry Al",
        email="angry.al@guest.example",
        body="The critic should be fired. Idiot.",
        status=Comment.Status.REJECTED,
        held_for=HeldFor.NEW_COMMENTER,
        minutes_ago=60 * 26,
        ip="203.0.113.77",
    )
    ModerationAction.objects.create(
        comment=rude,
        actor=editor,
        action="reject",
        reason=Rejection.PERSONAL_ATTACK,
        from_status="pending",
        to_status="rejected",
        note="Second one this week.",
    )

    # And his address is suspended for a week.
    ban = Ban.objects.create(
        email="angry.al@guest.example",
        reason="Personal attacks on the critic.",
        expires_at=now + timedelta(days=6),
        created_by=editor,
    )
    ModerationAction.objects.create(comment=rude, actor=editor, action="ban", ban=ban, note=ban.reason)
