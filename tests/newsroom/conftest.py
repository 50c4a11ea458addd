from collections.abc import Iterator

import pytest

from .outages import SiteTemplate


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteTemplate]:
    """A migrated, filled database and collected static files, made once per run.

    For the tests that serve the site from a real gunicorn (see outages.py):
    SQLite, or PostgreSQL when DATABASE_URL names a server.
    """
    template = SiteTemplate.make(tmp_path_factory.mktemp("site-template"))
    yield template
    template.remove()
