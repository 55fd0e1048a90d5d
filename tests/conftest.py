import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests import factories

# Data migrations whose rows live-server (transactional) tests lose when the tables are flushed.
DATA_MIGRATIONS = [
    ("comments.migrations.0003_editors_group", "create_editors_group"),
    ("reviews.migrations.0003_critics_group", "create_critics_group"),
]


def restore_data_migrations():
    """Re-run the group-making data migrations, as they ran, after a flush."""
    apps = MigrationLoader(connection).project_state().apps
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast hashing, uploads in a throwaway folder, a fresh cache for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def editor(db):
    return factories.EditorFactory()
