"""Sealed job arguments (services/sealed.py): opaque, authenticated, bound to SECRET_KEY."""

from profiles.services import sealed

NIP = "199301212020122004"


def test_a_value_comes_back_as_it_was_sealed():
    for value in (NIP, [NIP, "199001012019031001"], {"nip": NIP, "n": 3}):
        assert sealed.unseal(sealed.seal(value)) == value


def test_a_value_of_another_kind_than_asked_unseals_to_nothing():
    assert sealed.unseal(sealed.seal([NIP]), list) == [NIP]
    assert sealed.unseal(sealed.seal(NIP), list) is None
    assert sealed.unseal(sealed.seal([NIP]), str) is None


def test_the_token_shows_nothing_of_the_value():
    token = sealed.seal([NIP])
    assert NIP not in token and NIP[:8] not in token
    assert sealed.seal([NIP]) != token  # a fresh nonce each time: equal values are not linkable


def test_an_altered_token_or_another_key_unseals_to_nothing(settings):
    token = sealed.seal(NIP)
    assert sealed.unseal(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")) is None
    assert sealed.unseal("not a token") is None and sealed.unseal(["a list"]) is None
    settings.SECRET_KEY = "a different secret key for another deployment " * 2
    assert sealed.unseal(token) is None
