"""JPEG read at the marker level: frame size, EXIF orientation, where the image data ends.

Nothing here decodes pixels, so it is cheap and safe on any input: the checks learn the
dimensions before decoding (decompression bombs) and notice a truncated file, and the
sanitizer strips metadata without re-encoding.
"""

import re
import struct
from dataclasses import dataclass

# Frame headers (SOFn). C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# Huffman-coded sequential frames (baseline and extended) that any decoder reads.
SEQUENTIAL = frozenset({0xC0, 0xC1})
SOS, EOI, COM = 0xDA, 0xD9, 0xFE
APP0, APP1, APP2, APP14, APP15 = 0xE0, 0xE1, 0xE2, 0xEE, 0xEF
# Markers without a length: TEM and the restart markers.
STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
ORIENTATION_TAG = 0x0112

# A marker inside or after entropy-coded data: FF (with fill bytes) followed by anything
# but a stuffed zero or a restart marker.
MARKER_IN_SCAN = re.compile(rb"\xff+[^\x00\xd0-\xd7\xff]")


class NotJpeg(ValueError):
    """The data does not start with a JPEG SOI marker."""


class BrokenJpeg(ValueError):
    """A JPEG whose structure is cut short ("truncated") or invalid ("unreadable")."""

    def __init__(self, problem, detail):
        super().__init__(detail)
        self.problem = problem


@dataclass(frozen=True)
class Segment:
    marker: int
    start: int  # offset of the FF of the marker
    end: int  # offset just after the segment

    def payload(self, data):
        return data[self.start + 4 : self.end]


@dataclass(frozen=True)
class JpegStructure:
    header: tuple  # Segments from SOI up to the first scan (SOS excluded)
    frame_marker: int
    width: int  # as stored
    height: int
    components: int
    orientation: int  # EXIF orientation 1–8 (1 when absent or invalid)
    scan_start: int  # offset of the first SOS marker

    @property
    def transposed(self):
        """Whether the orientation swaps width and height (5–8: rotated by 90°)."""
        return self.orientation >= 5

    @property
    def display_size(self):
        if self.transposed:
            return self.height, self.width
        return self.width, self.height


def parse(data, max_segments=1_000):
    """The structure of a JPEG; NotJpeg or BrokenJpeg when there is none."""
    if not data.startswith(b"\xff\xd8"):
        raise NotJpeg("no SOI marker")
    size = len(data)
    position = 2
    header = []
    frame = None
    while True:
        if len(header) >= max_segments:
            raise BrokenJpeg("unreadable", "too many segments")
        if position >= size:
            raise BrokenJpeg("truncated", "ends in the header")
        if data[position] != 0xFF:
            raise BrokenJpeg("unreadable", f"no marker at offset {position}")
        while position < size and data[position] == 0xFF:
            position += 1
        if position >= size:
            raise BrokenJpeg("truncated", "ends in the header")
        marker = data[position]
        start = position - 1
        position += 1
        if marker in STANDALONE:
            continue
        if marker in (0x00, 0xD8, EOI):
            raise BrokenJpeg("unreadable", f"unexpected marker {marker:02X} in the header")
        if position + 2 > size:
            raise BrokenJpeg("truncated", "ends in a segment length")
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2:
            raise BrokenJpeg("unreadable", "invalid segment length")
        end = position + length
        if end > size:
            raise BrokenJpeg("truncated", "ends inside a segment")
        segment = Segment(marker, start, end)
        if marker == SOS:
            break
        header.append(segment)
        if marker in SOF_MARKERS and frame is None:
            frame = segment
        position = end
    if frame is None:
        raise BrokenJpeg("unreadable", "no frame header before the image data")
    frame_data = frame.payload(data)
    if len(frame_data) < 6:
        raise BrokenJpeg("unreadable", "short frame header")
    height, width = struct.unpack(">HH", frame_data[1:5])
    if not width or not height:
        raise BrokenJpeg("unreadable", "frame without dimensions")
    # FF D9 cannot occur inside entropy-coded data (an FF there is followed by 00 or a
    # restart marker): without one after the first scan header the file was cut short.
    # Searched from the end, where it almost always is (fast on a 1 MB file).
    if data.rfind(b"\xff\xd9", segment.end) < 0:
        raise BrokenJpeg("truncated", "no end-of-image marker")
    return JpegStructure(
        header=tuple(header),
        frame_marker=frame.marker,
        width=width,
        height=height,
        components=frame_data[5],
        orientation=_orientation(data, header),
        scan_start=segment.start,
    )


def _orientation(data, header):
    # The first APP1 Exif segment is the one viewers and Pillow read.
    for segment in header:
        if segment.marker == APP1:
            payload = segment.payload(data)
            if payload.startswith(b"Exif\x00"):
                return exif_orientation(payload[6:])
    return 1


def exif_orientation(tiff):
    """The Orientation tag (1–8) of IFD0 in a TIFF/EXIF block; 1 when missing or invalid."""
    if len(tiff) < 8:
        return 1
    endian = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if endian is None:
        return 1
    magic, offset = struct.unpack(endian + "HI", tiff[2:8])
    if magic != 42 or offset + 2 > len(tiff):
        return 1
    (count,) = struct.unpack(endian + "H", tiff[offset : offset + 2])
    count = min(count, (len(tiff) - offset - 2) // 12)
    for index in range(count):
        entry = offset + 2 + 12 * index
        tag, kind = struct.unpack(endian + "HH", tiff[entry : entry + 4])
        if tag != ORIENTATION_TAG:
            continue
        if kind == 3:  # SHORT
            (value,) = struct.unpack(endian + "H", tiff[entry + 8 : entry + 10])
        elif kind == 4:  # LONG, written by some tools
            (value,) = struct.unpack(endian + "I", tiff[entry + 8 : entry + 12])
        else:
            return 1
        return value if 1 <= value <= 8 else 1
    return 1


def is_metadata(marker):
    """APPn and COM segments: EXIF, XMP, IPTC, ICC profile, comments, thumbnails..."""
    return APP0 <= marker <= APP15 or marker == COM


def is_adobe(marker, payload):
    # Tells decoders whether the three or four channels are YCbCr/YCCK or RGB/CMYK.
    return marker == APP14 and payload.startswith(b"Adobe")


def is_icc_profile(marker, payload):
    return marker == APP2 and payload.startswith(b"ICC_PROFILE\x00")


def header(data, structure, keep, extra=b""):
    """SOI, `extra`, then the header segments that are not metadata or for which
    keep(marker, payload) holds."""
    parts = [b"\xff\xd8", extra]
    for segment in structure.header:
        if not is_metadata(segment.marker) or keep(segment.marker, segment.payload(data)):
            parts.append(data[segment.start : segment.end])
    return b"".join(parts)


def rebuild(data, structure, keep, extra=b""):
    """The JPEG with only the header segments header() keeps, image data as it is."""
    return header(data, structure, keep, extra) + data[structure.scan_start :]


def walk_image_data(data, scan_start):
    """The pieces from the first scan on, as (marker, start, end).

    A scan (SOS) spans its header and entropy-coded data; segments between scans (DHT,
    DQT, DRI, APPn, COM...) are walked by their length, so their contents cannot fake an
    end of image. The last piece is EOI, unless the data is cut short.
    """
    size = len(data)
    position = scan_start
    while position + 1 < size and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == EOI:
            yield marker, position, position + 2
            return
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        header_end = position + 2 + length
        if length < 2 or header_end > size:
            return
        if marker != SOS:
            yield marker, position, header_end
            position = header_end
            continue
        found = MARKER_IN_SCAN.search(data, header_end)
        if found is None:
            return
        scan_end = found.end() - 2
        yield marker, position, scan_end
        position = scan_end
