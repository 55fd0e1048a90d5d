"""Who may moderate: anonymous, reader, critic, editor and superuser against every moderation
URL and admin action, forged POSTs included. Only editors (the Editors group) and superusers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from comments import moderation
from comments.models import Ban, Comment, ModerationAction, Report, WordListEntry
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "critic", "editor", "superuser"]
ALLOWED = {"editor", "superuser"}


@pytest.fixture
def objects():
    comment = factories.CommentFactory(status="pending", held_for="new_commenter")
    return {
        "comment": comment,
        "ban": factories.BanFactory(email="troll@example.com"),
        "word": factories.WordListEntryFactory(),
        "action": ModerationAction.objects.create(comment=comment, action="held"),
        "report": factories.ReportFactory(comment=comment),
    }


def login_as(client, role):
    if role == "anonymous":
        return None
    if role == "reader":
        user = factories.VerifiedUserFactory()
    elif role == "critic":
        user = factories.UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name="Critics"))
        factories.CriticFactory(account=user)
    elif role == "editor":
        user = factories.ModeratorFactory()
    else:
        user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def moderation_urls(objects):
    return [
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_change", args=[objects["comment"].pk]),
        reverse("admin:comments_comment_history", args=[objects["comment"].pk]),
        reverse("admin:comments_ban_changelist"),
        reverse("admin:comments_ban_add"),
        reverse("admin:comments_ban_change", args=[objects["ban"].pk]),
        reverse("admin:comments_ban_delete", args=[objects["ban"].pk]),
        reverse("admin:comments_wordlistentry_changelist"),
        reverse("admin:comments_wordlistentry_add"),
        reverse("admin:comments_wordlistentry_change", args=[objects["word"].pk]),
        reverse("admin:comments_moderationaction_changelist"),
        reverse("admin:comments_moderationaction_change", args=[objects["action"].pk]),
        reverse("admin:comments_report_changelist"),
        reverse("admin:comments_report_change", args=[objects["report"].pk]),
    ]


def refused(response, role):
    if role in ("anonymous", "reader"):
        return response.status_code == 302 and reverse("admin:login") in response["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_every_moderation_page(client, objects, role):
    login_as(client, role)
    for url in moderation_urls(objects):
        response = client.get(url)
        if role in ALLOWED:
            assert response.status_code == 200, url
        else:
            assert refused(response, role), (url, response.status_code)


ACTIONS = [
    "approve_selected",
    "reject_selected",
    "mark_spam_selected",
    "restore_selected",
    "ban_authors",
    "dismiss_reports",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_forged_action_posts(client, objects, role, action):
    login_as(client, role)
    comment = objects["comment"]
    start = "pending"
    if action == "restore_selected":
        moderation.mark_spam(comment)  # restore takes back a decision: there must be one
        Report.objects.update(dismissed_at=None, dismissed_by=None)  # (marking spam dismissed them)
        start = "spam"
    actions_before = ModerationAction.objects.count()
    data = {
        "action": action,
        "_selected_action": [comment.pk],
        "apply": "1",
        "reason": "incivility",
        "duration": "permanent",
        "reject_pending": "on",
    }
    client.raise_request_exception = False
    response = client.post(reverse("admin:comments_comment_changelist") + "?status=all", data)
    changed = (
        Comment.objects.get(pk=comment.pk).status != start
        or Ban.objects.count() != 1
        or Report.objects.filter(dismissed_at__isnull=False).exists()
    )
    if role in ALLOWED:
        assert response.status_code == 302
        assert changed
    else:
        assert refused(response, role)
        assert not changed
        assert ModerationAction.objects.count() == actions_before


@pytest.mark.parametrize("role", ROLES)
def test_forged_posts_to_ban_and_word_list_admin(client, objects, role):
    login_as(client, role)
    client.post(reverse("admin:comments_ban_add"), {"email": "new@example.com", "reason": "x"})
    client.post(reverse("admin:comments_ban_delete", args=[objects["ban"].pk]), {"post": "yes"})
    client.post(reverse("admin:comments_wordlistentry_add"), {"phrase": "zonk", "kind": "watch"})
    client.post(
        reverse("admin:comments_report_changelist"),
        {"action": "dismiss_selected", "_selected_action": [objects["report"].pk]},
    )
    if role in ALLOWED:
        assert Ban.objects.filter(email="new@example.com").exists()
        assert not Ban.objects.filter(pk=objects["ban"].pk).exists()
        assert WordListEntry.objects.filter(phrase="zonk").exists()
        assert Report.objects.get().dismissed_at is not None
    else:
        assert list(Ban.objects.all()) == [objects["ban"]]
        assert not WordListEntry.objects.filter(phrase="zonk").exists()
        assert Report.objects.get().dismissed_at is None


@pytest.mark.parametrize("role", ROLES)
def test_nobody_deletes_comments_or_edits_the_audit_trail(client, objects, role):
    login_as(client, role)
    comment, action = objects["comment"], objects["action"]
    client.post(reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"})
    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"},
    )
    client.post(reverse("admin:comments_moderationaction_delete", args=[action.pk]), {"post": "yes"})
    client.post(reverse("admin:comments_moderationaction_change", args=[action.pk]), {"action": "approve"})
    assert Comment.objects.filter(pk=comment.pk).exists()
    action.refresh_from_db()
    assert action.action == "held"
    assert client.get(reverse("admin:comments_comment_add")).status_code in (302, 403)


def test_editors_group_has_exactly_what_moderation_needs():
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("comments", "view_comment"),
        ("comments", "change_comment"),
        ("comments", "view_report"),
        ("comments", "change_report"),
        ("comments", "view_ban"),
        ("comments", "add_ban"),
        ("comments", "change_ban"),
        ("comments", "delete_ban"),
        ("comments", "view_wordlistentry"),
        ("comments", "add_wordlistentry"),
        ("comments", "change_wordlistentry"),
        ("comments", "delete_wordlistentry"),
        ("comments", "view_moderationaction"),
        ("comments", "view_commentrevision"),
        ("reviews", "view_review"),
    }
    assert not Permission.objects.filter(
        group=group, content_type__app_label__in=["auth", "accounts"]
    ).exists()


def test_an_editor_cannot_edit_reviews_users_or_groups(client):
    editor = factories.ModeratorFactory()
    review = factories.ReviewFactory()
    client.force_login(editor)
    assert (
        client.get(reverse("admin:reviews_review_change", args=[review.pk])).status_code == 200
    )  # view only
    headline = review.headline
    client.post(reverse("admin:reviews_review_change", args=[review.pk]), {"headline": "Defaced"})
    review.refresh_from_db()
    assert review.headline == headline
    assert client.get(reverse("admin:reviews_review_add")).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_change", args=[editor.pk])).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    client.post(reverse("admin:accounts_user_change", args=[editor.pk]), {"is_superuser": "on"})
    editor.refresh_from_db()
    assert not editor.is_superuser


@pytest.mark.parametrize("role", ROLES)
def test_admin_index_queue_summary_only_for_moderators(client, objects, role):
    login_as(client, role)
    response = client.get(reverse("admin:index"))
    if role in ("anonymous", "reader"):
        assert refused(response, role)
        return
    assert response.status_code == 200
    shows = "awaiting moderation" in response.content.decode()
    assert shows == (role in ALLOWED)


# --- The readers' moderation views ----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_report_view_for_every_role(client, role):
    comment = factories.CommentFactory()
    login_as(client, role)
    response = client.post(reverse("comments:comment-report", args=[comment.pk]), {"reason": "spam"})
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
        assert not Report.objects.exists()
    else:  # any signed-in person may report, once
        assert response.status_code == 302
        assert Report.objects.filter(comment=comment).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_the_author_edits_or_deletes_a_comment(client, role):
    author = factories.VerifiedUserFactory()
    comment = factories.CommentFactory(author=author, guest_name="", guest_email="", body="Mine.")
    login_as(client, role)
    edit = client.post(reverse("comments:comment-edit", args=[comment.pk]), {"body": "Not yours."})
    delete = client.post(reverse("comments:comment-delete", args=[comment.pk]))
    for response in (edit, delete):
        if role == "anonymous":
            assert response.status_code == 302 and reverse("account_login") in response["Location"]
        else:
            assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Mine.", "approved")


@pytest.mark.parametrize("role", ROLES)
def test_guest_links_need_the_signed_token_whoever_asks(client, role):
    comment = factories.CommentFactory(guest_email="pat@guest.example", body="Guest's.")
    login_as(client, role)
    for name in ("comments:guest-edit", "comments:guest-delete"):
        response = client.post(reverse(name, args=[comment.pk, "forged-token"]), {"body": "x"})
        assert response.status_code == 400
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Guest's.", "approved")
