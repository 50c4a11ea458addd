"""The desk's roles: who may write, who may publish.

One definition, used by the data migration that makes the groups, by the
``post_migrate`` step that completes them and by the tests:

- **Writers** add articles and edit their own until they are published:
  sections, tables, FAQ items, figures and bylines included. They send an
  article to the editors by setting it "In review". They may not publish,
  schedule or unpublish; they add pictures to the library and pick from it,
  and see authors only to pick them for a byline.
- **Editors** do everything with articles, their parts, categories, authors,
  redirects and tags, and hold ``articles.publish_article``: publishing,
  scheduling and unpublishing.
- **Moderators** (made by the comments app) see comments only.

Roles are kept in code: after every ``migrate`` the groups get back any
permission of this definition they lack, including those of models added to
the articles app later, so the groups cannot drift from what is written here.
Permissions given to a group by hand beyond this are left alone.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps

WRITERS = "Writers"
EDITORS = "Editors"

# Article.Meta.permissions declares it; checked as "articles.publish_article".
PUBLISH = "publish_article"
PUBLISH_PERMISSION = f"articles.{PUBLISH}"

_EVERYTHING = ("add", "change", "delete", "view")

# Writers: (app label, model name) → actions. A model added to an article's
# parts must be named here for writers to use it.
WRITER_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("articles", "article"): ("add", "change", "view"),
    ("articles", "section"): _EVERYTHING,
    ("articles", "articletable"): _EVERYTHING,
    ("articles", "faqitem"): _EVERYTHING,
    ("articles", "byline"): _EVERYTHING,
    ("articles", "figure"): _EVERYTHING,
    # Pictures come from the shared library: writers add to it and pick from it.
    ("articles", "image"): ("add", "view"),
    # Picking a byline's author goes through the author autocomplete.
    ("articles", "author"): ("view",),
}

# Editors get every permission of these apps, publishing included.
EDITOR_APPS = ("articles", "taggit")


def writer_codenames() -> dict[str, set[str]]:
    """App label → the writers' permission codenames in it."""
    codenames: dict[str, set[str]] = {}
    for (app_label, model), actions in WRITER_PERMISSIONS.items():
        codenames.setdefault(app_label, set()).update(
            f"{action}_{model}" for action in actions
        )
    return codenames


def grant_roles(apps: Apps, using: str = "default") -> None:
    """Make the Writers and Editors groups, or give them what they lack.

    ``apps`` is a migration's historical registry or the live one; the
    permissions of the apps involved are created first, as ``migrate`` would
    only do at its very end.
    """
    from django.contrib.auth.management import create_permissions

    for label in EDITOR_APPS:
        app_config = apps.get_app_config(label)
        # A migration's registry marks apps without models module; the
        # permissions are made from its models all the same.
        if getattr(app_config, "models_module", None) is None:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using)

    writers, _ = Group.objects.using(using).get_or_create(name=WRITERS)
    for app_label, codenames in writer_codenames().items():
        writers.permissions.add(
            *permissions.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )
    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    editors.permissions.add(
        *permissions.filter(content_type__app_label__in=EDITOR_APPS)
    )


def complete_roles(
    sender, *, using: str = "default", apps: Apps = global_apps, **kwargs
) -> None:
    """``post_migrate`` (and ``flush``): the groups as defined here."""
    if sender.label == "articles":
        grant_roles(apps, using)
