"""The issued certificate's PDF: the batch's template rendered once, each participant stamped on it.

Rendering a page from HTML takes WeasyPrint about a second; at ten thousand certificates
that is hours. The batch's template (frame, title, training, centre, labels, signatory,
place and date) is therefore rendered once per process and per template, and each
certificate is a new one-page PDF that draws that page as a form XObject and adds, in a
small content stream of its own: the number, the participant's lines, the photo (the
stored JPEG embedded as it is, never re-encoded) and the QR code (vector squares).

The participant's text uses DejaVu Sans from static/fonts, subset once per process to the
Latin repertoire and embedded with a ToUnicode map, so the text can be selected and
extracted. Everything the page prints comes from the certificate's frozen fields
(number, lines, template), never from the live record.

WeasyPrint and pyHanko are imported where the work is done, so the admin and the mail
service (which import profiles.services.certificates.issue) do not load them.
"""

import functools
import hashlib
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from PIL import Image

from profiles.services.certificates.preview import local_static_fetcher

FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"

MM = 72 / 25.4
PAGE_W, PAGE_H = 297, 210  # A4 landscape, in mm

# Where things are, in mm from the top left: shared by the template (HTML) and the stamp.
LAYOUT = {
    "number_top": 66,
    "photo": (28, 84, 40, 60),  # left, top, width, height: 4 x 6 cm
    "labels_left": 80,
    "colon_left": 131,
    "values_left": 135,
    "values_right": 277,
    "rows_top": 88,
    "row_step": 9.5,
    "qr": (28, 150, 30),  # left, top, size
    "qr_caption_top": 183,
}

# The characters a participant's line can print: Latin with its accents, and the
# punctuation names, titles and addresses use. Anything else prints as "?".
REPERTOIRE = (
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x250)]
    + list("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u00b7")
)


def template_fields(batch, issued_on):
    """What the batch's template prints: frozen into every certificate issued from it."""
    date = batch.certificate_date or issued_on
    return {
        "version": 1,
        "organizer": batch.organizer,
        "title": batch.certificate_title,
        "training_name": batch.training_name,
        "batch_name": batch.name,
        "signatory_name": batch.signatory_name,
        "signatory_position": batch.signatory_position,
        "signatory_nip": batch.signatory_nip,
        "place": batch.certificate_place,
        "date": format_date(date),
    }


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]


def format_date(day):
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def template_key(template, labels):
    return hashlib.sha256(json.dumps([template, labels], sort_keys=True).encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def _template_pdf(key, template_json, labels_json):
    from weasyprint import HTML

    from profiles.rules.nip import format_nip

    template = json.loads(template_json)
    labels = json.loads(labels_json)
    layout = dict(LAYOUT)
    rows = [
        # The label's box top, so its baseline (0.928 em below, DejaVu's ascent) meets the value's.
        {"label": label, "top": round(LAYOUT["rows_top"] + i * LAYOUT["row_step"] - 12 * 0.928 / MM, 2)}
        for i, label in enumerate(labels)
    ]
    html = render_to_string("profiles/certificate_issued.html", {
        "t": template, "rows": rows, "layout": layout,
        "signatory_nip": format_nip(template["signatory_nip"]) if template["signatory_nip"] else "",
    })
    base_url = FONTS_DIR.as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=local_static_fetcher()).write_pdf()


def template_pdf(template, labels):
    """The batch's page without the participant, rendered once per process and template."""
    template_json = json.dumps(template, sort_keys=True)
    labels_json = json.dumps(labels)
    return _template_pdf(template_key(template, labels), template_json, labels_json)


@functools.lru_cache(maxsize=8)
def _template_reader(key, template_json, labels_json):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(_template_pdf(key, template_json, labels_json)))


# Fonts ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Font:
    ps_name: str
    program: bytes  # the subset TrueType program, Flate-compressed
    program_length: int
    gids: dict  # character -> glyph id in the subset
    advances: dict  # glyph id -> advance width in 1/1000 em
    bbox: tuple
    ascent: int
    descent: int
    cap_height: int

    def encode(self, text):
        fallback = self.gids["?"]
        return b"".join(self.gids.get(ch, fallback).to_bytes(2, "big") for ch in text)

    def width(self, text, size):
        fallback = self.gids["?"]
        return sum(self.advances[self.gids.get(ch, fallback)] for ch in text) * size / 1000


@functools.lru_cache(maxsize=2)
def load_font(path):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    tt = TTFont(str(path))
    options = subset.Options(layout_closure=False, notdef_outline=True, name_IDs=["*"])
    options.drop_tables += ["GPOS", "GDEF", "GSUB", "kern", "FFTM"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[ord(ch) for ch in REPERTOIRE])
    subsetter.subset(tt)
    out = io.BytesIO()
    tt.save(out)
    program = out.getvalue()
    tt = TTFont(io.BytesIO(program))
    cmap = tt.getBestCmap()
    order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
    scale = 1000 / tt["head"].unitsPerEm
    gids = {chr(code): order[name] for code, name in cmap.items()}
    advances = {gid: round(tt["hmtx"][name][0] * scale) for name, gid in order.items()}
    head, os2 = tt["head"], tt["OS/2"]
    return Font(
        ps_name=tt["name"].getDebugName(6).replace(" ", ""),
        program=zlib.compress(program, 6),
        program_length=len(program),
        gids=gids,
        advances=advances,
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(os2.sTypoAscender * scale),
        descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", 0) * scale) or 730,
    )


def _to_unicode(font):
    pairs = sorted((gid, ch) for ch, gid in font.gids.items())
    chunks = [pairs[i:i + 100] for i in range(0, len(pairs), 100)]
    body = "".join(
        f"{len(chunk)} beginbfchar\n"
        + "".join(f"<{gid:04X}> <{ch.encode('utf-16-be').hex().upper()}>\n" for gid, ch in chunk)
        + "endbfchar\n"
        for chunk in chunks
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + body + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _embed_font(writer, font, tag):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    n = generic.NumberObject
    program = generic.StreamObject(
        {pdf_name("/Filter"): pdf_name("/FlateDecode"), pdf_name("/Length1"): n(font.program_length)},
        encoded_data=font.program,
    )
    base = pdf_name(f"/{tag}+{font.ps_name}")
    descriptor = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/FontDescriptor"),
        pdf_name("/FontName"): base,
        pdf_name("/Flags"): n(32),
        pdf_name("/FontBBox"): generic.ArrayObject([n(v) for v in font.bbox]),
        pdf_name("/ItalicAngle"): n(0),
        pdf_name("/Ascent"): n(font.ascent),
        pdf_name("/Descent"): n(font.descent),
        pdf_name("/CapHeight"): n(font.cap_height),
        pdf_name("/StemV"): n(80),
        pdf_name("/FontFile2"): writer.add_object(program),
    })
    gids = sorted(font.advances)
    widths = generic.ArrayObject([n(gids[0]), generic.ArrayObject([n(font.advances[g]) for g in gids])])
    cidfont = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"),
        pdf_name("/Subtype"): pdf_name("/CIDFontType2"),
        pdf_name("/BaseFont"): base,
        pdf_name("/CIDSystemInfo"): generic.DictionaryObject({
            pdf_name("/Registry"): generic.pdf_string("Adobe"),
            pdf_name("/Ordering"): generic.pdf_string("Identity"),
            pdf_name("/Supplement"): n(0),
        }),
        pdf_name("/FontDescriptor"): writer.add_object(descriptor),
        pdf_name("/W"): widths,
        pdf_name("/CIDToGIDMap"): pdf_name("/Identity"),
    })
    to_unicode = generic.StreamObject(stream_data=_to_unicode(font))
    to_unicode.compress()
    return writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"),
        pdf_name("/Subtype"): pdf_name("/Type0"),
        pdf_name("/BaseFont"): base,
        pdf_name("/Encoding"): pdf_name("/Identity-H"),
        pdf_name("/DescendantFonts"): generic.ArrayObject([writer.add_object(cidfont)]),
        pdf_name("/ToUnicode"): writer.add_object(to_unicode),
    }))


# The page --------------------------------------------------------------------------------

def _y(top_mm):
    return (PAGE_H - top_mm) * MM


def _text(font_tag, font, text, size, x, baseline_top_mm, max_width=None, min_size=7, align="left"):
    """One line of text; shrunk (down to min_size) rather than running past max_width."""
    if max_width is not None:
        width = font.width(text, size)
        if width > max_width:
            size = max(min_size, size * max_width / width)
    width = font.width(text, size)
    if align == "center":
        x -= width / 2
    return (
        f"BT /{font_tag} {size:.2f} Tf {x:.2f} {_y(baseline_top_mm):.2f} Td <".encode()
        + font.encode(text).hex().encode()
        + b"> Tj ET\n"
    )


# ISO/IEC 18004 asks for four light modules around the symbol. With two, OpenCV's classic
# detector missed 13 of 151 rendered certificates at 216 dpi (one of them in CI); with four, 1 of 151.
QR_QUIET_ZONE = 4


def _qr_ops(url, left_mm, top_mm, size_mm):
    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    border = QR_QUIET_ZONE
    count = len(matrix) + 2 * border
    module = size_mm * MM / count
    x0, y_top = left_mm * MM, _y(top_mm)
    ops = [b"q 1 g ", f"{x0:.2f} {y_top - size_mm * MM:.2f} {size_mm * MM:.2f} {size_mm * MM:.2f} re f 0 g\n".encode()]
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                x = x0 + (start + border) * module
                y = y_top - (r + border + 1) * module
                ops.append(f"{x:.3f} {y:.3f} {(c - start) * module:.3f} {module:.3f} re\n".encode())
            else:
                c += 1
    ops.append(b"f Q\n")
    return b"".join(ops)


def _image(writer, jpeg):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    with Image.open(io.BytesIO(jpeg)) as image:
        width, height, mode = image.width, image.height, image.mode
        if image.format != "JPEG" or mode not in ("RGB", "L"):
            converted = io.BytesIO()
            image.convert("RGB").save(converted, "JPEG", quality=90)
            jpeg, mode = converted.getvalue(), "RGB"
    stream = generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"),
        pdf_name("/Subtype"): pdf_name("/Image"),
        pdf_name("/Width"): generic.NumberObject(width),
        pdf_name("/Height"): generic.NumberObject(height),
        pdf_name("/ColorSpace"): pdf_name("/DeviceRGB" if mode == "RGB" else "/DeviceGray"),
        pdf_name("/BitsPerComponent"): generic.NumberObject(8),
        pdf_name("/Filter"): pdf_name("/DCTDecode"),
    }, encoded_data=jpeg)
    return writer.add_object(stream), width, height


def _photo_ops(width, height):
    left, top, box_w, box_h = LAYOUT["photo"]
    bw, bh = box_w * MM, box_h * MM
    x, y = left * MM, _y(top + box_h)
    # Cover the 4x6 box (the stored photo is 4:6 already; any other ratio is cropped centred).
    scale = max(bw / width, bh / height)
    dw, dh = width * scale, height * scale
    return (
        f"q {x:.2f} {y:.2f} {bw:.2f} {bh:.2f} re W n "
        f"{dw:.2f} 0 0 {dh:.2f} {x + (bw - dw) / 2:.2f} {y + (bh - dh) / 2:.2f} cm /Foto Do Q\n"
        f"q 0.68 0.71 0.74 RG 0.75 w {x:.2f} {y:.2f} {bw:.2f} {bh:.2f} re S Q\n"
    ).encode()


@dataclass(frozen=True)
class Stamp:
    """What one certificate prints on top of its template."""

    number: str
    lines: list  # [[label, value], ...] as frozen at issue
    photo_jpeg: bytes
    verify_url: str
    template: dict


def labels_of(lines):
    return [label for label, _ in lines]


def build(stamp):
    """A pyHanko writer holding the one-page certificate, ready to be signed."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PdfFileWriter

    labels = labels_of(stamp.lines)
    template_json = json.dumps(stamp.template, sort_keys=True)
    labels_json = json.dumps(labels)
    reader = _template_reader(template_key(stamp.template, labels), template_json, labels_json)

    writer = PdfFileWriter()
    page_xobject = writer.import_page_as_xobject(reader)
    regular, bold = load_font(REGULAR), load_font(BOLD)
    photo_ref, photo_w, photo_h = _image(writer, stamp.photo_jpeg)

    ops = [b"q 1 0 0 1 0 0 cm /Templat Do Q\n", b"0.13 0.15 0.16 rg\n"]
    ops.append(_text("F2", bold, f"Nomor: {stamp.number}", 12, PAGE_W / 2 * MM, LAYOUT["number_top"],
                     max_width=200 * MM, align="center"))
    max_width = (LAYOUT["values_right"] - LAYOUT["values_left"]) * MM
    for i, (label, value) in enumerate(stamp.lines):
        top = LAYOUT["rows_top"] + i * LAYOUT["row_step"]
        first = i == 0
        ops.append(_text("F2" if first else "F1", bold if first else regular, value or "—",
                         14 if first else 12, LAYOUT["values_left"] * MM, top, max_width=max_width))
    ops.append(_photo_ops(photo_w, photo_h))
    left, top, size = LAYOUT["qr"]
    ops.append(_qr_ops(stamp.verify_url, left, top, size))
    ops.append(_text("F1", regular, stamp.verify_url, 6.5, left * MM, LAYOUT["qr_caption_top"] + 6,
                     max_width=110 * MM, min_size=5))
    content = generic.StreamObject(stream_data=b"".join(ops))
    content.compress()

    resources = generic.DictionaryObject({
        pdf_name("/XObject"): generic.DictionaryObject({
            pdf_name("/Templat"): page_xobject, pdf_name("/Foto"): photo_ref,
        }),
        pdf_name("/Font"): generic.DictionaryObject({
            pdf_name("/F1"): _embed_font(writer, regular, "AAAAAA"),
            pdf_name("/F2"): _embed_font(writer, bold, "BBBBBB"),
        }),
    })
    page = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"),
        pdf_name("/MediaBox"): generic.ArrayObject(
            [generic.NumberObject(0), generic.NumberObject(0),
             generic.FloatObject(round(PAGE_W * MM, 2)), generic.FloatObject(round(PAGE_H * MM, 2))]
        ),
        pdf_name("/Resources"): resources,
        pdf_name("/Contents"): writer.add_object(content),
    })
    writer.insert_page(page)
    return writer
