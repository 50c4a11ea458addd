"""A slug already taken is an error on the slug field, with a free one suggested.

Django reports a clash on a unique field under that field, but a clash on a
constraint of two fields (an article's category and slug) at the top of the
form, and not at all when one of the two is not on the form, which then ends
in a database error. Forms with ``FreeSlugFormMixin`` check the slug within
its scope themselves and say which slug is free.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Model

# How many numbered variants ("-2" … ) are tried before giving up on a suggestion.
_VARIANTS = 50


def free_slug(taken: set[str], slug: str, max_length: int) -> str | None:
    """The first of ``slug-2``, ``slug-3``… not in ``taken`` that fits, if any."""
    for n in range(2, _VARIANTS + 2):
        suffix = f"-{n}"
        candidate = slug[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    return None


class FreeSlugFormMixin(forms.ModelForm):
    """For model forms with a ``slug``: a clash is explained on the slug field.

    ``slug_scope`` names the fields the slug is unique with (an article's
    ``category``); empty for a slug unique on its own.
    """

    slug_scope: tuple[str, ...] = ()

    def _post_clean(self) -> None:
        super()._post_clean()
        if "slug" not in self.fields:
            return
        self._drop_django_clash_errors()
        slug = self.instance.slug
        if not slug or "slug" in self._errors:
            return
        model = type(self.instance)
        scope = {}
        for name in self.slug_scope:
            if getattr(self.instance, model._meta.get_field(name).attname) is None:
                return  # refused for itself; nothing to clash with yet
            scope[name] = getattr(self.instance, name)
        others = model._default_manager.filter(**scope).exclude(pk=self.instance.pk)
        if not others.filter(slug=slug).exists():
            return
        taken = set(
            others.filter(slug__startswith=slug[:40]).values_list("slug", flat=True)
        )
        max_length = model._meta.get_field("slug").max_length
        suggestion = free_slug(taken, slug, max_length)
        message = f"{self._owner_phrase(model, scope)} already has this slug."
        if suggestion:
            message += f" “{suggestion}” is free."
        self.add_error("slug", message)

    def _owner_phrase(self, model: type[Model], scope: dict) -> str:
        name = model._meta.verbose_name
        within = " and ".join(f"“{value}”" for value in scope.values())
        return f"Another {name} in {within}" if within else f"Another {name}"

    def _drop_django_clash_errors(self) -> None:
        """Django's own messages for the same clash, checked again here."""
        for key, code in (("slug", "unique"), (NON_FIELD_ERRORS, "unique_together")):
            errors = self._errors.get(key)
            if not errors:
                continue
            kept = [
                error
                for error in errors.as_data()
                if not (
                    error.code == code
                    and (
                        key == "slug"
                        or "slug" in (error.params or {}).get("unique_check", ())
                    )
                )
            ]
            if len(kept) == len(errors):
                continue
            if kept:
                self._errors[key] = self.error_class(
                    kept,
                    error_class="nonfield" if key == NON_FIELD_ERRORS else None,
                    renderer=self.renderer,
                )
            else:
                del self._errors[key]
