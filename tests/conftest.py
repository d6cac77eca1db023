"""Shared test settings.

Hypothesis's default deadline (200 ms per example) turns a busy CI machine into flaky
failures; the examples that matter here are bounded by their own timeouts instead.

On CI (the ``CI`` environment variable set, as CI services and ``.ci/run`` do), every property
test draws the same examples on every run (``derandomize``), so that a submission's result does
not depend on the seed; on a developer's machine each run explores new examples, which is how
new failures are found. Either way a failure prints the example and how to reproduce it.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("vitk2", deadline=None)
settings.register_profile("vitk2-ci", deadline=None, derandomize=True, database=None)
settings.load_profile("vitk2-ci" if os.environ.get("CI") else "vitk2")
