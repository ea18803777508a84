"""Test personas and fixtures shared by every app: see haven/lib/testing/.

Registered as a plugin, not star-imported: ``import *`` skips names that
start with an underscore, so the autouse ``_english_by_default`` fixture
was never in force and a test's Arabic request left Arabic active for the
next test in the same worker.
"""

pytest_plugins = ["haven.lib.testing.fixtures"]
