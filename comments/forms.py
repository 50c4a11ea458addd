from __future__ import annotations

from django import forms
from django.conf import settings

from .models import Report
from .signing import form_age, form_timestamp
from .text import clean_body, clean_line

MAX_BODY = 5000


class BodyField(forms.CharField):
    """Counts a line break as one character, as the textarea's maxlength does.

    Browsers send line breaks as CRLF; counted as two, a comment the form
    accepted could be refused as too long.
    """

    def to_python(self, value: object) -> str:
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(forms.Form):
    """What a reader posts. Name and e-mail are taken from the account when logged in."""

    body = BodyField(
        label="Your comment",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_BODY}),
        help_text=f"Plain text, up to {MAX_BODY:,} characters. Links become clickable.",
        error_messages={
            "required": "Please write your comment.",
            "max_length": f"Please keep your comment under {MAX_BODY:,} characters "
            "(it has %(show_value)d).",
        },
    )
    author_name = forms.CharField(
        label="Name",
        max_length=80,
        required=False,
        help_text="Shown with your comment.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_email = forms.EmailField(
        label="E-mail",
        max_length=254,
        required=False,
        help_text="Never shown. Used only to tell you about your comment if you ask.",
        error_messages={
            "invalid": "Please give an e-mail address like name@example.com."
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    wants_email = forms.BooleanField(
        label="E-mail me when someone replies or a moderator decides",
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # A field people never see (hidden by CSS, skipped by keyboards and screen
    # readers); anything typed into it came from a bot.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    shown_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if not self.is_bound:
            self.initial.setdefault("shown_at", form_timestamp())

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled in: no person sees that field."""
        return bool(self.data.get("website", "").strip())

    @property
    def is_too_quick(self) -> bool:
        """Posted faster than anyone can write (a bot, or a paste)."""
        age = form_age(self.data.get("shown_at", ""))
        return age is not None and -60 <= age < settings.NEWSROOM_COMMENT_MIN_SECONDS

    @property
    def is_stale(self) -> bool:
        """The form's stamp is missing, forged or too old: ask to post again."""
        age = form_age(self.data.get("shown_at", ""))
        return age is None or age > settings.NEWSROOM_COMMENT_FORM_MAX_AGE or age < -60

    def clean_body(self) -> str:
        body = clean_body(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("Please write your comment.", code="required")
        return body

    def clean_author_name(self) -> str:
        return clean_line(self.cleaned_data["author_name"])

    def clean_author_email(self) -> str:
        email = self.cleaned_data["author_email"]
        # Invisible characters (direction overrides, zero-width spaces) pass
        # the domain check but make an address no mail server accepts.
        if clean_line(email) != email:
            raise forms.ValidationError(
                self.fields["author_email"].error_messages["invalid"], code="invalid"
            )
        return email

    def clean(self) -> dict:
        data = super().clean()
        if self.has_error("parent"):
            # The field is hidden: say what went wrong where the reader can see it.
            self.add_error(
                None, "The comment you replied to is not available any more."
            )
        if self.user is None:
            if "author_name" in data and not data["author_name"]:
                self.add_error(
                    "author_name", "Please give the name to show with your comment."
                )
            if "author_email" in data and not data["author_email"]:
                self.add_error(
                    "author_email",
                    "Please give your e-mail address (it is never shown).",
                )
        return data

    def fresh(self) -> CommentForm:
        """The same text in a form with a new stamp, to post again."""
        data = self.data.copy()
        data["shown_at"] = form_timestamp()
        return CommentForm(data=data, user=self.user)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label="Anything moderators should know (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )

    def clean_detail(self) -> str:
        return clean_line(self.cleaned_data["detail"])
