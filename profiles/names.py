"""Full names with academic titles (gelar), written as PUEBI and DOMAIN.md ask.

`muhamad ilyasa, SH, SE, MM` → `Muhamad Ilyasa, S.H., S.E., M.M.`; `dr. siti` keeps
the medical `dr.`, which str.title() would turn into the doctorate `Dr.`.
"""

import re

from django.core.exceptions import ValidationError

BACK_TITLES = (
    # Diploma and bachelor
    "A.Md.", "A.Md.Kep.", "A.Md.Keb.", "A.Md.Ak.", "A.Md.T.", "A.Md.Kom.", "A.Md.Farm.",
    "S.E.", "S.H.", "S.T.", "S.Kom.", "S.Pd.", "S.Sos.", "S.Ak.", "S.Psi.", "S.Farm.",
    "S.Ked.", "S.Tr.Kom.", "S.Tr.Ak.", "S.Tr.T.", "S.Tr.Keb.", "S.ST.", "S.Si.", "S.P.",
    "S.Pt.", "S.Hut.", "S.Kep.", "S.Gz.", "S.KM.", "S.I.Kom.", "S.IP.", "S.AP.", "S.Ag.",
    "S.Th.", "S.Pd.I.", "S.H.I.", "S.Sy.", "S.E.I.", "S.Stat.", "S.Ds.", "S.Sn.", "S.Hum.",
    "S.Kel.", "S.Pi.", "S.TP.", "S.Keb.", "S.Ars.", "S.Adm.", "S.I.P.", "S.Tr.Sos.",
    "S.Kes.", "S.Mat.", "S.Fis.", "S.Kim.", "S.Geo.", "S.Ling.", "S.Tr.Adm.", "Lc.",
    # Master, doctorate, professions
    "M.Si.", "M.M.", "M.T.", "M.Kom.", "M.Kes.", "M.Pd.", "M.A.", "M.Sc.", "M.H.", "M.E.",
    "M.Ak.", "M.P.", "M.Pd.I.", "M.Eng.", "M.B.A.", "M.P.H.", "M.Kn.", "M.Ars.", "M.Stat.",
    "M.Ling.", "M.Hum.", "M.Psi.", "M.AP.", "M.I.Kom.", "M.Farm.", "M.Ag.", "M.Sos.",
    "M.Tr.", "M.E.I.", "M.Acc.", "M.Ec.Dev.", "M.Kep.", "M.Gz.", "M.KM.", "M.PH.",
    "Ph.D.", "Apt.", "Ns.", "Sp.PD.", "Sp.A.", "Sp.OG.", "Sp.B.", "Sp.M.", "Sp.THT.",
    "Sp.KK.", "Sp.JP.", "Sp.An.", "Sp.Rad.", "Sp.N.", "Sp.KJ.", "Sp.P.", "Sp.PK.",
    "Sp.S.", "Sp.U.", "Sp.OT.", "Sp.KG.", "Sp.Ort.", "Sp.Pros.", "CPA", "Ak.", "CA",
)
# Case matters: the medical dr. and the doctorate Dr. are different titles.
FRONT_TITLES = {"dr": "dr.", "drg": "drg.", "ir": "Ir.", "prof": "Prof.", "h": "H.", "hj": "Hj.", "ns": "Ns."}


def _key(title):
    return re.sub(r"[.\s]", "", title).lower()


# Keys compare typed variants with dots and spaces removed: SE, s.e, S.E → S.E.
# Where two titles share a key (S.IP. and S.I.P., M.PH. and M.P.H.) the first wins.
_BACK_BY_KEY = {}
for _title in BACK_TITLES:
    _BACK_BY_KEY.setdefault(_key(_title), _title)

_MARKUP = re.compile(r"[<>{}\[\]]|&[#a-z0-9]+;|javascript:", re.IGNORECASE)
_ALLOWED = re.compile(r"^[^\W\d_]|[ .,\-']$")
# An unknown title still looks like one: letters with dots (S.Xyz) or short capitals.
_TITLE_SHAPED = re.compile(r"^(?:[^\W\d_]{1,6}\.)+[^\W\d_]{0,6}\.?$|^[A-Z]{2,5}$")


def _error(message, code):
    return ValidationError(message, code=code)


def _capitalize_part(part):
    return part[:1].upper() + part[1:].lower()


def capitalize_word(word):
    """Capitalize a word and each part after a hyphen (Al-Fatih).

    After an apostrophe only when a single letter precedes it (O'Neil, D'Arcy):
    Indonesian names such as Ma'ruf or Syafi'i keep the lower-case letter.
    """
    pieces = [_capitalize_part(piece) for piece in word.split("-")]
    result = []
    for piece in pieces:
        head, sep, tail = piece.partition("'")
        if sep and len(head) == 1 and tail:
            piece = head + sep + _capitalize_part(tail)
        result.append(piece)
    return "-".join(result)


def capitalize_words(text):
    return " ".join(capitalize_word(word) for word in text.split())


def _front_title(token):
    key = token.rstrip(".").lower()
    if key not in FRONT_TITLES:
        return None
    if key == "dr":
        # Keep the typed distinction: "Dr"/"DR" is the doctorate, "dr" the physician.
        return "dr." if token[0] == "d" else "Dr."
    return FRONT_TITLES[key]


def _back_title(token, *, strict):
    title = _BACK_BY_KEY.get(_key(token))
    if title:
        return title
    if not strict and _TITLE_SHAPED.match(token):
        return token if token.endswith(".") or token.isupper() else token + "."
    return None


def _name_words(words):
    out = []
    for word in words:
        bare = word.rstrip(".")
        if len(bare) == 1 and bare.isalpha():
            out.append(bare.upper() + ".")  # an initial keeps its dot
        elif bare:
            out.append(capitalize_word(bare) + ("." if word.endswith(".") else ""))
    return out


def normalize_nama(raw):
    text = re.sub(r"\s+", " ", str(raw or "")).strip().replace("’", "'").replace("‘", "'")
    if not text:
        raise _error("Nama wajib diisi. Contoh: Ahmad Yani, S.E.", "name_required")
    if _MARKUP.search(text):
        raise _error("Nama tidak boleh berisi kode atau tanda < > { } [ ].", "name_markup")
    if any(ch.isdigit() for ch in text):
        raise _error("Nama tidak boleh berisi angka.", "name_digits")
    if not all(_ALLOWED.match(ch) for ch in text):
        raise _error(
            "Nama hanya boleh berisi huruf, spasi, titik, koma, tanda hubung, dan apostrof.",
            "name_characters",
        )

    head, *tails = text.split(",")
    words = head.split()
    front = []
    while len(words) > 1 and (title := _front_title(words[0])):
        front.append(title)
        words.pop(0)
    # Back titles typed without a comma ("Ahmad Yani SE", "Ahmad Yani S.Kom"):
    # only tokens written with dots or in capitals, so a name such as "Ma" stays.
    back = []
    while len(words) > 1 and ("." in words[-1].rstrip(".") or words[-1].isupper()):
        title = _back_title(words[-1], strict=True)
        if not title or (words[-1].isupper() and head.isupper() and len(words) <= 2):
            break
        back.insert(0, title)
        words.pop()
    for tail in tails:
        for token in tail.split():
            title = _back_title(token, strict=False)
            if title is None:
                raise _error(
                    f"“{tail.strip()}” tidak dikenal sebagai gelar. Tulis gelar di belakang "
                    "nama setelah koma, misalnya: Ahmad Yani, S.E., M.M.",
                    "name_title_unknown",
                )
            back.append(title)
    name = _name_words(words)
    if not name:
        raise _error("Nama wajib diisi selain gelar. Contoh: Ahmad Yani, S.E.", "name_required")
    full = " ".join(front + name)
    return ", ".join([full, *back])
