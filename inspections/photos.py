"""Photos of answers and hazards: re-encoded by config.uploads, refused in Chinese."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.uploads import ImageRejected, ReencodedImage, reencode_image

MAX_PHOTOS_AT_ONCE = 10

REFUSALS = {
    ImageRejected.TOO_LARGE: _(
        "The photo is larger than %(max_mb)d MB; take it at a lower resolution."
    ),
    ImageRejected.TOO_MANY_PIXELS: _(
        "The photo has too many pixels (over %(max_megapixels)d megapixels); take it at a lower resolution."
    ),
    ImageRejected.NOT_IMAGE: _("This file is not a photo. Upload a JPEG or PNG picture."),
}


def clean_photo(upload):
    """The upload as a re-encoded image ready to store; ValidationError if it will not do."""
    if isinstance(upload, ReencodedImage):
        return upload
    try:
        return reencode_image(upload)
    except ImageRejected as rejected:
        raise ValidationError(
            REFUSALS[rejected.code], code=rejected.code, params=rejected.params
        ) from rejected
