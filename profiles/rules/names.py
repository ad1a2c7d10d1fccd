"""Full names with academic titles (gelar), written as PUEBI and DOMAIN.md ask.

`muhamad ilyasa, SH, SE, MM` → `Muhamad Ilyasa, S.H., S.E., M.M.`; `dr. siti` keeps
the medical `dr.`, which str.title() would turn into the doctorate `Dr.`: only the name
itself is capitalized, titles come from the lists below.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

EXAMPLE = "Contoh: Ahmad Yani, S.E."

BACK_TITLES = (
    # Diploma
    "A.Md.", "A.Md.Kep.", "A.Md.Keb.", "A.Md.Ak.", "A.Md.T.", "A.Md.Kom.", "A.Md.Farm.",
    "A.Md.Kes.", "A.Md.Gz.", "A.Md.Par.", "A.Md.Stat.", "A.Ma.", "A.Ma.Pd.",
    # Bachelor and applied bachelor
    "S.E.", "S.H.", "S.T.", "S.Kom.", "S.Pd.", "S.Sos.", "S.Ak.", "S.Psi.", "S.Farm.",
    "S.Ked.", "S.KG.", "S.Tr.Kom.", "S.Tr.Ak.", "S.Tr.T.", "S.Tr.Keb.", "S.Tr.Kes.",
    "S.Tr.Sos.", "S.Tr.Adm.", "S.Tr.IP.", "S.ST.", "S.Si.", "S.Si.T.", "S.P.", "S.Pt.",
    "S.Hut.", "S.Kep.", "S.Gz.", "S.KM.", "S.I.Kom.", "S.IP.", "S.AP.", "S.Ag.", "S.Th.",
    "S.Pd.I.", "S.Pd.SD.", "S.H.I.", "S.Sy.", "S.E.I.", "S.Kom.I.", "S.Sos.I.", "S.Stat.",
    "S.Ds.", "S.Sn.", "S.S.", "S.Hum.", "S.Kel.", "S.Pi.", "S.TP.", "S.Keb.", "S.Ars.",
    "S.Adm.", "S.Kes.", "S.Mat.", "S.Fis.", "S.Kim.", "S.Geo.", "S.Ling.", "S.Kar.",
    "S.IK.", "S.Tr.Pi.", "S.Pol.", "S.Ked.Hew.", "S.KH.", "S.Tr.Gz.",
    "Lc.",
    # Master
    "M.Si.", "M.M.", "M.T.", "M.Kom.", "M.Kes.", "M.Pd.", "M.A.", "M.Sc.", "M.H.", "M.E.",
    "M.Ak.", "M.P.", "M.Pd.I.", "M.Eng.", "M.B.A.", "M.P.H.", "M.Kn.", "M.Ars.", "M.Stat.",
    "M.Ling.", "M.Hum.", "M.Psi.", "M.AP.", "M.I.Kom.", "M.Farm.", "M.Ag.", "M.Sos.",
    "M.Tr.", "M.E.I.", "M.Acc.", "M.Ec.Dev.", "M.Kep.", "M.Gz.", "M.KM.", "M.Han.",
    "M.Si.T.", "M.Pol.", "M.IP.", "M.Keb.", "M.Tr.Kom.", "M.S.", "M.Sn.", "M.Ds.", "M.Th.",
    "M.Kes.Hew.", "M.Biotek.", "M.PWK.", "MPP.",
    # Doctorate, professions and specialists
    "Ph.D.", "Dr.rer.nat.", "Apt.", "Ns.", "Ak.", "CA", "CPA", "Psikolog",
    "Sp.PD.", "Sp.A.", "Sp.OG.", "Sp.B.", "Sp.M.", "Sp.THT-KL.", "Sp.KK.", "Sp.JP.",
    "Sp.An.", "Sp.Rad.", "Sp.N.", "Sp.KJ.", "Sp.P.", "Sp.PK.", "Sp.PA.", "Sp.S.", "Sp.U.",
    "Sp.OT.", "Sp.KG.", "Sp.Ort.", "Sp.Pros.", "Sp.BM.", "Sp.KFR.", "Sp.F.", "Sp.GK.",
    "Sp.Perio.", "Sp.KGA.", "Sp.PM.", "Sp.MK.", "Sp.DLP.", "Sp.DVE.",
)
# Case matters for one pair: the medical "dr." and the doctorate "Dr." (see _front_title).
FRONT_TITLES = {
    "prof": "Prof.", "dr": "Dr.", "drg": "drg.", "drh": "drh.", "drs": "Drs.", "dra": "Dra.",
    "ir": "Ir.", "h": "H.", "hj": "Hj.", "kh": "K.H.", "ns": "Ns.", "apt": "apt.",
}


def _key(text):
    """Typed variants compare with dots, spaces and case removed: SE, s.e, S.E → "se"."""
    return re.sub(r"[.\s]", "", text).lower()


# Every title has its own key: S.IP. and S.I.P. would share one, so only S.IP. is listed
# (tests/test_names.py asserts there are no duplicates).
BACK_BY_KEY = {_key(title): title for title in BACK_TITLES}

# Keys that are also name words (Jack Ma, Tan Meng, Lie Mei, Mak): after the name without
# a comma they stay name words unless written with dots ("Jack M.A." is a title).
_NAME_LIKE_KEYS = {"ma", "me", "mei", "mak", "meng", "mars", "mba", "mag", "ama", "sak", "sik",
                   "sip", "sap", "spa", "span"}

_MARKUP = re.compile(r"[<>]|&#?[a-z0-9]+;|\bscript\b|javascript:", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_ALLOWED_PUNCTUATION = set(" .,-'")
# An unknown title still looks like an abbreviation: letter groups joined by dots (S.Xyz).
_ABBREVIATION = re.compile(r"^[^\W\d_]{1,6}(?:\.[^\W\d_]{1,6})+\.?$")
# Balinese names open with "I" (men) or "Ni" (women), written without a dot: "I Made Sudarta"
# is not an initial. Recognised before these common second names.
_BALINESE_AFTER_I = {
    "gusti", "gst", "made", "md", "wayan", "wyn", "putu", "pt", "nyoman", "ny", "ketut", "kt",
    "kadek", "komang", "nengah", "gede", "gde", "dewa", "ngurah", "ida", "luh", "nym",
}
# O'Neil, D'Angelo, L'Estrange; Indonesian Ma'ruf, Syafi'i, A'isyah keep the lower case.
_APOSTROPHE_PREFIXES = {"o", "d", "l"}


def _error(message, code):
    return ValidationError(message, code=code)


def capitalize_word(word):
    """`al-fatih` → `Al-Fatih`, `o'neil` → `O'Neil`, `ma'ruf` → `Ma'ruf`."""
    parts = []
    for part in word.lower().split("-"):
        part = part[:1].upper() + part[1:]
        head, apostrophe, tail = part.partition("'")
        if apostrophe and head.lower() in _APOSTROPHE_PREFIXES:
            part = head + apostrophe + tail[:1].upper() + tail[1:]
        parts.append(part)
    return "-".join(parts)


def _front_title(token):
    key = _key(token)
    if key not in FRONT_TITLES:
        return None
    if key == "dr":
        # Keep the typed distinction: "Dr"/"DR" is the doctorate, "dr" the physician.
        return "dr." if token.startswith("d") else "Dr."
    return FRONT_TITLES[key]


def _trailing_title(token):
    """A back title typed after the name without a comma: `Ahmad Yani SE`."""
    key = _key(token)
    if key in BACK_BY_KEY and ("." in token or key not in _NAME_LIKE_KEYS):
        return BACK_BY_KEY[key]
    return None


def _split_token(token):
    """`A.Rahman` → `A.`, `Rahman`; `Dr.Ir.` → `Dr.`, `Ir.`; a title such as `S.Kom` stays."""
    if _key(token) in BACK_BY_KEY or _key(token) in FRONT_TITLES:
        return [token]
    return _segments(token)


def _segments(token):
    return re.findall(r"[^.]+\.?", token)


def _name_word(word):
    bare = word.rstrip(".").strip("-'")
    if len(bare) == 1:
        return bare.upper() + "."  # an initial keeps its dot
    return capitalize_word(bare) + ("." if word.endswith(".") else "")


def _longest_title(tokens, start):
    # Greedy, longest first: "S. T. P." is S.TP. rather than S.T. followed by P.
    for end in range(len(tokens), start, -1):
        if title := BACK_BY_KEY.get(_key("".join(tokens[start:end]))):
            return title, end
    return None, start


def _known_titles(tokens):
    """All tokens read as known titles, or None."""
    titles, i = [], 0
    while i < len(tokens):
        title, i = _longest_title(tokens, i)
        if title is None:
            return None
        titles.append(title)
    return titles


def _back_titles(piece):
    """The titles in one comma-separated piece: `SH SE`, `S. Kom`, `S.E.M.M.`, `S.Xyz`."""
    tokens, titles, i = piece.split(), [], 0
    while i < len(tokens):
        title, end = _longest_title(tokens, i)
        if title:
            titles.append(title)
            i = end
            continue
        token = tokens[i]
        if glued := _known_titles(_segments(token)):  # typed without separators
            titles.extend(glued)
        elif _ABBREVIATION.match(token):  # unknown but abbreviation-shaped: kept as typed
            titles.append(token if token.endswith(".") else f"{token}.")
        else:
            raise _error(
                f"“{piece.strip()}” tidak dikenal sebagai gelar. Setelah koma hanya ditulis "
                "gelar akademik, misalnya: Ahmad Yani, S.E., M.M. Bila itu bagian dari nama, "
                "hapus komanya.",
                "name_title_unknown",
            )
        i += 1
    return titles


def _check_characters(text):
    if _MARKUP.search(text):
        raise _error(
            f"Nama tidak boleh berisi kode atau tanda < >. Tulis nama saja. {EXAMPLE}",
            "name_markup",
        )
    if any(ch.isnumeric() for ch in text):
        raise _error(f"Nama tidak boleh berisi angka. Tulis nama sesuai SK CPNS. {EXAMPLE}",
                     "name_digits")
    bad = sorted({ch for ch in text if not ch.isalpha() and ch not in _ALLOWED_PUNCTUATION})
    if bad:
        shown = " ".join(bad)
        raise _error(
            f"Nama berisi tanda yang tidak boleh dipakai: {shown}. Gunakan hanya huruf, spasi, "
            f"titik, koma, tanda hubung (-), dan apostrof ('). {EXAMPLE}",
            "name_characters",
        )


def normalize_nama(raw):
    text = unicodedata.normalize("NFC", str(raw if raw is not None else ""))
    text = " ".join(text.translate(_APOSTROPHES).split())
    if not text:
        raise _error(f"Nama wajib diisi. {EXAMPLE}", "name_required")
    _check_characters(text)

    head, *pieces = text.split(",")
    head = re.sub(r"\s*-\s*", "-", head)  # "Al - Fatih" → "Al-Fatih"
    words = [part for token in head.split() for part in _split_token(token)]
    words = [word for word in words if word.strip(".-'")]

    # Leading tokens are front titles while a name follows: "H Ahmad" is the hajj title
    # (written "H." like an initial, so the reading does not change the result).
    front = []
    while len(words) > 1 and (title := _front_title(words[0])):
        front.append(title)
        words.pop(0)
    back = []
    while len(words) > 1 and (title := _trailing_title(words[-1])):
        back.insert(0, title)
        words.pop()
    for piece in pieces:
        back.extend(_back_titles(piece))

    if not words:
        raise _error(f"Tulis nama lengkap, bukan hanya gelar. {EXAMPLE}", "name_required")
    # A title-shaped token inside the name is initials: "Ahmad S.T. Yani" → "Ahmad S. T. Yani".
    name = [_name_word(part) for word in words for part in _segments(word)]
    if len(name) > 1 and name[0] == "I." and _key(name[1]) in _BALINESE_AFTER_I:
        name[0] = "I"
    full = " ".join(front + name)
    return ", ".join([full, *back])
