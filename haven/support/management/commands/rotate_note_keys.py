"""Re-encrypt every confidential note with the first key of HAVEN_FIELD_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.support import crypto
from haven.support.services import notes_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every support session note and medical examination detail with the first key in "
        "HAVEN_FIELD_KEYS. Put the new key first and keep the old ones after it, run this, then remove the "
        "old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = notes_rotate_keys(actor="rotate_note_keys", batch_size=options["batch_size"])
        except crypto.InvalidToken as exc:
            raise CommandError(
                "A note could not be decrypted with any key in HAVEN_FIELD_KEYS; keep the old key in the list "
                "until the rotation has finished. Nothing in the failing batch was changed."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} notes with the first key."))
