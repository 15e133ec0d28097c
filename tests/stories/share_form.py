"""What the "Share your story" tests share: the form's data with its signed timestamp, photos
(valid, lying about their size, corrupt), posting the form and the story it made."""

import io
import struct
import time
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from cms.core import antispam
from cms.stories.forms import ShareStoryForm
from cms.stories.models import Story
from tests.conftest import COVENTRY_HOST
from tests.helpers import with_overrides

SHARE_URL = "/stories/share/"
THANKS_URL = "/stories/share/thanks/"
# The editors who work on that site's stories (not the site's public contact address).
COVENTRY_EDITORS = {"coventry-editor@connectioncoalition.example"}
NATIONAL_EDITORS = {"national-editor@connectioncoalition.example"}
STORY_TEXT = (
    "When my mum went into hospital, Jean from the lunch club knocked on my door every day.\n\n"
    "She brought soup, and news, and company.\nI will never forget it."
)


def token(age_seconds: float = 60, salt: str | None = None) -> str:
    """A timestamp as the form would have signed it `age_seconds` ago."""
    return antispam.sign_timestamp(
        salt or ShareStoryForm.get_antispam_salt(), at=time.time() - age_seconds
    )


def valid_data(**overrides) -> dict:
    defaults = {
        "name": "Amira Khan",
        "email": "amira@example.com",
        "town": "Coventry",
        "story": STORY_TEXT,
        "consent": "on",
        "website": "",
        "form_started": token(),
    }
    return with_overrides(defaults, overrides)


def image_bytes(size=(8, 8), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes on disk whose header claims `width` × `height` pixels."""
    data = bytearray(image_bytes((1, 1)))
    struct.pack_into(">II", data, 16, width, height)  # IHDR data starts at byte 16
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def corrupt_png() -> bytes:
    data = bytearray(image_bytes((32, 32)))
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF  # damage the compressed pixels: the chunk's CRC no longer matches
    return bytes(data)


def photo(content: bytes, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def share(client, data, host=COVENTRY_HOST, **extra):
    return client.post(SHARE_URL, data, HTTP_HOST=host, **extra)


def latest_resident_story():
    return Story.objects.filter(source=Story.Source.RESIDENT).order_by("-pk").first()


def headers_of(message) -> str:
    raw = message.message().as_string()
    return raw.split("\n\n", 1)[0]
