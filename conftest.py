"""Test personas shared by every app: see haven/lib/testing/personas.py."""

from haven.lib.testing.fixtures import *  # noqa: F403
