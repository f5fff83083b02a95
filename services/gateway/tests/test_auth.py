from parley_gateway.auth import AdminKeys


def test_a_configured_key_is_allowed() -> None:
    assert AdminKeys(["s3cret"]).allows("Bearer s3cret")


def test_the_scheme_is_case_insensitive() -> None:
    assert AdminKeys(["s3cret"]).allows("bearer s3cret")


def test_a_wrong_key_is_refused() -> None:
    assert not AdminKeys(["s3cret"]).allows("Bearer nope")


def test_a_missing_header_is_refused() -> None:
    assert not AdminKeys(["s3cret"]).allows(None)


def test_another_scheme_is_refused() -> None:
    assert not AdminKeys(["s3cret"]).allows("Basic s3cret")


def test_no_keys_allow_nobody() -> None:
    assert not AdminKeys([]).allows("Bearer ")
