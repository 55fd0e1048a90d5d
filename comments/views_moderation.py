"""Readers' side of moderation: reporting a comment, an author editing or deleting their own
comment (guests through a signed link), confirming a guest's address, and unsubscribing.

Each view confirms on GET and acts on POST; the work is done by `comments.moderation`.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import moderation, notifications
from .models import Comment, Report

MAX_BODY = 5000


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect, label="What's wrong?")
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything to add (optional)",
    )


class EditForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 8}), label="Your comment"
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError("Write something, or delete the comment instead.", code="empty")
        return body


def _comment_or_404(pk):
    return get_object_or_404(Comment.objects.select_related("review", "review__film", "author"), pk=pk)


def _back_to(comment):
    if comment.is_visible or comment.status == Comment.Status.PENDING:
        return f"{comment.review.get_absolute_url()}#comment-{comment.pk}"
    return f"{comment.review.get_absolute_url()}#comments"


# --- Reports -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    comment = _comment_or_404(pk)
    if not comment.is_visible:
        raise Http404("No such comment.")
    if comment.author_id == request.user.pk:
        raise PermissionDenied("You can't report your own comment.")
    already = Report.objects.filter(comment=comment, reporter=request.user).exists()
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not already and form.is_valid():
        created = moderation.report(
            comment, by=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        )
        if created is None:
            already = True
        else:
            messages.success(request, "Thank you. An editor will look at this comment.")
            return redirect(_back_to(comment))
    status = 200
    if already:
        status = 409 if request.method == "POST" else 200
    elif form.is_bound:
        status = 400
    return render(
        request,
        "comments/report_form.html",
        {"comment": comment, "form": form, "already_reported": already},
        status=status,
    )


# --- The author's own comment --------------------------------------------------------------


def _own_comment(request, pk):
    comment = _comment_or_404(pk)
    if not comment.author_id or comment.author_id != request.user.pk:
        raise PermissionDenied("You can only change your own comments.")
    return comment


def _refused(request, comment, *, action, reason, status, template_context):
    """The author's Edit or Delete link explains itself, on a page of its own (not a bare 403)."""
    return render(
        request,
        "comments/comment_refused.html",
        {"comment": comment, "action": action, "reason": reason, **template_context},
        status=status,
    )


def _edit(request, comment, *, template_context):
    refusal = moderation.edit_refusal(comment)
    if refusal:
        status = 404 if comment.status == Comment.Status.REMOVED else 403
        return _refused(
            request, comment, action="edit", reason=refusal, status=status, template_context=template_context
        )
    form = EditForm(request.POST if request.method == "POST" else None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moderation.author_edit(
                    comment,
                    body=form.cleaned_data["body"],
                    by=request.user if request.user.is_authenticated else None,
                    request=request,
                )
            except moderation.Refused as refused:
                form.add_error(None, refused.message)
                status = refused.status
            else:
                if comment.status == Comment.Status.PENDING:
                    messages.info(request, "Your edit is saved and is awaiting moderation.")
                else:
                    messages.success(request, "Your edit is saved.")
                return redirect(_back_to(comment))
        else:
            status = 400
    return render(
        request,
        "comments/comment_edit.html",
        {
            "comment": comment,
            "form": form,
            "edit_minutes": settings.MARQUEE_MODERATION_EDIT_MINUTES,
            **template_context,
        },
        status=status,
    )


def _delete(request, comment, *, template_context):
    if comment.status == Comment.Status.REMOVED:
        return _refused(
            request,
            comment,
            action="delete",
            reason=moderation.edit_refusal(comment),
            status=404,
            template_context=template_context,
        )
    if request.method == "POST":
        moderation.author_delete(comment, by=request.user if request.user.is_authenticated else None)
        messages.success(request, "Your comment is deleted.")
        return redirect(f"{comment.review.get_absolute_url()}#comments")
    return render(request, "comments/comment_delete.html", {"comment": comment, **template_context})


@login_required
@require_http_methods(["GET", "POST"])
def edit_comment(request, pk):
    return _edit(request, _own_comment(request, pk), template_context={})


@login_required
@require_http_methods(["GET", "POST"])
def delete_comment(request, pk):
    return _delete(request, _own_comment(request, pk), template_context={})


def _guest_comment(request, pk, token):
    try:
        comment = notifications.read_guest_token(
            token, salt=notifications.MANAGE_SALT, max_age_days=settings.MARQUEE_MODERATION_GUEST_LINK_DAYS
        )
    except notifications.BadLink as bad:
        return None, render(request, "comments/link_error.html", {"message": bad.message}, status=400)
    if comment.pk != pk:
        return None, render(
            request, "comments/link_error.html", {"message": "This link is for another comment."}, status=400
        )
    return comment, None


@require_http_methods(["GET"])
def guest_manage(request, pk, token):
    comment, error = _guest_comment(request, pk, token)
    if error:
        return error
    return render(
        request,
        "comments/guest_manage.html",
        {
            "comment": comment,
            "token": token,
            "can_edit": moderation.can_edit(comment),
            "deleted": comment.status == Comment.Status.REMOVED,
            "edit_minutes": settings.MARQUEE_MODERATION_EDIT_MINUTES,
        },
    )


@require_http_methods(["GET", "POST"])
def guest_edit(request, pk, token):
    comment, error = _guest_comment(request, pk, token)
    if error:
        return error
    return _edit(request, comment, template_context={"token": token})


@require_http_methods(["GET", "POST"])
def guest_delete(request, pk, token):
    comment, error = _guest_comment(request, pk, token)
    if error:
        return error
    return _delete(request, comment, template_context={"token": token})


# --- Guest e-mail confirmation and unsubscribing -------------------------------------------


@require_http_methods(["GET"])
def guest_confirm(request, token):
    """Following the link from the e-mail verifies the address (idempotent)."""
    try:
        comment = notifications.read_guest_token(
            token, salt=notifications.CONFIRM_SALT, max_age_days=settings.MARQUEE_MODERATION_CONFIRM_DAYS
        )
    except notifications.BadLink as bad:
        return render(request, "comments/link_error.html", {"message": bad.message}, status=400)
    published = moderation.confirm_guest_email(comment.guest_email)
    return render(request, "comments/guest_confirm.html", {"comment": comment, "published": published})


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the signed token is the key.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if not notifications.unsubscribe_token_is_valid(token) or (
        request.method == "POST" and not notifications.unsubscribe(token)
    ):
        return render(
            request,
            "comments/link_error.html",
            {"message": "This unsubscribe link is not valid. Please use the whole link from the e-mail."},
            status=400,
        )
    done = request.method == "POST"
    return render(request, "comments/unsubscribe.html", {"done": done, "token": token})
