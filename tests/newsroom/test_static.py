import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_collected_static_files_are_hashed_and_compressed(anon, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    html = anon.get("/").content.decode()
    stylesheet = re.search(r'href="/static/(css/site\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "pages link the fingerprinted stylesheet"
    assert (tmp_path / stylesheet.group(1)).exists()
    assert (tmp_path / (stylesheet.group(1) + ".gz")).exists()
