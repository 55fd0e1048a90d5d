import importlib
import os

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# Data migrations whose rows live-server (transactional) tests lose when the tables are flushed.
DATA_MIGRATIONS = [
    ("comments.migrations.0003_editors_group", "create_editors_group"),
    ("reviews.migrations.0003_critics_group", "create_critics_group"),
]

# Property tests (tests/security/test_markup_properties.py): a bounded number of examples so
# `make test` and CI take seconds, no example database written into the work tree, no deadline
# (timing on a shared machine is noise; the linear-time property compares growth instead).
# HYPOTHESIS_PROFILE=thorough runs many more examples on demand.
hypothesis_settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", max_examples=60, deadline=None, database=None)
hypothesis_settings.register_profile(
    "thorough", max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


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
    from django.core.cache import caches

    for alias in settings.CACHES:  # with Redis: the shared store and each process's own pages
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def editor(db):
    return factories.EditorFactory()
