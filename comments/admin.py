"""The editors' moderation queue, bans, the word list and the audit trail, in the Django admin.

Every decision goes through `comments.moderation`, the same functions the tests call, so the
review's count and thread version stay right and each decision leaves a `ModerationAction`.
Nothing here deletes a comment.
"""

import re
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from reviewsite.admin import SafeAdminInputMixin

from . import desk, moderation
from .models import (
    Ban,
    Comment,
    CommentRevision,
    HeldFor,
    ModerationAction,
    Rejection,
    Report,
    VerifiedGuestEmail,
    WordListEntry,
    local_time,
)

QUOTE_ID_RE = re.compile(r"\[quote[^\]]*?\bid=(\d{1,12})")

BAN_DURATIONS = {
    "1d": ("1 day", timedelta(days=1)),
    "7d": ("7 days", timedelta(days=7)),
    "30d": ("30 days", timedelta(days=30)),
    "permanent": ("Permanent", None),
}


def _count(queryset):
    """A correlated "SELECT COUNT(*)" subquery (no GROUP BY), 0 when nothing matches."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _history_count(status):
    """Comments with `status` by the same author: the account, or for a guest the address."""
    by_account = Comment.objects.filter(author=OuterRef("author"), status=status)
    by_guest = Comment.objects.filter(
        author__isnull=True, guest_email__iexact=OuterRef("guest_email"), status=status
    )
    return _count(by_account), _count(by_guest)


def current_queue(request):
    """The desk's tab: `?queue=`, or the pending queue unless a status was asked for."""
    queue = request.GET.get("queue")
    if queue is None and "status" not in request.GET:
        return desk.DEFAULT_QUEUE
    return queue


class QueueFilter(admin.SimpleListFilter):
    """The desk's tabs (pending, reported, spam, recently decided); the list opens on pending."""

    title = "queue"
    parameter_name = "queue"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.request = request

    def lookups(self, request, model_admin):
        return desk.QUEUES

    def _current(self):
        return current_queue(self.request)

    def queryset(self, request, queryset):
        value = self._current()
        if value is None:
            return queryset
        return desk.queue_queryset(queryset, value)

    def choices(self, changelist):
        current = self._current()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}, ["status"]),
                "display": title,
            }


class StatusFilter(admin.SimpleListFilter):
    """Any status ("All": everything); choosing one leaves the desk's tabs."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("all", "All")]

    def _current(self):
        return self.value()

    def queryset(self, request, queryset):
        value = self._current()
        if value is None or value == "all":
            return queryset
        if value in Comment.Status.values:
            return queryset.filter(status=value)
        return queryset.none()

    def choices(self, changelist):
        current = self._current()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}, ["queue"]),
                "display": title,
            }


class HeldForFilter(admin.SimpleListFilter):
    title = "held for"
    parameter_name = "held_for"

    def lookups(self, request, model_admin):
        return HeldFor.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(held_for=self.value())
        return queryset


class ReportedFilter(admin.SimpleListFilter):
    title = "reported"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "With open reports"), ("no", "No open reports")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(open_report_count__gt=0)
        if self.value() == "no":
            return queryset.filter(open_report_count=0)
        return queryset


class DeskChangeList(ChangeList):
    """The recently decided tab lists the latest decision first: an ordering on the annotation
    its filter adds, so it cannot be the admin's base ordering."""

    def get_ordering(self, request, queryset):
        if current_queue(request) == "decided" and ORDER_VAR not in self.params:
            return desk.queue_ordering("decided")
        return super().get_ordering(request, queryset)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(choices=Rejection.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For editors; not sent to the author.",
    )


class DecisionForm(forms.Form):
    """One decision from a desk card: approve, spam, restore, reject:<reason> or ban:<length>."""

    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("spam", "Spam"),
            ("restore", "Restore"),
            *((f"reject:{reason}", f"Reject: {reason.label}") for reason, _ in desk.REJECT_REASONS),
            *((f"ban:{key}", f"Ban: {label}") for key, (label, _) in BAN_DURATIONS.items()),
        ]
    )
    status = forms.ChoiceField(choices=Comment.Status.choices, required=False)
    ban_reason = forms.CharField(max_length=200, required=False)
    following = forms.IntegerField(required=False, min_value=1)
    next = forms.CharField(required=False, max_length=2000)


class BanForm(forms.Form):
    duration = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in BAN_DURATIONS.items()], widget=forms.RadioSelect
    )
    reason = forms.CharField(max_length=200, help_text="Shown to the author when they try to post.")
    include_ip = forms.BooleanField(required=False, label="Also ban the IP address of the selected comments")
    reject_pending = forms.BooleanField(
        required=False, initial=True, label="Reject their comments in the queue"
    )


def plural(count, singular, plural_form=None):
    """ "1 comment", "2 comments": the admin's messages count things properly."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def status_label(code):
    return Comment.Status(code).label if code in Comment.Status.values else (code or "-")


class AuditDisplayMixin:
    """How the audit trail reads wherever it is shown: words, not codes; one time zone."""

    @admin.display(description="when", ordering="created_at")
    def when(self, obj):
        return local_time(obj.created_at)

    @admin.display(description="by")
    def actor_display(self, obj):
        return obj.actor_name

    @admin.display(description="reason")
    def reason_words(self, obj):
        return obj.reason_display or "-"

    @admin.display(description="status")
    def status_change(self, obj):
        if not obj.to_status:
            return "-"
        if not obj.from_status or obj.from_status == obj.to_status:
            return status_label(obj.to_status)
        return f"{status_label(obj.from_status)} → {status_label(obj.to_status)}"


class ModerationActionInline(AuditDisplayMixin, admin.TabularInline):
    model = ModerationAction
    fk_name = "comment"
    fields = ["when", "action", "actor_display", "reason_words", "note", "status_change"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-pk"]
    verbose_name = "moderation history entry"
    verbose_name_plural = "moderation history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportInline(admin.TabularInline):
    model = Report
    fields = ["created_at", "reporter", "reason", "note", "dismissed_at", "dismissed_by"]
    verbose_name = "reader's report"
    verbose_name_plural = "readers' reports"
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentRevisionInline(admin.TabularInline):
    model = CommentRevision
    fields = ["created_at", "replaced_at", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "earlier version"
    verbose_name_plural = "earlier versions (edited by the author)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NothingAddedOrDeletedMixin:
    """Moderation changes status and records decisions; rows are never added or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Comment)
class CommentAdmin(SafeAdminInputMixin, NothingAddedOrDeletedMixin, admin.ModelAdmin):
    list_display = [
        "excerpt",
        "review_link",
        "author_display",
        "open_reports",
        "history",
        "ip_address",
        "created_at",
        "status",
    ]
    list_display_links = ["excerpt"]
    list_filter = [QueueFilter, StatusFilter, HeldForFilter, ReportedFilter, "review", "created_at"]
    search_fields = [
        "body",
        "guest_name",
        "guest_email",
        "author__username",
        "author__display_name",
        "author__email",
    ]
    ordering = ["created_at", "pk"]
    list_select_related = ["review__film", "author", "parent__author"]
    list_per_page = 50
    # "N total" would count every comment on each page of the queue: a full scan of the table.
    show_full_result_count = False
    actions = [
        "approve_selected",
        "reject_selected",
        "mark_spam_selected",
        "restore_selected",
        "ban_authors",
        "dismiss_reports",
    ]
    inlines = [ReportInline, CommentRevisionInline, ModerationActionInline]
    change_form_template = "admin/comments/comment/change_form.html"
    change_list_template = "admin/comments/comment/change_list.html"

    class Media:
        css = {"all": ["css/comments.css", "css/desk.css"]}
        js = ["js/desk.js"]

    readonly_fields = [
        "review",
        "author_display",
        "status",
        "held_for_display",
        "created_at",
        "edited_at",
        "ip_display",
        "user_agent",
        "body",
        "is_critic",
        "is_staff",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        account_approved, guest_approved = _history_count(Comment.Status.APPROVED)
        account_rejected, guest_rejected = _history_count(Comment.Status.REJECTED)
        open_reports = _count(Report.objects.filter(comment=OuterRef("pk"), dismissed_at__isnull=True))
        confirmed = VerifiedGuestEmail.objects.filter(email=Lower(OuterRef("guest_email")))
        return (
            super()
            .get_queryset(request)
            .annotate(
                guest_email_confirmed=Exists(confirmed),
                open_report_count=open_reports,
                approved_history=account_approved,
                guest_approved_history=guest_approved,
                rejected_history=account_rejected,
                guest_rejected_history=guest_rejected,
            )
        )

    # --- Columns ----------------------------------------------------------------------

    @admin.display(description="comment")
    def excerpt(self, obj):
        text = Truncator(" ".join(obj.body.split())).chars(140)
        if obj.held_for:
            return format_html('{}<br><small class="held-for">Held for: {}</small>', text, obj.held_for_label)
        return text

    @admin.display(description="film", ordering="review__film__title")
    def review_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.review.get_absolute_url(), obj.review.film.title)

    @admin.display(description="author")
    def author_display(self, obj):
        if obj.author_id:
            return format_html(
                "<bdi>{}</bdi> <small>(account <bdi>{}</bdi>)</small>",
                obj.author.public_name,
                obj.author.get_username(),
            )
        confirmed = getattr(obj, "guest_email_confirmed", None)
        if confirmed is None:
            confirmed = VerifiedGuestEmail.is_verified(obj.guest_email)
        state = "e-mail confirmed" if confirmed else "e-mail not confirmed"
        return format_html(
            "<bdi>{}</bdi> <small>(guest, <bdi>{}</bdi>, {})</small>", obj.guest_name, obj.guest_email, state
        )

    @admin.display(description="reports", ordering="open_report_count")
    def open_reports(self, obj):
        return obj.open_report_count

    @admin.display(description="author's history")
    def history(self, obj):
        if obj.author_id:
            approved, rejected = obj.approved_history, obj.rejected_history
        else:
            approved, rejected = obj.guest_approved_history, obj.guest_rejected_history
        return f"{approved} approved / {rejected} rejected"

    @admin.display(description="IP address")
    def ip_display(self, obj):
        return obj.ip_address or "-"

    @admin.display(description="held for")
    def held_for_display(self, obj):
        return obj.held_for_label or "-"

    # --- Change page: the comment in context ---------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        comment = self.get_object(request, object_id)
        if comment is not None:
            quoted_ids = [int(i) for i in QUOTE_ID_RE.findall(comment.body)][:5]
            recent = Comment.objects.filter(moderation._author_q(comment)).exclude(pk=comment.pk)
            extra_context.update(
                {
                    "moderated_comment": comment,
                    "parent_comment": comment.parent,
                    "quoted_comments": Comment.objects.filter(pk__in=quoted_ids).select_related("author"),
                    "recent_comments": recent.select_related("review__film", "author").order_by(
                        "-created_at"
                    )[:10],
                    "actions_url": reverse("admin:comments_comment_changelist") + "?status=all",
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                    "can_moderate": self.has_change_permission(request, comment),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    # --- The desk: the list as cards, one-click decisions, undo ----------------------------

    def get_ordering(self, request):
        queue = current_queue(request)
        if queue and queue != "decided":  # (decided: by the decision's time, see DeskChangeList)
            return desk.queue_ordering(queue)
        return super().get_ordering(request)

    def get_changelist(self, request, **kwargs):
        return DeskChangeList

    def changelist_view(self, request, extra_context=None):
        counts = desk.queue_counts()
        request.moderation_counts = counts  # the navigation's counts read these (one set a page)
        queue = current_queue(request)
        changelist = reverse("admin:comments_comment_changelist")
        extra_context = {
            **(extra_context or {}),
            "title": "Moderation desk",
            "desk_tabs": [
                {
                    "queue": key,
                    "label": label,
                    "count": counts[key],
                    "url": f"{changelist}?queue={key}",
                    "current": key == queue,
                }
                for key, label in desk.QUEUES
            ],
            "desk_queue": queue,
            "reject_reasons": [(reason.value, reason.label, key) for reason, key in desk.REJECT_REASONS],
            "desk_ban_label": BAN_DURATIONS[desk.DESK_BAN][0],
            "desk_ban_decision": f"ban:{desk.DESK_BAN}",
            "desk_ban_reason": desk.DESK_BAN_REASON,
            "can_ban": self.has_ban_permission(request),
            "last_decision": desk.last_decision_by(request.user),
        }
        response = super().changelist_view(request, extra_context=extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["desk_cards"] = desk.cards(context["cl"].result_list)
            context["desk_return"] = request.get_full_path()
        return response

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="comments_comment_decide",
            ),
            path("undo/", self.admin_site.admin_view(self.undo_view), name="comments_comment_undo"),
        ]
        return own + super().get_urls()

    def decide_view(self, request, object_id):
        """One decision from a card. A POST form: a redirect back to the same place in the list,
        or JSON for the desk's script (Accept: application/json)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = Comment.objects.select_related("review__film", "author").filter(pk=object_id).first()
        if comment is None:
            return self._desk_error(request, "That comment does not exist.", status=404)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self._desk_error(request, "That is not a decision the desk knows.", status=400)
        data = form.cleaned_data
        kind, _, detail = data["decision"].partition(":")
        if kind == "ban" and not self.has_ban_permission(request):
            raise PermissionDenied
        if data["status"] and data["status"] != comment.status:
            return self._desk_error(
                request,
                f"{comment} changed while you were reading it: it is now {comment.get_status_display()}.",
                status=409,
                comments=[comment],
            )
        affected = [comment]
        if kind == "approve":
            moderation.approve(comment, by=request.user)
            message = f"Approved: {comment}."
        elif kind == "spam":
            moderation.mark_spam(comment, by=request.user)
            message = f"Marked as spam: {comment}."
        elif kind == "reject":
            moderation.reject(comment, by=request.user, reason=detail)
            message = f"Rejected ({Rejection(detail).label}): {comment}."
        elif kind == "restore":
            try:
                moderation.restore(comment, by=request.user)
            except moderation.CannotUndo as refused:
                return self._desk_error(request, refused.message, status=409, comments=[comment])
            message = f"Restored ({comment.get_status_display()}): {comment}."
        else:
            label, duration = BAN_DURATIONS[detail]
            ban = moderation.ban_author(
                comment,
                by=request.user,
                duration=duration,
                reason=data["ban_reason"].strip() or desk.DESK_BAN_REASON,
                reject_pending=True,
            )
            if comment.status == Comment.Status.APPROVED:  # a reported comment: it goes with the ban
                moderation.reject(
                    comment,
                    by=request.user,
                    reason=Rejection.OTHER,
                    note="Author banned",
                    strikes=False,
                    ban=ban,
                )
            affected = self._comments_of(ban) or [comment]
            rejected = plural(len(affected), "comment")
            message = f"Banned {comment.author_name} ({label.lower()}); {rejected} rejected."
        self.log_change(request, comment, message)
        if self._wants_json(request):
            return self._desk_json(request, message, affected)
        messages.success(request, message)
        return redirect(self._back_to(request, data.get("next"), data.get("following") or comment.pk))

    def undo_view(self, request):
        """Take back the editor's last decision (or the one named), through the audit trail."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        wanted = request.POST.get("decision", "")
        decision = desk.last_decision_by(request.user)
        if decision is None or (wanted and wanted != str(decision.pk)):
            return self._desk_error(
                request, "There is no decision of yours to undo (or it is no longer the latest).", status=409
            )
        affected = self._comments_of(decision.ban) if decision.ban_id else [decision.comment]
        try:
            moderation.undo(decision, by=request.user)
        except moderation.CannotUndo as refused:
            return self._desk_error(request, refused.message, status=409)
        subject = decision.comment or decision.ban
        message = f"Undone: {decision.get_action_display()} ({subject})."
        if decision.comment_id:
            self.log_change(request, decision.comment, message)
        if self._wants_json(request):
            return self._desk_json(request, message, affected)
        messages.success(request, message)
        following = affected[0].pk if affected and affected[0] else None
        return redirect(self._back_to(request, request.POST.get("next"), following))

    @staticmethod
    def _comments_of(ban):
        ids = ModerationAction.objects.filter(ban=ban, action=ModerationAction.Kind.REJECT).values("comment")
        return list(Comment.objects.filter(pk__in=ids).select_related("review__film", "author"))

    @staticmethod
    def _wants_json(request):
        return request.headers.get("Accept", "").startswith("application/json")

    def _desk_json(self, request, message, comments, *, ok=True, status=200):
        fresh = {c.pk: c for c in Comment.objects.filter(pk__in=[c.pk for c in comments])}
        last = desk.last_decision_by(request.user)
        return JsonResponse(
            {
                "ok": ok,
                "message": message,
                "comments": [
                    {"id": pk, "status": c.status, "status_label": c.get_status_display()}
                    for pk, c in fresh.items()
                ],
                "counts": desk.queue_counts(),
                "undo": {"id": last.pk, "label": _undo_label(last)} if last else None,
            },
            status=status,
        )

    def _desk_error(self, request, message, *, status, comments=()):
        if self._wants_json(request):
            return self._desk_json(request, message, comments, ok=False, status=status)
        if status == 404:
            raise Http404(message)
        messages.error(request, message)
        return redirect(self._back_to(request, request.POST.get("next"), None))

    @staticmethod
    def _back_to(request, next_url, following):
        """The list the decision came from (only a URL of the desk itself), at the next card."""
        changelist = reverse("admin:comments_comment_changelist")
        if not next_url or not next_url.startswith(changelist) or "//" in next_url or "\\" in next_url:
            next_url = changelist
        next_url = next_url.split("#")[0]
        return f"{next_url}#desk-{following}" if following else f"{next_url}#desk-list"

    # --- Bulk actions ---------------------------------------------------------------------

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve_selected(self, request, queryset):
        count = 0
        for comment in queryset.select_related("review"):
            moderation.approve(comment, by=request.user)
            self.log_change(request, comment, "Approved.")
            count += 1
        self.message_user(request, f"Approved {plural(count, 'comment')}.", messages.SUCCESS)

    @admin.action(description="Reject selected comments (pick a reason)…", permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = 0
            for comment in queryset.select_related("review", "author"):
                moderation.reject(
                    comment,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
                self.log_change(
                    request, comment, f"Rejected: {Rejection(form.cleaned_data['reason']).label}."
                )
                count += 1
            label = Rejection(form.cleaned_data["reason"]).label
            self.message_user(request, f"Rejected {plural(count, 'comment')}: {label}.", messages.SUCCESS)
            return None
        return self._intermediate(request, queryset, form, "reject_selected", "admin/comments/reject.html")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam_selected(self, request, queryset):
        count = 0
        for comment in queryset.select_related("review"):
            moderation.mark_spam(comment, by=request.user)
            self.log_change(request, comment, "Marked as spam.")
            count += 1
        self.message_user(request, f"Marked {plural(count, 'comment')} as spam.", messages.SUCCESS)

    @admin.action(
        description="Restore selected comments (take back their last decision)", permissions=["change"]
    )
    def restore_selected(self, request, queryset):
        restored, unchanged = [], 0
        for comment in queryset.select_related("review"):
            try:
                moderation.restore(comment, by=request.user)
            except moderation.CannotUndo:
                unchanged += 1
                continue
            self.log_change(request, comment, f"Restored: {comment.get_status_display()}.")
            restored.append(comment)
        if restored:
            to_queue = sum(c.status == Comment.Status.PENDING for c in restored)
            detail = f" ({plural(to_queue, 'comment')} back in the queue)" if to_queue else ""
            self.message_user(
                request, f"Restored {plural(len(restored), 'comment')}{detail}.", messages.SUCCESS
            )
        if unchanged:
            self.message_user(
                request,
                f"{plural(unchanged, 'comment')} had no decision to take back.",
                messages.WARNING,
            )

    @admin.action(description="Ban the authors and reject their pending comments…", permissions=["ban"])
    def ban_authors(self, request, queryset):
        form = BanForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            label, duration = BAN_DURATIONS[form.cleaned_data["duration"]]
            banned = set()
            for comment in queryset.select_related("review", "author"):
                key = f"u{comment.author_id}" if comment.author_id else f"g{comment.guest_email.lower()}"
                if key in banned:
                    continue
                banned.add(key)
                moderation.ban_author(
                    comment,
                    by=request.user,
                    duration=duration,
                    reason=form.cleaned_data["reason"],
                    reject_pending=form.cleaned_data["reject_pending"],
                    include_ip=form.cleaned_data["include_ip"],
                )
                self.log_change(request, comment, f"Author banned ({label}).")
            self.message_user(request, f"Banned {plural(len(banned), 'author')}: {label}.", messages.SUCCESS)
            return None
        return self._intermediate(request, queryset, form, "ban_authors", "admin/comments/ban.html")

    @admin.action(description="Dismiss readers' reports on selected comments", permissions=["change"])
    def dismiss_reports(self, request, queryset):
        total = sum(moderation.dismiss_reports(comment, by=request.user) for comment in queryset)
        self.message_user(request, f"Dismissed {plural(total, 'report')}.", messages.SUCCESS)

    def has_ban_permission(self, request):
        opts = Ban._meta
        return request.user.has_perm(f"{opts.app_label}.add_ban") and self.has_change_permission(request)

    def _intermediate(self, request, queryset, form, action, template):
        if not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject comments" if action == "reject_selected" else "Ban authors",
            "opts": self.model._meta,
            "form": form,
            "comments": queryset.select_related("review", "author"),
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)


class BanAdminForm(forms.ModelForm):
    """Editors can't browse accounts, so an account is named by its username."""

    username = forms.CharField(required=False, label="Account (username)", max_length=150)

    class Meta:
        model = Ban
        fields = ["email", "ip_network", "reason", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.user_id:
            self.fields["username"].initial = self.instance.user.get_username()
        # The admin's date and time boxes are captioned with bare text: name them for screen readers.
        parts = getattr(self.fields["expires_at"].widget, "widgets", [])
        for part, label in zip(parts, ["Expires: date", "Expires: time"], strict=False):
            part.attrs["aria-label"] = label

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            self.instance.user = None
            return ""
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError("No account has that username.", code="unknown_account")
        self.instance.user = user
        return username


@admin.register(Ban)
class BanAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    form = BanAdminForm
    list_display = [
        "target",
        "kind",
        "reason",
        "expires_at",
        "is_active_display",
        "created_by_display",
        "created_at",
    ]
    list_filter = ["kind", ("expires_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["user__username", "user__email", "email", "ip_network", "reason"]
    readonly_fields = ["kind", "created_at", "created_by_display"]
    fields = [
        "username",
        "email",
        "ip_network",
        "reason",
        "expires_at",
        "kind",
        "created_by_display",
        "created_at",
    ]

    @admin.display(description="banned")
    def target(self, obj):
        parts = []
        if obj.user_id:
            parts.append(f"account {obj.user.get_username()}")
        if obj.email:
            parts.append(obj.email)
        if obj.ip_network:
            parts.append(obj.ip_network)
        return ", ".join(parts)

    @admin.display(description="active", boolean=True)
    def is_active_display(self, obj):
        return obj.is_active

    @admin.display(description="by")
    def created_by_display(self, obj):
        return obj.created_by.get_username() if obj.created_by_id else "system"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        ModerationAction.objects.create(
            ban=obj,
            actor=request.user,
            action=ModerationAction.Kind.BAN,
            note=("Changed: " if change else "Created: ") + str(obj),
        )


@admin.register(WordListEntry)
class WordListEntryAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["phrase", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["phrase", "note"]


@admin.register(ModerationAction)
class ModerationActionAdmin(SafeAdminInputMixin, AuditDisplayMixin, admin.ModelAdmin):
    """The audit trail: read-only for everyone."""

    list_display = ["when", "action", "actor_display", "comment_link", "reason_words", "short_note"]
    list_filter = ["action", "created_at", ("actor", admin.EmptyFieldListFilter)]
    search_fields = ["note", "comment__body", "actor__username"]
    list_select_related = ["actor", "comment__author", "comment__review__film", "ban"]
    date_hierarchy = "created_at"
    fields = [
        "when",
        "action",
        "actor_display",
        "comment_link",
        "ban",
        "reason_words",
        "note",
        "status_change",
    ]
    readonly_fields = fields

    @admin.display(description="about")
    def comment_link(self, obj):
        if obj.comment_id:
            url = reverse("admin:comments_comment_change", args=[obj.comment_id])
            return format_html('<a href="{}">{}</a>', url, obj.comment)
        if obj.ban_id:
            return str(obj.ban)
        return "-"

    @admin.display(description="note")
    def short_note(self, obj):
        return Truncator(obj.note).chars(80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(SafeAdminInputMixin, NothingAddedOrDeletedMixin, admin.ModelAdmin):
    list_display = ["created_at", "comment_link", "reporter", "reason", "note", "dismissed_at"]
    list_filter = [("dismissed_at", admin.EmptyFieldListFilter), "reason", "created_at"]
    search_fields = ["note", "comment__body", "reporter__username"]
    list_select_related = ["comment__author", "comment__review__film", "reporter"]
    readonly_fields = ["comment", "reporter", "reason", "note", "created_at", "dismissed_at", "dismissed_by"]
    actions = ["dismiss_selected"]

    @admin.display(description="comment")
    def comment_link(self, obj):
        url = reverse("admin:comments_comment_change", args=[obj.comment_id])
        return format_html('<a href="{}">{}</a>', url, obj.comment)

    @admin.action(description="Dismiss selected reports", permissions=["change"])
    def dismiss_selected(self, request, queryset):
        comments = Comment.objects.filter(pk__in=queryset.filter(dismissed_at__isnull=True).values("comment"))
        total = sum(moderation.dismiss_reports(comment, by=request.user) for comment in comments)
        self.message_user(request, f"Dismissed {plural(total, 'report')}.", messages.SUCCESS)


def _undo_label(decision):
    subject = decision.comment or decision.ban
    return f"{decision.get_action_display()}: {subject}"


def moderation_counts():
    """For the admin index: comments awaiting moderation, and those with open reports."""
    return {
        "pending": Comment.objects.in_moderation().count(),
        "reported": Report.objects.filter(dismissed_at__isnull=True).values("comment").distinct().count(),
    }
