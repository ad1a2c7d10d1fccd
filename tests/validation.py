"""Catch a rule's ValidationError so tests can assert its code and message."""

import pytest
from django.core.exceptions import ValidationError


def error_of(func, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        func(*args, **kwargs)
    return caught.value


def code_of(func, *args, **kwargs):
    return error_of(func, *args, **kwargs).code
