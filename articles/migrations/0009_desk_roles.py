"""The desk's roles: the publish permission, who started an article, and the
Writers and Editors groups (defined in articles/roles.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from articles import roles


def create_groups(apps, schema_editor):
    roles.grant_roles(apps, schema_editor.connection.alias)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(
        schema_editor.connection.alias
    ).filter(name__in=[roles.WRITERS, roles.EDITORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_desk_ordering_and_redirects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-published_at", "-id"],
                "permissions": [
                    (
                        "publish_article",
                        "Can publish, schedule and unpublish articles",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(create_groups, remove_groups),
    ]
