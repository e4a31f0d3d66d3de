"""Check and clean what a source attaches, before anything is encrypted and stored.

Files are recognised by their content, never by their name. Images are decoded (after the
project's own pixel check), turned upright from their EXIF orientation and re-encoded from bare
pixels, so no EXIF, GPS, IPTC, XMP, ICC profile or JPEG comment survives. PDFs lose their
document information and XMP metadata through pikepdf (qpdf). Office documents and plain text
are accepted as they are; office documents are flagged "metadata not removed" for the desk.
"""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image as PILImage
from PIL import ImageOps

from images.inspection import opened_image

ACCEPTED_DESCRIPTION = gettext_lazy(
    "Photos (JPEG, PNG, WebP, GIF), PDF, Word, Excel, OpenDocument and plain-text files."
)

OFFICE_TYPES = {
    "word/document.xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ppt/presentation.xml": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


@dataclass
class CleanFile:
    name: str
    content_type: str
    data: bytes
    metadata_removed: bool


def refuse(name, message):
    raise ValidationError(_("“%(name)s”: %(problem)s") % {"name": name, "problem": message})


def clean_attachment(upload):
    """Return a CleanFile for an uploaded file, or raise ValidationError saying why not."""
    name = (upload.name or "file")[:200]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return clean_pdf(name, upload.read())
    if head.startswith(b"PK\x03\x04"):
        return check_office(name, upload.read())
    if looks_like_image(head):
        return clean_image(name, upload)
    data = upload.read()
    if is_plain_text(data):
        return CleanFile(name, "text/plain; charset=utf-8", data, metadata_removed=True)
    refuse(name, _("this kind of file is not accepted. Accepted: %s") % ACCEPTED_DESCRIPTION)


def looks_like_image(head):
    return (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or head.startswith((b"GIF87a", b"GIF89a"))
        or (head.startswith(b"RIFF"))
    )


def clean_image(name, upload):
    try:
        with opened_image(upload) as picture:
            upright = ImageOps.exif_transpose(picture)
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            mode = "RGBA" if has_alpha else "RGB"
            # A fresh image from the pixels alone: none of the source's info dict comes along.
            bare = PILImage.new(mode, upright.size)
            bare.paste(upright.convert(mode))
    except ValidationError as error:
        refuse(name, error.messages[0])
    output = io.BytesIO()
    if has_alpha:
        bare.save(output, format="PNG", optimize=True)
        return CleanFile(stem(name) + ".png", "image/png", output.getvalue(), True)
    bare.save(output, format="JPEG", quality=90)
    return CleanFile(stem(name) + ".jpg", "image/jpeg", output.getvalue(), True)


def clean_pdf(name, data):
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Metadata" in pdf.Root:
                del pdf.Root.Metadata
            if "/Info" in pdf.trailer:
                del pdf.trailer.Info
            output = io.BytesIO()
            pdf.save(output, fix_metadata_version=False)
    except pikepdf.PasswordError:
        refuse(name, _("this PDF is password-protected; send it without the password."))
    except pikepdf.PdfError:
        refuse(name, _("this PDF is damaged and cannot be read."))
    return CleanFile(name, "application/pdf", output.getvalue(), metadata_removed=True)


def check_office(name, data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            for marker, (_extension, content_type) in OFFICE_TYPES.items():
                if marker in names and "[Content_Types].xml" in names:
                    return CleanFile(name, content_type, data, metadata_removed=False)
            if "mimetype" in names:
                odf = archive.read("mimetype")[:100].strip()
                if odf in ODF_TYPES:
                    return CleanFile(name, odf.decode(), data, metadata_removed=False)
    except (zipfile.BadZipFile, KeyError, OSError):
        refuse(name, _("this file is damaged and cannot be read."))
    refuse(name, _("archives are not accepted. Accepted: %s") % ACCEPTED_DESCRIPTION)


def is_plain_text(data):
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def stem(name):
    return name.rsplit(".", 1)[0] if "." in name else name


class TipUploadHandler(MemoryFileUploadHandler):
    """Keep tip uploads in memory only (never a plaintext temporary file), within the limits.

    A file over the size limit, or one beyond the file-count limit, is skipped while the rest of
    the form is still read, so the view can say what went wrong and keep the typed text.
    """

    def __init__(self, request, max_files, max_bytes):
        super().__init__(request)
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.seen = 0
        self.problems = []

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.seen += 1
        self.received = 0
        if self.seen > self.max_files:
            self.problems.append(
                _("“%(name)s” was not accepted: at most %(count)s files can be sent at once.")
                % {"name": file_name, "count": self.max_files}
            )
            # The parser closes `self.file` on a skip: never let that be the previous upload.
            self.file = io.BytesIO()
            raise SkipFile
        # Sets up the in-memory buffer, then stops other handlers.
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.problems.append(
                _("“%(name)s” is larger than the limit of %(limit)s.")
                % {"name": self.file_name, "limit": filesizeformat(self.max_bytes)}
            )
            self.file = io.BytesIO()
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)
