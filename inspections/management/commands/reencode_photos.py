"""Re-encode photos stored before uploads were re-encoded (run once after upgrading; idempotent).

Older versions kept an upload's bytes and the client's file name, so a stored
"photo" may carry GPS data, trailing HTML or a name like evil.html. Each such
file is decoded and written anew by config.uploads under a server-chosen name;
every answer and hazard photo that pointed at it is moved to the new file, and
the old file is deleted. Files that do not decode as a photo are listed and left
alone (they are never served: image_response() answers 404 for them).
"""

import posixpath
import re

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from config.uploads import ImageRejected, reencode_image
from inspections.models import Answer, HazardPhoto

# Names given by answer_photo_path/hazard_photo_path since re-encoding: "<prefix>-<uuid hex>.jpg".
REENCODED_NAME = re.compile(r"(?:^|/)[^/]*-[0-9a-f]{32}\.(?:jpg|png)$")


class Command(BaseCommand):
    help = "Re-encode answer and hazard photos stored by older versions (idempotent)."

    def handle(self, *args, **options):
        names = set(Answer.objects.exclude(photo="").values_list("photo", flat=True))
        names |= set(HazardPhoto.objects.values_list("image", flat=True))
        done, unreadable = 0, []
        for name in sorted(n for n in names if not REENCODED_NAME.search(n)):
            try:
                with default_storage.open(name, "rb") as old:
                    image = reencode_image(old)
            except (OSError, ImageRejected):
                unreadable.append(name)
                continue
            stem = posixpath.splitext(posixpath.basename(name))[0].split("-", 1)[0]
            new_name = default_storage.save(
                posixpath.join(posixpath.dirname(name), f"{stem}-{image.name}"), image
            )
            with transaction.atomic():
                Answer.objects.filter(photo=name).update(photo=new_name)
                HazardPhoto.objects.filter(image=name).update(image=new_name)
            default_storage.delete(name)
            done += 1
        self.stdout.write(f"{done} re-encoded, {len(unreadable)} unreadable")
        for name in unreadable:
            self.stdout.write(f"  unreadable, left as it was (never served): {name}")
