"""A picture in the text may follow a chosen paragraph of its section; the old
single "correction or update note" goes, its text already copied into the
log of corrections and updates by 0012."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_share_links_and_corrections"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="article",
            name="update_note",
        ),
        migrations.AddField(
            model_name="figure",
            name="after_paragraph",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Where in its section's text the picture appears: 1 after the first paragraph (a list or a quotation counts as one), 0 before it. Empty, or past the last paragraph: after the text.",
                null=True,
                verbose_name="after paragraph",
            ),
        ),
    ]
