from allauth.account import forms as allauth_forms
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from . import avatars, names
from .models import User, display_name_taken


class ProfileForm(forms.ModelForm):
    avatar_upload = forms.FileField(
        label="New avatar",
        required=False,
        help_text="JPEG, PNG or WebP, at most 5 MB and 25 megapixels. We crop it square.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label="Remove my avatar (use my initials)", required=False)
    website = forms.URLField(
        max_length=200, required=False, assume_scheme="https", help_text="An http:// or https:// address."
    )

    class Meta:
        model = User
        fields = ["display_name", "bio", "website", "email_on_reply", "always_show_spoilers"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "display_name": "Shown on your comments and profile. Leave empty to use your username.",
            "bio": "A line or two about you, shown on your public profile.",
            "email_on_reply": "When someone replies to one of your comments.",
        }

    def clean_display_name(self):
        # Stored as cleaned (NFKC, no invisible or direction characters); judged by the one rule
        # for names, which compares what names look like (accounts/names.py).
        name = names.clean(self.cleaned_data["display_name"])
        if message := names.markup_problem(name):
            raise ValidationError(message, code="markup")
        if name and display_name_taken(name, exclude=self.instance):
            raise ValidationError("Someone already uses that name. Please choose another.", code="taken")
        return name

    def clean_avatar_upload(self):
        upload = self.cleaned_data.get("avatar_upload")
        return avatars.open_avatar(upload) if upload else None

    def save(self, commit=True):
        user = super().save(commit=commit)
        if self.cleaned_data.get("avatar_upload") is not None:
            avatars.set_avatar(user, self.cleaned_data["avatar_upload"])
        elif self.cleaned_data.get("remove_avatar") and user.avatar:
            avatars.clear_avatar(user)
        return user


class PasswordConfirmForm(forms.Form):
    """Re-enter the password before handing over or erasing anything."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.", code="wrong_password")
        return password


class DeleteAccountForm(PasswordConfirmForm):
    remove_comments = forms.BooleanField(
        label="Also remove the text of my comments",
        required=False,
        help_text=(
            'Without this, your comments stay in their threads under "Deleted user". With it, each '
            "is replaced by a note that it was removed, so replies keep their place."
        ),
    )


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form in the site's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Username or e-mail"
        # allauth leaves "username or e-mail" unbounded, and its lookup is an iexact (LIKE on
        # SQLite, which refuses patterns over 50,000 characters with a 500). No login is longer
        # than an e-mail address can be.
        login.max_length = 254
        login.validators.append(MaxLengthValidator(254))
        login.widget.attrs["maxlength"] = "254"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in"


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail"
        self.fields["email"].help_text = "We send a link to check it. Nobody else sees it."
        self.fields["username"].help_text = (
            "Letters, digits and @ . + - _ only. Your profile lives at /members/your-username/; "
            "you can choose a display name for your comments later."
        )


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail"


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail"
