"""
What `make backup` and `make restore` tell the operator: where the backups are, which are the
newest, and what a restore would replace.

The backups themselves are made and restored by django-dbbackup (`dbbackup`, `mediabackup`,
`dbrestore`, `mediarestore`); this command only looks, except that before a backup it creates
the local media folder when there is none, and after a restore it refreshes the cached public
pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbbackup.storage import Storage, StorageError, get_storage
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from assignments import caching

RULE = "=" * 78


def _size(num_bytes: int) -> str:
    size = float(num_bytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


class Command(BaseCommand):
    help = (
        "Show the backup directory and its newest database dump and media archive "
        "(used by make backup and make restore)."
    )

    def add_arguments(self, parser: Any) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--before-backup",
            action="store_true",
            help="Say what is backed up, and create the local media folder if there is none "
            "yet, so an installation without uploads can be backed up too.",
        )
        mode.add_argument(
            "--before-restore",
            action="store_true",
            help="Warn what will be replaced by which backup; fail when there is no database "
            "dump or no media archive.",
        )
        mode.add_argument(
            "--after-restore",
            action="store_true",
            help="Refresh every cached public page, so none shows data from before the restore.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = get_storage()
        if options["before_backup"]:
            self.before_backup(storage)
        elif options["before_restore"]:
            self.before_restore(storage)
        elif options["after_restore"]:
            self.after_restore()
        else:
            self.show_newest(storage)

    # What is backed up and restored

    def database(self) -> str:
        db = connections[DEFAULT_DB_ALIAS].settings_dict
        if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
            return f"SQLite {db['NAME']}"
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
        return f"PostgreSQL {db['NAME']} on {where}"

    def media(self) -> str:
        if isinstance(default_storage, FileSystemStorage):
            return str(default_storage.location)
        # Object storage (PORTAL_MEDIA_STORAGE=s3): mediabackup and mediarestore go through
        # Django's storage API, so the archive holds the bucket's files.
        bucket = getattr(default_storage, "bucket_name", "")
        prefix = getattr(default_storage, "location", "")
        return f"{default_storage.__class__.__name__} {bucket}/{prefix}".rstrip("/")

    # The backup directory

    def location(self, storage: Storage) -> str:
        return str(getattr(storage.storage, "location", storage))

    def newest(self, storage: Storage, content_type: str) -> str | None:
        """The file dbrestore or mediarestore picks: the newest compressed one."""
        try:
            return storage.get_latest_backup(compressed=True, content_type=content_type)
        except (StorageError, FileNotFoundError):  # none there, or no backup directory yet
            return None

    def describe(self, storage: Storage, name: str | None) -> str:
        if name is None:
            return "none found"
        try:
            where = storage.storage.path(name)
        except NotImplementedError:
            where = name
        return f"{where} ({_size(storage.storage.size(name))})"

    # The modes

    def before_backup(self, storage: Storage) -> None:
        if isinstance(default_storage, FileSystemStorage):
            Path(default_storage.location).mkdir(parents=True, exist_ok=True)
        self.stdout.write(
            f"Backing up the database ({self.database()}) and the uploaded files "
            f"({self.media()}) into {self.location(storage)}"
        )

    def show_newest(self, storage: Storage) -> None:
        self.stdout.write(
            f"Backups are in {self.location(storage)}\n"
            f"  newest database dump: {self.describe(storage, self.newest(storage, 'db'))}\n"
            f"  newest media archive: {self.describe(storage, self.newest(storage, 'media'))}\n"
            "Copy them off this machine: a backup on the same disk is lost with the disk."
        )

    def before_restore(self, storage: Storage) -> None:
        dump, archive = self.newest(storage, "db"), self.newest(storage, "media")
        if dump is None or archive is None:
            missing = " and ".join(
                what
                for what, name in [("database dump", dump), ("media archive", archive)]
                if name is None
            )
            raise CommandError(
                f"No {missing} in {self.location(storage)}: nothing to restore. Copy the "
                "backup files there (or set PORTAL_BACKUP_DIR) and try again."
            )
        self.stdout.write(
            self.style.WARNING(
                f"{RULE}\n"
                "RESTORE: this OVERWRITES the data of this installation with the newest backup.\n"
                "\n"
                f"  database:       {self.database()}\n"
                f"    restored from {self.describe(storage, dump)}\n"
                f"  uploaded files: {self.media()}\n"
                f"    restored from {self.describe(storage, archive)}\n"
                "\n"
                "Everything saved in the database since that backup is LOST.\n"
                "Stop the portal first; start it again when the restore is done.\n"
                f"{RULE}"
            )
        )

    def after_restore(self) -> None:
        try:
            caching.public_content_changed()
        except Exception as error:  # the restore itself is done; say so either way
            self.stderr.write(
                f"Could not refresh the cached public pages ({error}); they may show data "
                "from before the restore until they expire."
            )
        self.stdout.write(
            self.style.SUCCESS("Restore done.")
            + " If the portal's code is newer than the backup, run `manage.py migrate`, "
            "then start the portal."
        )
