"""Posting, replying and permalinks. The thread itself is the `comment_thread` template tag."""

from django.contrib import messages
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from reviews.models import Review

from . import markup, moderation, thread
from .forms import CommentForm, make_security_token
from .models import Comment

CLOSED = "Comments are closed on this review."
UNVERIFIED = "Please verify your e-mail address before commenting."


def _form_page(
    request,
    review,
    form,
    *,
    parent=None,
    status=200,
    refusal="",
    existing=None,
    state="open",
    preview_html="",
    kept_text="",
):
    return render(
        request,
        "comments/comment_form_page.html",
        {
            "review": review,
            "film": review.film,
            "form": form,
            "parent": parent,
            "refusal": refusal,
            "existing": existing,
            "existing_url": thread.comment_url(existing) if existing is not None and existing.pk else "",
            "state": state,
            "signed_in": request.user.is_authenticated,
            "on_form_page": True,
            "preview_html": preview_html,
            "kept_text": kept_text,
        },
        status=status,
    )


def _published_review(review_id, *related):
    return get_object_or_404(Review.objects.published().select_related(*related), pk=review_id)


def _visitor_state(request, review):
    if not review.comments_are_open():
        return "closed"
    if request.user.is_authenticated and not thread.can_comment(request.user):
        return "unverified"
    return "open"


@require_POST
def post_comment(request, review_id):
    """Validate (tamper checks, honeypot, parent) -> build -> screen -> post. Nothing is stored
    unless `moderation.post()` runs; its transaction holds only the writes."""
    # The critic decides the badge; the film is read only if the form comes back.
    review = _published_review(review_id, "critic")
    state = _visitor_state(request, review)
    if state != "open":
        # No form to post with, but the text they wrote comes back to them to keep.
        return _form_page(
            request,
            review,
            None,
            status=403,
            refusal=CLOSED if state == "closed" else UNVERIFIED,
            state=state,
            kept_text=request.POST.get("body", "")[:5000],
        )
    form = CommentForm(review, request.POST, user=request.user)
    if not form.is_valid():
        parent = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
        return _form_page(request, review, form, parent=parent, status=400)
    if request.POST.get("preview"):
        # Rendered by the same code that renders it on save; nothing is stored, and the form
        # (with its original anti-tamper token) comes back as typed.
        preview = mark_safe(markup.render(form.cleaned_data["body"]))  # noqa: S308 - sanitised by render()
        return _form_page(request, review, form, parent=form.cleaned_data.get("parent"), preview_html=preview)
    comment = form.build_comment(request)
    comment.render_body()
    try:
        moderation.screen(comment, tampered=form.tamper_reason or False, request=request)
        moderation.post(comment)
    except moderation.Refused as refused:
        return _form_page(
            request,
            review,
            form,
            parent=comment.parent,
            status=refused.status,
            refusal=refused.message,
            existing=refused.existing,
        )
    _remember_guest(request, form)
    if comment.is_visible:
        messages.success(request, "Thanks: your comment is up.")
        return redirect(thread.comment_url(comment))
    thread.remember_pending(request, comment)
    explanation = moderation.held_explanation(comment)
    messages.info(
        request,
        "Thanks! Your comment is awaiting moderation. Only you can see it until an editor approves it."
        + (f" {explanation}" if explanation else ""),
    )
    return redirect(f"{review.get_absolute_url()}#comment-{comment.pk}")


def _remember_guest(request, form):
    if form.user:
        return
    data = form.cleaned_data
    if data.get("remember"):
        request.session[thread.SESSION_GUEST] = {
            "name": data["name"],
            "email": data["email"],
            "website": data.get("website", ""),
            "notify_replies": data.get("notify_replies", False),
            "remember": True,
        }
    else:
        request.session.pop(thread.SESSION_GUEST, None)


@require_GET
def reply(request, pk):
    """The reply page (without JavaScript): the parent and the form; `?quote=1` pre-fills a quote."""
    parent = get_object_or_404(
        Comment.objects.visible().select_related("author", "review__film", "review__critic"),
        pk=pk,
        review__in=Review.objects.published(),
    )
    review = parent.review
    initial = {"parent": parent.pk, **thread.remembered_guest(request)}
    if request.GET.get("quote"):
        initial["body"] = markup.quote_source(
            name=parent.author_name, comment_id=parent.pk, text=markup.strip_quotes(parent.body)
        )
    form = CommentForm(review, initial=initial, user=request.user)
    state = _visitor_state(request, review)
    return _form_page(request, review, form, parent=parent, state=state)


@require_GET
@never_cache
def form_token(request, review_id):
    """A fresh anti-tamper token, for a form on a page the browser kept from long ago (the review
    page answers 304 while nothing changed). comments.js asks for one when a stale form is used."""
    review = _published_review(review_id, "film", "critic")
    return JsonResponse({"security": make_security_token(review.pk)})


@require_GET
def permalink(request, pk):
    """`/comments/<id>/`: to the page of the thread that shows it, at its anchor."""
    comment = get_object_or_404(Comment.objects.select_related("review"), pk=pk)
    review = comment.review
    if not review.is_published:
        raise Http404("No such comment.")
    layout = thread.get_layout(review)
    hidden_ancestors = layout.tombstones.get(comment.path[: thread.PATH_STEP], ())
    if comment.is_visible or comment.pk in hidden_ancestors:
        return redirect(thread.comment_url(comment))
    if comment.status in thread.OWN_UNDECIDED and thread.is_own(request, comment):
        return redirect(f"{review.get_absolute_url()}#comment-{comment.pk}")
    raise Http404("No such comment.")


@require_GET
def wordpress_comment(request, wordpress_id):
    """`/comments/wordpress/<WordPress id>/`: to the permalink of the comment imported from it
    (which decides whether it may be shown)."""
    fits = wordpress_id < 2**63  # a bigger number would overflow the column's type
    comment = Comment.objects.filter(wordpress_id=wordpress_id).only("pk").first() if fits else None
    if comment is None:
        raise Http404("No comment was imported with this WordPress number.")
    return HttpResponsePermanentRedirect(comment.get_absolute_url())
