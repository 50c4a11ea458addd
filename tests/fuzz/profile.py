"""Hypothesis settings for the fuzz tests: modest, repeatable, no deadline.

Loaded by conftest.py before any fuzz test is collected.

The "fuzz" profile (the default here) runs FUZZ_EXAMPLES examples per test
(200 unless HYPOTHESIS_MAX_EXAMPLES says otherwise), derandomised so a run is
the same every time; HYPOTHESIS_PROFILE=explore draws fresh examples instead.
No example database is kept; Hypothesis's own caches go to .hypothesis/,
which ignores itself in git.
"""

import os

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "200"))

_common = {
    "max_examples": FUZZ_EXAMPLES,
    "deadline": None,
    "database": None,
    # The database and client fixtures are made once per test and shared by
    # its examples, on purpose.
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
    ],
}
settings.register_profile("fuzz", derandomize=True, **_common)
settings.register_profile("explore", **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))
