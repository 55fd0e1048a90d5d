"""Demo discussions (filled in by the comments issues)."""


def load():
    load_moderation()  # keep last: the moderation demo (comments, part 2)


# =====================================================================================
# Moderation demo (comments, part 2): an editor's realistic morning.
# A queue held for every kind of reason, a reported comment, a ban, a rejected comment,
# spam, and the word list. Idempotent: skipped when its marker comment exists.
# Rows are written directly (not through moderation.post) so loading sends no e-mail.
# =====================================================================================

MODERATION_MARKER = "Does anyone know if the cinema on Main Street still does the Tuesday discount?"

# (held_for, guest name or account username, guest e-mail, body, minutes ago)
MODERATION_QUEUE = [
    (
        "new_commenter",
        "@moviegoer-lena",
        "",
        "First time commenting here. I went in expecting a monster movie and came out thinking about "
        "small-town politics. The mayor is the real villain.",
        95,
    ),
    (
        "unverified_email",
        "Walt P.",
        "walt.p@guest.example",
        MODERATION_MARKER,
        80,
    ),
    (
        "watch_word",
        "Dorothy K.",
        "dorothy.k@guest.example",
        "I want a refund for the two hours I spent on this. The critic is being far too kind.",
        64,
    ),
    (
        "links",
        "FilmBuff2000",
        "filmbuff2000@guest.example",
        "Better reviews here: https://example.com/a and https://example.com/b and https://example.com/c",
        41,
    ),
    (
        "new_commenter",
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
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

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
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(minutes=minutes_ago))
        if status == Comment.Status.APPROVED:
            review.bump_thread(count_delta=1)
        return comment

    # The queue: one held comment for each reason.
    for index, (held_for, who, email, body, minutes_ago) in enumerate(MODERATION_QUEUE):
        comment = make(
            reviews[index % len(reviews)],
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
        reviews[0],
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
    heated = make(
        reviews[1 % len(reviews)],
        who="Gus",
        email="gus@guest.example",
        body="Anyone who likes this film has no taste. None.",
        status=Comment.Status.APPROVED,
        minutes_ago=240,
    )
    Report.objects.create(comment=heated, reporter=reporters[0], reason=Report.Reason.INCIVILITY)

    # Rejected yesterday, with its reason (it can be restored).
    rude = make(
        reviews[0],
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
