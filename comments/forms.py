"""The comment form, with django-contrib-comments' anti-tamper fields.

A signed token carries the review id and the time the form was rendered. A form whose token is
missing, forged, for another review or from the future is not refused: it is stored as spam and
its poster sees the usual "awaiting moderation" (`tamper_reason`); a filled honeypot likewise.
Those are bots. A form posted less than three seconds after rendering, or left open for more
than two hours, is most likely a person (a fast typist, a short "Agreed!", autofill, a long
think): it is held for an editor with that reason, and the poster is told why.
"""

import ipaddress
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from accounts import names
from accounts.models import display_name_taken

from .models import Comment, HeldFor

SIGNER_SALT = "comments.form"


def client_ip(request):
    """The poster's address. Behind our proxy (DJANGO_BEHIND_PROXY) REMOTE_ADDR is the proxy's:
    take the last X-Forwarded-For entry, the one our proxy appended (earlier ones are the client's
    to forge)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def make_security_token(review_id, timestamp=None):
    timestamp = int(time.time() if timestamp is None else timestamp)
    return signing.Signer(salt=SIGNER_SALT).sign(f"{review_id}:{timestamp}")


SECURITY_VALUE = "comments.security"  # the token's name in reviewsite.pagecache


_latest_tokens = {}  # review id -> (second, token): the token is the same within a second


def fresh_security_token(request, review_id):
    """A token for a page served from the page cache (registered in `CommentsConfig.ready()`)."""
    now = int(time.time())
    second, token = _latest_tokens.get(review_id, (None, None))
    if second != now:
        token = make_security_token(review_id, now)
        if len(_latest_tokens) > 1000:
            _latest_tokens.clear()
        _latest_tokens[review_id] = (now, token)
    return token


def token_problem(token, review_id, now=None):
    """Why the token is not acceptable, or None."""
    now = time.time() if now is None else now
    try:
        value = signing.Signer(salt=SIGNER_SALT).unsign(token or "")
        token_review, timestamp = (int(part) for part in value.split(":"))
    except (signing.BadSignature, ValueError):
        return "forged"
    if token_review != review_id:
        return "other_review"
    age = now - timestamp
    if age < 0:
        return "future"
    if age > settings.MARQUEE_COMMENTS_FORM_MAX_SECONDS:
        return "expired"
    if age < settings.MARQUEE_COMMENTS_FORM_MIN_SECONDS:
        return "too_fast"
    return None


# Token problems a person causes: held for an editor, not binned as spam.
HELD_TOKEN_PROBLEMS = {"too_fast": HeldFor.TOO_FAST, "expired": HeldFor.EXPIRED_FORM}


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Please write something before posting."},
    )
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Name", max_length=80)
    email = forms.EmailField(
        label="E-mail", help_text="Never shown to anyone. We use it only to tell you about replies."
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https", max_length=200)
    notify_replies = forms.BooleanField(label="Notify me of replies by e-mail", required=False)
    remember = forms.BooleanField(
        label="Remember my name, e-mail and website on this browser for my next comment", required=False
    )
    security = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS; bots fill it in.
    honeypot = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, review, *args, user=None, **kwargs):
        self.review = review
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(*args, **kwargs)
        if self.user:
            for name in ("name", "email", "website", "remember"):
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("security", make_security_token(review.pk))
        self.tamper_reason = None

    @property
    def parent_id(self):
        parent = self.cleaned_data.get("parent") if hasattr(self, "cleaned_data") else None
        return parent.pk if parent else (self.initial.get("parent") or "")

    def clean_parent(self):
        raw = (self.cleaned_data.get("parent") or "").strip()
        if not raw:
            return None
        if not raw.isdecimal() or len(raw) > 18:
            raise ValidationError("That reply is not to a comment we know.", code="invalid_parent")
        parent = Comment.objects.filter(pk=int(raw)).select_related("author").first()
        if parent is None:
            raise ValidationError("The comment you replied to no longer exists.", code="missing_parent")
        if parent.review_id != self.review.pk:
            raise ValidationError("You can only reply to a comment on this review.", code="other_review")
        if not parent.is_visible:
            raise ValidationError(
                "The comment you replied to is not available for replies.", code="unavailable_parent"
            )
        return parent

    def clean_name(self):
        # Stored as cleaned (NFKC, no invisible or direction characters); judged by the one rule
        # for names, which compares what names look like (accounts/names.py).
        name = names.clean(self.cleaned_data["name"])
        if not name:
            raise ValidationError("Please give a name.", code="required")
        if message := names.markup_problem(name):
            raise ValidationError(message, code="markup")
        if display_name_taken(name):
            raise ValidationError(
                "That name is reserved for one of our members or critics. Please choose another, "
                "or sign in to post as yourself.",
                code="reserved",
            )
        return name

    def clean_website(self):
        website = self.cleaned_data.get("website", "")
        if website and not website.lower().startswith(("http://", "https://")):
            raise ValidationError("Only http and https addresses are allowed.", code="scheme")
        return website

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("honeypot"):
            self.tamper_reason = HeldFor.HONEYPOT
        else:
            problem = token_problem(cleaned.get("security"), self.review.pk)
            if problem:
                self.tamper_reason = HELD_TOKEN_PROBLEMS.get(problem, HeldFor.TAMPER)
        return cleaned

    def build_comment(self, request):
        """The unsaved comment, ready for `moderation.screen()`."""
        data = self.cleaned_data
        review = self.review
        comment = Comment(
            review=review,
            parent=data.get("parent"),
            body=data["body"],
            notify_replies=data.get("notify_replies", False),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        if self.user:
            comment.author = self.user
            comment.is_critic = review.critic.account_id == self.user.pk
            comment.is_staff = self.user.is_staff
        else:
            comment.guest_name = data["name"]
            comment.guest_email = data["email"]
            comment.guest_website = data.get("website", "")
        return comment
