"""Built-in entities `number`, `ordinal` and `duration`, in digits or English words.

`number` is an int or a float ("1,200.50", "twenty-five", "a hundred and five", "3 million",
"two and a half", "half a dozen"); `ordinal` an int ("3rd", "twenty-first"); `duration` whole
seconds ("10 minutes", "half an hour", "2 hrs", "two and a half hours").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from parley_nlu.candidates import Candidate
from parley_nlu.keywords import DIGIT_KEYWORDS, KeywordPattern

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}  # fmt: skip
UNIT_SECONDS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3_600, "hr": 3_600, "day": 86_400,
                "week": 604_800}  # fmt: skip

_NUMBER_WORD = "|".join(sorted([*UNITS, *TENS, *SCALES, "dozen"], key=len, reverse=True))
MAX_NUMBER_WORDS = 24
"""Words one number in words may have ("nine billion nine hundred ninety-nine million ..." has 17).
The bound keeps the patterns that need something after a number ("<number> minutes") linear: tried
at every word of a long run of number words, an unbounded run rescanned the rest of it each time."""
WORD_NUMBER = (
    rf"(?:(?:a\s+)?(?:{_NUMBER_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_NUMBER_WORD})){{0,{MAX_NUMBER_WORDS - 1}}})"
)
"""English number words: "twenty-five", "a hundred and five", "two thousand three hundred"."""
DIGITS = r"(?:[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
_AND_A_HALF = r"\s+and\s+a\s+half"
_SCALE_WORDS = r"(?:(?:dozen|hundred)(?:[\s-]+(?:thousand|million|billion))?|thousand|million|billion)"
"""The scale words that may follow a count: "3 million", "2 dozen", "1.5 hundred thousand"."""

_NUMBER_WORDS = (*UNITS, *TENS, *SCALES, "dozen")
"""The words of `WORD_NUMBER`, one of which each of its matches holds."""
_DIGIT_NUMBER = KeywordPattern(re.compile(rf"(?<![\w.,:/-]){DIGITS}(?![\w:/]|[.,]\d)"), DIGIT_KEYWORDS)
_WORD_NUMBER = KeywordPattern(re.compile(rf"(?<![\w-]){WORD_NUMBER}(?![\w-])", re.IGNORECASE), _NUMBER_WORDS)
_SCALED_NUMBER = KeywordPattern(
    re.compile(
        rf"(?<![\w.,:/-])(?:({DIGITS})|({WORD_NUMBER}))({_AND_A_HALF})?(?:[\s-]+({_SCALE_WORDS}))?(?![\w-])",
        re.IGNORECASE,
    ),
    ("half", "dozen", "hundred", "thousand", "million", "billion"),  # a match without one is not read
)
"""A count with "and a half" or scale words after it that the plain patterns do not read:
"3 million", "2.5 thousand", "two and a half", "two and a half million"."""
_HALF_A_SCALE = KeywordPattern(
    re.compile(r"(?<![\w-])half\s+an?\s+(dozen|hundred|thousand|million|billion)(?![\w-])", re.IGNORECASE),
    ("half",),
)
_DIGIT_ORDINAL = KeywordPattern(
    re.compile(r"(?<![\w.,])(\d+)\s?(?:st|nd|rd|th)(?!\w)", re.IGNORECASE), DIGIT_KEYWORDS
)
_TENS_ORDINAL = "|".join(TENS)
_WORD_ORDINAL = KeywordPattern(
    re.compile(
        rf"(?<![\w-])(?:(?:({_TENS_ORDINAL})[\s-])?({'|'.join(ORDINAL_WORDS)}))(?![\w-])", re.IGNORECASE
    ),
    ORDINAL_WORDS,
)
_PRONOUN_ONE = re.compile(
    rf"(?:\b(?:the|this|that|which|each|every|any|no|another|other|last|next|same|{'|'.join(ORDINAL_WORDS)})"
    r"|\d\s?(?:st|nd|rd|th))\s+$",
    re.IGNORECASE,
)
_NOT_AN_ORDINAL = re.compile(r"(?:\d|\b(?:a|one|per|each|every|split))\s*$", re.IGNORECASE)
_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)"
_DURATION = KeywordPattern(
    re.compile(
        r"(?<![\w.])(?:(?P<special>half an hour|half a minute|(?:a\s+)?quarter of an hour)"
        rf"|(?P<count>(?:{DIGITS}|{WORD_NUMBER})(?:{_AND_A_HALF})?|an?)[\s-]*(?P<unit>{_UNIT})(?P<half>{_AND_A_HALF})?)"
        r"(?!\w)",
        re.IGNORECASE,
    ),
    ("sec", "min", "hour", "hr", "day", "week"),  # of every `_UNIT`, and of the set phrases
)
"""A count and a unit ("2 hrs", "two and a half hours", "an hour and a half") or a set phrase; the
phrases first, so that "half an hour" is not read as "an hour"."""
_TAKES_A_DURATION = re.compile(
    r"\b(?:for|in|within|after|about|around|over|under|than|another|only|just|least|wait|take|takes|took|"
    r"lasts?|give\s+me|snooze)\s*$",
    re.IGNORECASE,
)
_TAIL = 64
"""Characters before a match that decide how it reads ("the one", "a second", "for a day")."""
_SPECIAL_DURATIONS = {"half an hour": 1_800, "half a minute": 30, "quarter of an hour": 900}


def number_candidates(text: str) -> Iterator[Candidate]:
    for match in _DIGIT_NUMBER.finditer(text):
        yield Candidate(match.start(), match.end(), "number", parse_digits(match.group()), "builtin")
    for match in _WORD_NUMBER.finditer(text):
        if match.group().casefold() == "one" and _ends_with(_PRONOUN_ONE, text, match.start()):
            continue  # "the 3rd one", "this one": a thing, not a count
        value = parse_words(match.group())
        if value is not None:
            yield Candidate(match.start(), match.end(), "number", value, "builtin", 0.9)
    for match in _SCALED_NUMBER.finditer(text):
        digits, words, half, scale = match.groups()
        if half or scale:
            value = _scaled(parse_digits(digits) if digits else parse_words(words), half, scale)
            if value is not None:
                yield Candidate(
                    match.start(), match.end(), "number", value, "builtin", 1.0 if digits else 0.9
                )
    for match in _HALF_A_SCALE.finditer(text):
        scale = match.group(1).casefold()
        yield Candidate(match.start(), match.end(), "number", SCALES.get(scale, 12) // 2, "builtin", 0.9)


def ordinal_candidates(text: str) -> Iterator[Candidate]:
    for match in _DIGIT_ORDINAL.finditer(text):
        yield Candidate(match.start(), match.end(), "ordinal", int(match.group(1)), "builtin")
    for match in _WORD_ORDINAL.finditer(text):
        tens, unit = match.group(1), match.group(2).casefold()
        if unit == "second" and not tens and _ends_with(_NOT_AN_ORDINAL, text, match.start()):
            continue  # "a second", "30 second timer": time, not rank
        value = ORDINAL_WORDS[unit] + (TENS[tens.casefold()] if tens else 0)
        yield Candidate(match.start(), match.end(), "ordinal", value, "builtin", 0.9)


def duration_candidates(text: str) -> Iterator[Candidate]:
    """Lengths of time in seconds; parts in falling units joined by a space, a comma or "and" are one
    ("1 hour and 30 minutes", "2 hours, 15 minutes", "1 min 30 secs"): a timer set for them is."""
    held: Candidate | None = None  # the length read so far, which the next part may extend
    held_unit = 0
    for part, unit in _duration_parts(text):
        if held is not None and unit < held_unit and _JOINS_PARTS.fullmatch(text, held.end, part.start):
            held = Candidate(held.start, part.end, "duration", held.value + part.value, "builtin")
        else:
            if held is not None:
                yield held
            held = part
        held_unit = unit
    if held is not None:
        yield held


_JOINS_PARTS = re.compile(r"\s*(?:,\s*)?(?:and\s+)?", re.IGNORECASE)
"""What may stand between the parts of one length of time."""


def _duration_parts(text: str) -> Iterator[tuple[Candidate, int]]:
    """Each count and unit or set phrase, with its unit in seconds (a set phrase's is its length)."""
    for match in _DURATION.finditer(text):
        special, count_text = match.group("special"), match.group("count")
        if count_text and count_text.casefold() in ("a", "an") and not _is_span(text, match.start()):
            continue  # "a day off", "twice a week": an article and a unit, but not a length of time
        if special:
            seconds = unit = _SPECIAL_DURATIONS[re.sub(r"^a\s+", "", re.sub(r"\s+", " ", special.casefold()))]
        else:
            count = _count(count_text)
            if count is None:
                continue
            unit = UNIT_SECONDS[match.group("unit").casefold().rstrip("s")]
            seconds = round((count + (0.5 if match.group("half") else 0)) * unit)
        yield Candidate(match.start(), match.end(), "duration", seconds, "builtin"), unit


def _is_span(text: str, start: int) -> bool:
    """Whether "a <unit>" at `start` reads as a length of time: alone, or after a word that takes one."""
    before = text[:start].rstrip()
    return not before or _ends_with(_TAKES_A_DURATION, before, len(before))


def _ends_with(pattern: re.Pattern[str], text: str, end: int) -> bool:
    """Whether `pattern` (anchored at `$`) matches text[:end], looking at its last `_TAIL` characters
    only: searching the whole prefix for every match was quadratic in a text of many matches."""
    return pattern.search(text, max(0, end - _TAIL), end) is not None


def _count(text: str) -> float | None:
    lowered = text.casefold()
    if lowered in ("a", "an"):
        return 1
    count, half = re.subn(_AND_A_HALF + "$", "", lowered)
    value = parse_digits(count) if count[0].isdigit() or count[0] in "+-" else parse_words(count)
    return value if value is None or not half else value + 0.5


def _scaled(count: float | None, half: str | None, scale: str | None) -> int | float | None:
    """`count`, plus a half if `half`, times the scale words: exact in decimal ("1.1 thousand" is
    1100, not 1100.0000000000002), an int when whole."""
    if count is None:
        return None
    value = Decimal(str(count)) + (Decimal("0.5") if half else 0)
    multiplier = parse_words(f"one {scale}") if scale else 1
    return None if multiplier is None else _plain(value * multiplier)


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def parse_digits(text: str) -> int | float:
    cleaned = text.replace(",", "")
    return float(cleaned) if "." in cleaned else int(cleaned)


def parse_words(text: str) -> int | None:
    """The value of English number words, or None when they do not read as one number."""
    tokens = [t for t in re.split(r"[\s-]+", text.casefold()) if t and t != "and"]
    if tokens and (tokens[0] in SCALES or tokens[0] == "dozen"):
        return None  # "thousand island": a scale is no count by itself ("3 thousand" is `_SCALED_NUMBER`'s)
    if tokens and tokens[0] == "a":
        tokens = tokens[1:] if len(tokens) > 1 and tokens[1] in (*SCALES, "dozen") else []
    total = current = 0
    previous = ""
    for token in tokens:
        if token == "dozen":  # noqa: S105 - a word, not a password
            current = (current or 1) * 12
        elif token in SCALES:
            scale = SCALES[token]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        elif token in TENS or token in UNITS:
            if previous in UNITS or (previous in TENS and token in TENS):
                return None  # "five six", "twenty thirty": two numbers, not one
            current += TENS.get(token, 0) + UNITS.get(token, 0)
        previous = token
    return total + current if tokens else None
