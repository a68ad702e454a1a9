"""
Which documents a report may have attached, recognised by their content, never their name.

A file is accepted when its first bytes are those of an allowed type *and* its name ends as
files of that type do, so a renamed executable or web page never passes as a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import uploadhandler as handlers
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Enough of the file for every signature filetype knows, including those inside ZIP files.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class AllowedType:
    mime: str
    extensions: tuple[str, ...]


ALLOWED_TYPES = {
    t.mime: t
    for t in [
        AllowedType("application/pdf", ("pdf",)),
        AllowedType("application/msword", ("doc",)),
        AllowedType(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
        ),
        AllowedType("application/vnd.ms-excel", ("xls",)),
        AllowedType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
        AllowedType("application/vnd.oasis.opendocument.text", ("odt",)),
        AllowedType("application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
        AllowedType("application/vnd.oasis.opendocument.presentation", ("odp",)),
        AllowedType("image/png", ("png",)),
        AllowedType("image/jpeg", ("jpg", "jpeg")),
    ]
}

ACCEPT_ATTRIBUTE = ",".join(
    [f".{ext}" for t in ALLOWED_TYPES.values() for ext in t.extensions] + list(ALLOWED_TYPES)
)


def allowed_formats_text() -> str:
    return _("PDF, Word, Excel, OpenDocument, PNG or JPEG")


def max_size() -> int:
    return settings.PORTAL_ATTACHMENT_MAX_BYTES


if TYPE_CHECKING:
    _HandlerBase = handlers.FileUploadHandler  # what the mixin is mixed into
else:
    _HandlerBase = object

# The longest file name kept: what file systems allow, and the column holds.
NAME_MAX_LENGTH = 255


class NameLengthMixin(_HandlerBase):
    """
    An upload handler that remembers how long the file's name was as sent: Django shortens
    a longer name to 255 characters on the way, so a form could not tell otherwise.
    """

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.sent_name_length = len(file_name or "")
        return super().new_file(field_name, file_name, *args, **kwargs)

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        if upload is not None:
            # Read back in detect(), with getattr: not every upload has it.
            upload.sent_name_length = self.sent_name_length  # type: ignore[attr-defined]
        return upload


class MemoryFileUploadHandler(NameLengthMixin, handlers.MemoryFileUploadHandler):
    pass


class TemporaryFileUploadHandler(NameLengthMixin, handlers.TemporaryFileUploadHandler):
    pass


def detect(upload: UploadedFile) -> AllowedType:
    """Return the upload's type, or raise ``ValidationError`` saying what is wrong with it."""
    name = upload.name or ""
    if getattr(upload, "sent_name_length", 0) > NAME_MAX_LENGTH:
        raise ValidationError(
            _(
                "The name of “%(name)s…” is longer than %(max)d characters. Give the file a "
                "shorter name and attach it again."
            )
            % {"name": name[:40], "max": NAME_MAX_LENGTH},
            code="file_name_too_long",
        )
    assert upload.size is not None  # an upload's size is always known
    if upload.size > max_size():
        raise ValidationError(
            _("“%(name)s” is %(size)s; an attachment may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_size()),
            },
            code="file_too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    allowed = ALLOWED_TYPES.get(kind.mime) if kind else None
    if allowed is None:
        raise ValidationError(
            _("“%(name)s” is not a %(formats)s file.")
            % {"name": name, "formats": allowed_formats_text()},
            code="file_type",
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in allowed.extensions:
        raise ValidationError(
            _("The content of “%(name)s” does not match its name: it is a .%(actual)s file.")
            % {"name": name, "actual": allowed.extensions[0]},
            code="file_name_mismatch",
        )
    return allowed
