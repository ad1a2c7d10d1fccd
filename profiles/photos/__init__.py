"""Photo checks for the certificate photo (the guide's photo rules, DOMAIN.md).

Pure: bytes in, report out; no request, no ORM. The upload, the admin and the
`check_photo` management command all call `check_photo(data)`; an accepted photo is
stored as `sanitize_jpeg(data)` (upright, without EXIF/GPS/XMP/comments, same quality).

Every check below is in every report, in this order. A check is passed (ok True),
failed (ok False: listed in `errors` or `warnings` by its severity) or not checked
(ok None, value None, a message saying why; in neither list). When `format` fails
nothing else can be measured: the others are not checked. The face-based warnings after
face_multiple need a face: without one they are not checked (face_missing says it). If
the face detector cannot run (model file damaged, MediaPipe failing) every face check is
not checked, and the failure is logged. Defaults are in config.py, overridable through
settings.PHOTO_CHECKS.

Faces are found by MediaPipe's Face Landmarker (landmarks.py, vendored model) on an
image decoded at about 300 px on its shorter side. `fix_photo(data)` (fix.py) turns a
phone photo into one that passes: crop 4:6 head to chest, red background, JPEG under
the byte limit; it refuses with a code when it cannot do that honestly.

Blocking (severity "error"):
  format          a real, complete JPEG: not another type named .jpg (the type found is
                  named: PNG, GIF, WebP, HEIC, PDF, HTML, teks...), not empty, truncated
                  or undecodable, at most 50 MP from its header (checked before decoding).
                  value {"type", "problem"}; problem None, "empty", "not_jpeg",
                  "truncated", "unreadable" or "too_many_pixels"
  size            under 1 MB: fewer than 1,048,576 bytes              value bytes
  ratio           width/height as displayed (EXIF orientation applied) within ±2 % of
                  4:6, i.e. 0.6533–0.68                value {"width", "height", "ratio"}
  background      at least 60 % red pixels (HSV hue 340°–14°, saturation ≥ 0.55, value
                  ≥ 0.3) in the background above the shoulders, around the head
                  value {"red_share", "dominant" (colour name), "dominant_share"}
Warnings (severity "warning": shown to the participant and flagged for the admin):
  resolution      at least 472×709 px (300 dpi at 4×6 cm)       value {"width", "height"}
  face_missing    a face is found (face landmarks; small faces searched in tiles)
                  value faces found
  face_multiple   at most one face (a second one counts from half the size of the first)
                  value faces found
  face_off_center face centre within 40–60 % of the width and 25–55 % of the height
                  value {"x", "y"} as shares
  head_too_small  face box at least 25 % of the photo width (head to chest, not half body)
                  value share
  head_too_large  face box at most 65 % of the photo width (the chest in view)
                  value share
  eyes_closed     both eyes open: eye aspect ratio of the landmarks at least 0.19 (the
                  eyeBlink blendshape confirms an eye between 0.19 and 0.22)
                  value {"right", "left", "blink_right", "blink_left"}
  eyes_hidden     the white of an eye visible: not both eye openings dark as glass
                  value {"right", "left"} brightest tenth of the eye over the cheek
  mouth_open      inner-lip gap at most 0.12 of the eye-to-chin distance (OFIQ's measure)
                  value the gap's share
  head_tilted     eye line within ±8° of horizontal (ISO/IEC 19794-5 roll)
                  value degrees, positive clockwise on screen
  shirt_not_white at least 40 % light, unsaturated pixels (saturation ≤ 0.25, value
                  ≥ 0.55) on the chest beside the tie (white shirt, no jacket)
                  value share
"""

from profiles.photos.checks import check_photo
from profiles.photos.config import PhotoConfig, get_config
from profiles.photos.fix import FixResult, fix_photo
from profiles.photos.report import Check, PhotoReport
from profiles.photos.sanitize import sanitize_jpeg

__all__ = ["Check", "FixResult", "PhotoConfig", "PhotoReport", "check_photo", "fix_photo", "get_config", "sanitize_jpeg"]
