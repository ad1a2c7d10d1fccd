import pytest
from django.core.exceptions import ValidationError

from profiles.rules.names import _NAME_LIKE_KEYS, BACK_BY_KEY, BACK_TITLES, normalize_nama


def error_of(raw):
    with pytest.raises(ValidationError) as caught:
        normalize_nama(raw)
    return caught.value


def code_of(raw):
    return error_of(raw).code


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ahmad yani", "Ahmad Yani"),
        ("AHMAD YANI", "Ahmad Yani"),
        ("aHMAD yANI", "Ahmad Yani"),
        ("  ahmad   yani  ", "Ahmad Yani"),
        ("ahmad\u00a0yani", "Ahmad Yani"),
        ("ahmad\tyani\n", "Ahmad Yani"),
        ("muhammad al-fatih", "Muhammad Al-Fatih"),
        ("Muhammad Al - Fatih", "Muhammad Al-Fatih"),
        ("o'neil", "O'Neil"),
        ("o’neil", "O'Neil"),
        ("d'angelo", "D'Angelo"),
        ("ma'ruf amin", "Ma'ruf Amin"),
        ("syafi'i", "Syafi'i"),
        ("a'isyah", "A'isyah"),
        ("josé ramos", "José Ramos"),
        ("ni made ayu", "Ni Made Ayu"),
    ],
)
def test_it_capitalizes_each_word_of_the_name(raw, expected):
    assert normalize_nama(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("i gusti ngurah rai", "I Gusti Ngurah Rai"),
        ("I MADE SUDARTA", "I Made Sudarta"),
        ("I. Wayan Sudirta", "I Wayan Sudirta"),
        ("dr. i ketut suarjaya", "dr. I Ketut Suarjaya"),
        ("ni luh putu ayu, S.Pd", "Ni Luh Putu Ayu, S.Pd."),
        ("i rahman", "I. Rahman"),
    ],
)
def test_the_balinese_i_before_a_balinese_name_is_not_an_initial(raw, expected):
    assert normalize_nama(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a rahman", "A. Rahman"),
        ("A. rahman", "A. Rahman"),
        ("A.rahman", "A. Rahman"),
        ("muhammad a", "Muhammad A."),
        ("m. ali", "M. Ali"),
        ("moh. ali", "Moh. Ali"),
        ("Moh.Ali", "Moh. Ali"),
        ("siti k. w.", "Siti K. W."),
    ],
)
def test_single_letter_initials_get_their_dot(raw, expected):
    assert normalize_nama(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ahmad yani, SE", "Ahmad Yani, S.E."),
        ("ahmad yani, se", "Ahmad Yani, S.E."),
        ("ahmad yani, s.e", "Ahmad Yani, S.E."),
        ("ahmad yani, S.E", "Ahmad Yani, S.E."),
        ("ahmad yani, se.", "Ahmad Yani, S.E."),
        ("ahmad yani, S. E.", "Ahmad Yani, S.E."),
        ("budi, S.Kom", "Budi, S.Kom."),
        ("budi, SKom", "Budi, S.Kom."),
        ("budi, s.kom", "Budi, S.Kom."),
        ("budi, S. Kom", "Budi, S.Kom."),
        ("budi, MSi", "Budi, M.Si."),
        ("budi, PhD", "Budi, Ph.D."),
        ("budi, Ph.D", "Budi, Ph.D."),
        ("budi, A.Md", "Budi, A.Md."),
        ("budi, amd.kep", "Budi, A.Md.Kep."),
        ("budi, S.Tr.Kom", "Budi, S.Tr.Kom."),
        ("budi, s.i.kom", "Budi, S.I.Kom."),
        ("budi, S.Pd.I", "Budi, S.Pd.I."),
        ("budi, SKM", "Budi, S.KM."),
        ("budi, Lc", "Budi, Lc."),
        ("budi, m.b.a", "Budi, M.B.A."),
        ("budi, MBA", "Budi, M.B.A."),
        ("siti, Sp.PD", "Siti, Sp.PD."),
        ("siti, sp.tht-kl", "Siti, Sp.THT-KL."),
        ("siti, S.Kep, Ns", "Siti, S.Kep., Ns."),
        ("budi, SE, Ak, CA", "Budi, S.E., Ak., CA"),
    ],
)
def test_it_writes_typed_back_titles_canonically(raw, expected):
    assert normalize_nama(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("muhamad ilyasa, SH, SE, MM", "Muhamad Ilyasa, S.H., S.E., M.M."),
        ("siti rahmawati, se, mm", "Siti Rahmawati, S.E., M.M."),
        ("budi,S.T.,M.T.", "Budi, S.T., M.T."),
        ("budi, SH SE MM", "Budi, S.H., S.E., M.M."),
        ("budi, S.E.M.M.", "Budi, S.E., M.M."),
        ("budi, S.Kom.M.Kom", "Budi, S.Kom., M.Kom."),
        ("budi, , S.E.,", "Budi, S.E."),
        ("budi,", "Budi"),
    ],
)
def test_it_separates_several_back_titles_with_commas(raw, expected):
    assert normalize_nama(raw) == expected


def test_greedy_matching_prefers_the_longest_known_title():
    assert normalize_nama("budi, S. T. P.") == "Budi, S.TP."


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("dr. siti", "dr. Siti"),
        ("dr siti", "dr. Siti"),
        ("Dr. siti", "Dr. Siti"),
        ("Dr siti", "Dr. Siti"),
        ("DR. SITI", "Dr. Siti"),
        ("drg. budi", "drg. Budi"),
        ("DRG budi", "drg. Budi"),
        ("drh budi", "drh. Budi"),
        ("ir. budi", "Ir. Budi"),
        ("IR budi", "Ir. Budi"),
        ("prof budi", "Prof. Budi"),
        ("drs. budi", "Drs. Budi"),
        ("dra siti", "Dra. Siti"),
        ("H. ahmad", "H. Ahmad"),
        ("h ahmad", "H. Ahmad"),
        ("Hj Siti", "Hj. Siti"),
        ("HJ. SITI", "Hj. Siti"),
        ("kh ahmad dahlan", "K.H. Ahmad Dahlan"),
        ("Ns siti, S.Kep", "Ns. Siti, S.Kep."),
        ("apt. budi, s.farm", "apt. Budi, S.Farm."),
        ("prof dr ir budi, msc, phd", "Prof. dr. Ir. Budi, M.Sc., Ph.D."),
        ("Prof. Dr. Ir. H. budi santoso, M.Si.", "Prof. Dr. Ir. H. Budi Santoso, M.Si."),
        ("Dr.Ir.Ahmad", "Dr. Ir. Ahmad"),
        ("dr siti aminah, Sp.PD", "dr. Siti Aminah, Sp.PD."),
    ],
)
def test_it_writes_front_titles_canonically(raw, expected):
    assert normalize_nama(raw) == expected


def test_medical_dr_and_doctorate_dr_stay_different():
    assert normalize_nama("dr. siti") != normalize_nama("Dr. siti")


def test_a_lone_h_is_an_initial_and_h_before_a_name_the_hajj_title():
    assert normalize_nama("h") == "H."
    assert normalize_nama("H ahmad") == "H. Ahmad"


def test_title_shaped_initials_inside_the_name_stay_initials():
    assert normalize_nama("Ahmad S.T. Yani") == "Ahmad S. T. Yani"


def test_front_title_words_inside_the_name_stay_name_words():
    assert normalize_nama("ahmad dr yani") == "Ahmad Dr Yani"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ahmad Yani SE", "Ahmad Yani, S.E."),
        ("ahmad yani se", "Ahmad Yani, S.E."),
        ("AHMAD YANI SE", "Ahmad Yani, S.E."),
        ("Ahmad Yani S.E.", "Ahmad Yani, S.E."),
        ("ahmad yani se mm", "Ahmad Yani, S.E., M.M."),
        ("Ahmad Yani SE, MM", "Ahmad Yani, S.E., M.M."),
        ("budi S.Kom", "Budi, S.Kom."),
        ("dr. siti SpPD", "dr. Siti, Sp.PD."),
        ("Jack M.A.", "Jack, M.A."),
    ],
)
def test_a_known_title_typed_after_the_name_without_a_comma_moves_behind_one(raw, expected):
    assert normalize_nama(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Jack Ma", "Jack Ma"),
        ("Lie Mei", "Lie Mei"),
        ("Tan Meng", "Tan Meng"),
        ("Budi Sedan", "Budi Sedan"),
        ("Budi Semm", "Budi Semm"),
        ("Sehat", "Sehat"),
        ("Se", "Se"),
    ],
)
def test_name_words_that_resemble_titles_stay_name_words(raw, expected):
    assert normalize_nama(raw) == expected


def test_a_title_alone_is_never_taken_from_the_only_name_word():
    assert normalize_nama("SE") == "Se"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Budi Santoso, S.Xyz", "Budi Santoso, S.Xyz."),
        ("Budi Santoso, S.Xyz.", "Budi Santoso, S.Xyz."),
        ("Budi Santoso, s.xyz", "Budi Santoso, s.xyz."),
        ("Budi Santoso, S.E., M.Abc", "Budi Santoso, S.E., M.Abc."),
    ],
)
def test_an_unknown_abbreviation_is_kept_as_typed_with_a_final_period(raw, expected):
    assert normalize_nama(raw) == expected


@pytest.mark.parametrize(
    "raw, named",
    [
        ("Budi Santoso, anak saya", "anak saya"),
        ("Budi, Santoso", "Santoso"),
        ("Budi, S.E., dan lain lain", "dan lain lain"),
        ("Budi, Xyz.", "Xyz."),
    ],
)
def test_it_rejects_a_back_part_that_is_not_a_title_and_names_it(raw, named):
    error = error_of(raw)
    assert error.code == "name_title_unknown"
    assert f"“{named}”" in error.message


@pytest.mark.parametrize(
    "canonical",
    [
        "Ahmad Yani, S.E.",
        "Muhamad Ilyasa, S.H., S.E., M.M.",
        "Dr. Ir. Ahmad Yani, S.E., M.M.",
        "dr. Siti Aminah, Sp.PD.",
        "Prof. Dr. H. Budi, M.Sc., Ph.D.",
        "Hj. Siti, S.Kep., Ns.",
        "K.H. Ahmad Dahlan",
        "apt. Budi, S.Farm.",
        "A. Rahman",
        "Muhammad Al-Fatih",
        "O'Neil",
        "Ma'ruf Amin",
        "Budi Santoso, S.Xyz.",
        "Budi, S.E., Ak., CA",
        "I Made Sudarta",
    ],
)
def test_normalizing_a_canonical_name_returns_it_unchanged(canonical):
    assert normalize_nama(canonical) == canonical


@pytest.mark.parametrize("title", BACK_TITLES)
def test_every_known_back_title_is_canonical_behind_a_name(title):
    assert normalize_nama(f"budi, {title}") == f"Budi, {title}"


@pytest.mark.parametrize("title", BACK_TITLES)
def test_every_known_back_title_is_found_without_its_dots(title):
    typed = title.replace(".", "").lower()
    assert normalize_nama(f"budi, {typed}") == f"Budi, {title}"


def test_no_two_known_titles_share_a_typed_form():
    assert len(BACK_BY_KEY) == len(BACK_TITLES)


def test_the_name_like_keys_are_all_known_titles():
    assert _NAME_LIKE_KEYS <= set(BACK_BY_KEY)


@pytest.mark.parametrize("raw", ["", "   ", None, "\u00a0", ",", ", S.E."])
def test_it_requires_a_name(raw):
    assert code_of(raw) == "name_required"


@pytest.mark.parametrize("raw", ["Siti 2", "Budi Santoso 3", "S1ti", "Budi, S2", "Budi ²", "Budi ٣"])
def test_it_rejects_digits(raw):
    assert code_of(raw) == "name_digits"


@pytest.mark.parametrize(
    "raw",
    [
        "<b>Siti</b>",
        "<script>alert(1)</script>",
        "Siti >",
        "Siti &lt;b&gt;",
        "Siti &amp; Budi",
        "Siti &#60;",
        "javascript:alert",
        "Siti script",
    ],
)
def test_it_rejects_markup(raw):
    assert code_of(raw) == "name_markup"


@pytest.mark.parametrize(
    "raw",
    ["Siti@Budi", "Budi (Ucok)", "Budi/Santoso", "Budi; Santoso", '=HYPERLINK("x")', "Budi_Santoso",
     "Budi!", "Budi \x00", "Budi 🙂"],
)
def test_it_rejects_other_characters_and_shows_them(raw):
    error = error_of(raw)
    assert error.code == "name_characters"
    assert "huruf, spasi, titik, koma" in error.message


def test_the_characters_message_names_the_offending_character():
    assert "@" in error_of("Siti@Budi").message
