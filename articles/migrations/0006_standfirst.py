"""One name for the line under the headline: ``standfirst`` (it was ``dek``).

SQLite's FTS5 table cannot rename a column, so it is rebuilt with the new
name and filled again from the articles. PostgreSQL's stored vector does not
name its sources and needs nothing.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    "DROP TABLE IF EXISTS articles_search",
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, standfirst, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO articles_search (rowid, title, standfirst, body) "
    "SELECT id, title, standfirst, body_text FROM articles_article",
]
SQLITE_BACKWARDS = [
    "DROP TABLE IF EXISTS articles_search",
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, dek, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO articles_search (rowid, title, dek, body) "
    "SELECT id, title, dek, body_text FROM articles_article",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_comment_policy"),
    ]

    operations = [
        migrations.RenameField(model_name="article", old_name="dek", new_name="standfirst"),
        migrations.RunPython(_run(SQLITE_FORWARDS), _run(SQLITE_BACKWARDS)),
    ]
