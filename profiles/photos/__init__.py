"""Photo checks for the certificate photo (the guide's photo rules, DOMAIN.md).

Pure: bytes in, report out; no request, no ORM. The upload, the admin and the
`check_photo` management command all call `check_photo(data)`; an accepted photo is
stored as `sanitize_jpeg(data)` (upright, without EXIF/GPS/XMP/comments, same quality).

Every check below is in every report, in this order, passed or not. When `format`
fails nothing else can be measured: the others come with ok False, value None and a
message saying they were not checked. The face-based warnings after face_multiple need
a face: without one they come with ok True and value None (face_missing says it). If
the face detector cannot run, face_missing fails with value None, so the admin looks.
Defaults are in config.py, overridable through settings.PHOTO_CHECKS.

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
  face_missing    a frontal face is found                        value faces found
  face_multiple   at most one face (a second one counts from half the size of the first)
                  value faces found
  face_off_center face centre within 40–60 % of the width and 25–55 % of the height
                  value {"x", "y"} as shares
  head_too_small  face box at least 25 % of the photo width (head to chest, not half body)
                  value share
  head_too_large  face box at most 65 % of the photo width (the chest in view)
                  value share
  eyes_missing    an eye found in each half of the face (open, not behind dark glasses)
                  value eyes found, 0–2
  shirt_not_white at least 40 % light, unsaturated pixels (saturation ≤ 0.25, value
                  ≥ 0.55) on the chest beside the tie (white shirt, no jacket)
                  value share
"""

from profiles.photos.checks import check_photo
from profiles.photos.config import PhotoConfig, get_config
from profiles.photos.report import Check, PhotoReport
from profiles.photos.sanitize import sanitize_jpeg

__all__ = ["Check", "PhotoConfig", "PhotoReport", "check_photo", "get_config", "sanitize_jpeg"]
