"""The fuzz tests' Hypothesis profile (tests/fuzz/profile.py)."""

from tests.fuzz import profile  # noqa: F401 (registers and loads the profile)
