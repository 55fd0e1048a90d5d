"""The site's settings plus the benchmarks' floor views (bench/urls.py) and their one table.

Only `bench/server.py` and the in-process profile use this module: the floors never exist in the
site itself.
"""

from reviewsite.settings import *  # noqa: F403
from reviewsite.settings import ACCOUNT_RATE_LIMITS, INSTALLED_APPS

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# Every bench client logs in from 127.0.0.1: 32 posters and the readers in one minute.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "1000/m/ip"}
