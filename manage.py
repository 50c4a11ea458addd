#!/usr/bin/env python
"""Command-line entry point for the Newsroom site.

Operators see one clear line, never a traceback, when a command cannot run:
settings that are missing or wrong, a database or Redis that cannot be
reached. The exit status is then 1. ``--traceback`` shows the full story.
"""

import logging
import os
import sys

# Commands that work, and say what is wrong, without valid settings.
_WITHOUT_SETTINGS = {"help", "--help", "-h", "version", "--version"}
# Loggers that report a cache (Redis) that cannot be reached. A command that
# changes many articles would report it once for each; it is said once.
_CACHE_LOGGERS = ("newsroom.caching",)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0].strip() if text else type(error).__name__


def _fail(command: str, message: str) -> None:
    sys.stderr.write(f"manage.py {command}: error: {message}\n")
    sys.exit(1)


class _OneCacheOutageLine(logging.Filter):
    """The first "cache unreachable" record, reworded as one line; no repeats."""

    def __init__(self, errors: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.errors = errors
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        error = next((a for a in args if isinstance(a, self.errors)), None)
        if error is None:
            return True
        if self.said:
            return False
        self.said = True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = (
            "Redis could not be reached (%s: %s); the change is saved, and pages "
            "cached before it expire on their own."
        )
        record.args = (type(error).__name__, _first_line(error))
        record.exc_info = record.exc_text = None
        return True


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv = sys.argv
    command = argv[1] if len(argv) > 1 else ""
    traceback = "--traceback" in argv
    if command and command not in _WITHOUT_SETTINGS and not traceback:
        try:
            settings.INSTALLED_APPS  # noqa: B018 (reads the settings now)
        except (ImproperlyConfigured, ValueError) as error:
            # ValueError: a DATABASE_URL that cannot be parsed.
            _fail(command, _first_line(error))
    # The pool's reconnection notices repeat the one error printed below.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    from redis.exceptions import RedisError

    once = _OneCacheOutageLine((OSError, RedisError))
    for name in _CACHE_LOGGERS:
        logging.getLogger(name).addFilter(once)
    if traceback:
        execute_from_command_line(argv)
        return

    import psycopg
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        _fail(command, _first_line(error))
    except (
        OperationalError,
        InterfaceError,
        psycopg.OperationalError,
        psycopg.InterfaceError,
    ) as error:
        _fail(
            command,
            f"the database could not be used ({type(error).__name__}: "
            f"{_first_line(error)}); the command stopped.",
        )
    except (RedisConnectionError, RedisTimeoutError) as error:
        _fail(
            command,
            f"Redis could not be reached ({type(error).__name__}: "
            f"{_first_line(error)}); the command stopped.",
        )


if __name__ == "__main__":
    main()
