import pytest

from parley_gateway.frames import (
    FrameError,
    Ping,
    Start,
    UserMessage,
    context_given,
    parse_frame,
    with_defaults,
    without_unknown_zone,
)


def _code(raw: str | bytes) -> str:
    with pytest.raises(FrameError) as info:
        parse_frame(raw, max_bytes=1000)
    return info.value.code


def test_a_user_message_frame_is_decoded() -> None:
    frame = parse_frame(
        b'{"type": "user_message", "text": "hi", "context": {"username": "ana"}}', max_bytes=1000
    )
    assert frame == UserMessage(text="hi", context={"username": "ana"})


def test_a_ping_is_decoded() -> None:
    assert parse_frame('{"type": "ping"}', max_bytes=1000) == Ping()


def test_text_that_is_not_json_is_refused() -> None:
    assert _code("hello") == "invalid_json"


def test_a_json_value_that_is_not_an_object_is_refused() -> None:
    assert _code("[1, 2]") == "invalid_frame"


def test_an_unknown_type_is_refused() -> None:
    assert _code('{"type": "shout"}') == "unknown_type"


def test_a_missing_type_is_refused() -> None:
    assert _code('{"text": "hi"}') == "unknown_type"


def test_a_missing_text_is_refused() -> None:
    assert _code('{"type": "user_message"}') == "invalid_frame"


def test_text_of_the_wrong_type_is_refused() -> None:
    assert _code('{"type": "user_message", "text": 5}') == "invalid_frame"


def test_blank_text_is_refused() -> None:
    assert _code('{"type": "user_message", "text": "   "}') == "empty_text"
    assert _code('{"type": "user_message", "text": "\\u200b\\u2060\\u00ad"}') == "empty_text"


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(FrameError) as info:
        parse_frame('{"type": "user_message", "text": "' + "x" * 2001 + '"}', max_bytes=10_000)
    assert info.value.code == "text_too_long"


def test_a_frame_over_the_byte_limit_is_refused_before_decoding() -> None:
    assert _code(b"{" + b" " * 2000 + b"}") == "frame_too_large"


def test_invalid_utf8_is_refused() -> None:
    assert _code(b'{"type": "user_message", "text": "\xff"}') == "invalid_json"


def test_the_byte_limit_counts_utf8_bytes_not_characters() -> None:
    frame = '{"type": "user_message", "text": "' + "é" * 600 + '"}'
    assert len(frame) < 1000 < len(frame.encode())
    assert _code(frame) == "frame_too_large"


def test_a_text_frame_within_the_byte_limit_is_accepted() -> None:
    frame = '{"type": "user_message", "text": "' + "é" * 400 + '"}'
    assert parse_frame(frame, max_bytes=1000) == UserMessage(text="é" * 400)


def test_a_user_message_may_say_the_users_time_zone() -> None:
    frame = parse_frame('{"type": "user_message", "text": "hi", "timezone": "Europe/Paris"}', max_bytes=1000)
    assert frame == UserMessage(text="hi", timezone="Europe/Paris")


def test_an_unknown_time_zone_is_read_as_none_and_named() -> None:
    """What Chromium says under TZ=UTC0: its user cannot change it, so the chat goes on in UTC."""
    message = parse_frame('{"type": "user_message", "text": "hi", "timezone": "Etc/Unknown"}', max_bytes=1000)
    start = parse_frame('{"type": "start", "context": {"a": 1}, "timezone": "Nowhere/Land"}', max_bytes=1000)
    assert without_unknown_zone(message) == (UserMessage(text="hi"), "Etc/Unknown")
    assert without_unknown_zone(start) == (Start(context={"a": 1}), "Nowhere/Land")


def test_a_known_time_zone_and_a_ping_are_kept_as_they_are() -> None:
    message = UserMessage(text="hi", timezone="Asia/Calcutta")
    assert without_unknown_zone(message) == (message, None)
    assert without_unknown_zone(Ping()) == (Ping(), None)
    assert without_unknown_zone(UserMessage(text="hi")) == (UserMessage(text="hi"), None)


def test_a_time_zone_that_is_not_a_short_string_is_still_refused() -> None:
    assert _code('{"type": "user_message", "text": "hi", "timezone": 1}') == "invalid_frame"
    assert _code('{"type": "user_message", "text": "hi", "timezone": ""}') == "invalid_frame"


def test_an_unknown_field_is_refused_as_a_rest_body_is() -> None:
    assert _code('{"type": "user_message", "text": "hi", "timezome": "Europe/Paris"}') == "invalid_frame"
    assert _code('{"type": "ping", "id": 1}') == "invalid_frame"


def test_a_start_frame_is_decoded() -> None:
    raw = '{"type": "start", "context": {"username": "ana"}, "timezone": "Europe/Paris"}'
    assert parse_frame(raw, max_bytes=1000) == Start(context={"username": "ana"}, timezone="Europe/Paris")


def test_a_start_frame_may_be_empty() -> None:
    assert parse_frame('{"type": "start"}', max_bytes=1000) == Start()


def test_a_message_keeps_its_own_context_keys_and_time_zone_over_the_start() -> None:
    start = Start(context={"username": "ana", "plan": "gold"}, timezone="Asia/Tokyo")
    message = UserMessage(text="hi", context={"plan": "free"})
    assert with_defaults(message, start) == UserMessage(
        text="hi", context={"username": "ana", "plan": "free"}, timezone="Asia/Tokyo"
    )


def test_once_its_context_is_given_a_start_gives_its_time_zone_only() -> None:
    start = context_given(Start(context={"username": "ana"}, timezone="Asia/Tokyo"))
    message = UserMessage(text="hi", context={"plan": "free"})
    assert with_defaults(message, start) == UserMessage(
        text="hi", context={"plan": "free"}, timezone="Asia/Tokyo"
    )
