"""Command-line errors stay one line: settings that are missing or wrong, and a
database or Redis that cannot be reached, are told in one sentence (manage.py),
with exit status 1 wherever the work was not done; never a traceback."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.servers import free_port
from tests.subprocesses import PROJECT, manage

pytestmark = pytest.mark.slow

DEMO_FILE = str(PROJECT / "articles" / "demo_content" / "city-budget.txt")

# The commands an operator runs by hand or from cron, with arguments.
COMMANDS = [
    ("import_article", DEMO_FILE),
    ("load_demo",),
    ("load_demo_comments",),
    ("send_comment_digest",),
    ("purge_comment_metadata",),
    ("axes_reset_username", "helen"),
]


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line(result: subprocess.CompletedProcess, *, says: str) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    lines = error_lines(result)
    assert len(lines) == 1, output
    assert says in lines[0], lines[0]
    return lines[0]


def closed_port() -> int:
    return free_port()  # bound, then released: nothing listens there


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("cli-db") / "template.sqlite3"
    result = manage("migrate", "--noinput", "-v", "0", DATABASE_URL=f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def sqlite_url(migrated_sqlite: Path, tmp_path: Path) -> str:
    copy = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, copy)
    return f"sqlite:///{copy}"


# Settings ----------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_missing_secret_key_is_one_line(command, tmp_path):
    result = manage(
        *command, DJANGO_SECRET_KEY="", DATABASE_URL=f"sqlite:///{tmp_path}/db"
    )
    assert result.returncode == 1
    line = assert_one_line(result, says="DJANGO_SECRET_KEY is not set")
    assert line.startswith(f"manage.py {command[0]}: error:")


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"NEWSROOM_ADMIN_PATH": "/desk/"}, "NEWSROOM_ADMIN_PATH must not start"),
        ({"NEWSROOM_ADMIN_PATH": "search/"}, "public site uses that address"),
        (
            {"NEWSROOM_LOGIN_FAILURES": "0"},
            "NEWSROOM_LOGIN_FAILURES must be at least 1",
        ),
        ({"NEWSROOM_LOGIN_COOLOFF_MINUTES": "soon"}, "must be a whole number"),
        ({"DATABASE_URL": "nosuchdb://x"}, "nosuchdb"),
    ],
)
def test_wrong_settings_are_one_line(env, says):
    result = manage("load_demo", **env)
    assert result.returncode == 1
    assert_one_line(result, says=says)


def test_help_still_works_without_a_secret_key():
    result = manage("help", DJANGO_SECRET_KEY="")
    assert result.returncode == 0
    assert "Available subcommands" in result.stdout


def test_traceback_is_there_for_whoever_asks_for_it():
    result = manage("load_demo", "--traceback", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


# The database ---------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unreachable_postgresql_is_one_line(command):
    result = manage(
        *command,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/newsroom",
        NEWSROOM_DB_CONNECT_TIMEOUT="1",
    )
    assert result.returncode == 1
    line = assert_one_line(result, says="connection")
    assert "could not be" in line


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unreachable_sqlite_file_is_one_line(command, tmp_path):
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    result = manage(*command, DATABASE_URL=f"sqlite:///{missing}")
    assert result.returncode == 1
    assert_one_line(result, says="unable to open database file")


def test_a_database_that_was_never_migrated_is_one_line(tmp_path):
    result = manage("load_demo", DATABASE_URL=f"sqlite:///{tmp_path}/empty.sqlite3")
    assert result.returncode == 1
    assert_one_line(result, says="no such table")


# Redis -------------------------------------------------------------------------------


def test_import_with_redis_down_saves_and_warns_once(sqlite_url):
    redis = f"redis://127.0.0.1:{closed_port()}/0"
    result = manage(
        "import_article", DEMO_FILE, DATABASE_URL=sqlite_url, REDIS_URL=redis
    )

    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout
    line = assert_one_line(result, says="Redis could not be reached")
    assert "the change is saved" in line
    # The article really is there.
    listed = manage("import_article", DEMO_FILE, DATABASE_URL=sqlite_url)
    assert "already imported" in listed.stdout


def test_load_demo_with_redis_down_saves_and_warns_once(sqlite_url):
    redis = f"redis://127.0.0.1:{closed_port()}/0"
    result = manage("load_demo", DATABASE_URL=sqlite_url, REDIS_URL=redis)
    assert result.returncode == 0, result.stderr
    assert "articles added" in result.stdout
    assert_one_line(result, says="Redis could not be reached")

    comments = manage("load_demo_comments", DATABASE_URL=sqlite_url, REDIS_URL=redis)
    assert comments.returncode == 0, comments.stderr
    assert "Demo comments:" in comments.stdout
    assert_one_line(comments, says="Redis could not be reached")


def test_a_command_that_needs_redis_stops_with_one_line(sqlite_url):
    redis = f"redis://127.0.0.1:{closed_port()}/0"
    result = manage(
        "shell",
        "-c",
        "from django.core.cache import cache; cache.set('k', 1)",
        DATABASE_URL=sqlite_url,
        REDIS_URL=redis,
    )
    assert result.returncode == 1
    assert_one_line(result, says="Redis could not be reached")
