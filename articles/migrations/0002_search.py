"""Full-text search: a GIN-indexed tsvector on PostgreSQL, an FTS5 table on SQLite.

The GIN index is deliberately not in Article.Meta.indexes: SQLite rebuilds a
table from its model state whenever a later migration alters it, and it cannot
create a GIN index. Each database gets only what it understands, from here.
The SQL is written out in full so that this migration keeps doing what it did
when it was written, whatever later happens to articles/search_index.py.
"""

import django.contrib.postgres.search
from django.db import migrations

POSTGRES_FORWARDS = [
    # Keep the vector in the row (compressed) rather than in the TOAST table:
    # ranking and phrase checks read it for every candidate, and a TOAST
    # fetch per row is what makes full-text search slow on a big archive.
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX articles_article_search_idx ON articles_article "
    "USING gin (search_vector)",
    "UPDATE articles_article SET search_vector = "
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(dek, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body_text, '')), 'C')",
]
POSTGRES_BACKWARDS = ["DROP INDEX IF EXISTS articles_article_search_idx"]

SQLITE_FORWARDS = [
    # Porter stemming on top of unicode61: "guarantee" finds "guarantees";
    # remove_diacritics 2 lets "cafe" find "café".
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, dek, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO articles_search (rowid, title, dek, body) "
    "SELECT id, title, dek, body_text FROM articles_article",
]
SQLITE_BACKWARDS = ["DROP TABLE IF EXISTS articles_search"]


def _execute(schema_editor, statements_by_vendor):
    for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def create_search_index(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS})


def drop_search_index(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
