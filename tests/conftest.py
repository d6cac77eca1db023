"""Shared test settings.

Hypothesis's default deadline (200 ms per example) turns a busy CI machine into flaky
failures; the examples that matter here are bounded by their own timeouts instead.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("vitk2", deadline=None)
settings.load_profile("vitk2")
