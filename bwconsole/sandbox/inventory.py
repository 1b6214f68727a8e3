"""The numbers the sandbox's carrier has in stock: a fixed, seeded US inventory.

Rate centers with their real area codes, cities, states, ZIP codes and LATAs;
each (rate center, area code) pair owns a few exchanges with 100 lines each,
and toll-free codes have their own. The inventory is the same on every run
(no randomness outside fixed seeds), large enough to page through (about
30,000 numbers), and small enough to build in a few milliseconds on first use.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

__all__ = [
    "LOCAL_PRICE",
    "TOLL_FREE_CODES",
    "TOLL_FREE_PRICE",
    "Available",
    "RateCenter",
    "compile_pattern",
    "find",
    "local_numbers",
    "national",
    "pattern_match",
    "rate_centers",
    "toll_free_numbers",
]

LOCAL_PRICE = "0.60"
TOLL_FREE_PRICE = "2.00"
TOLL_FREE_CODES = ("800", "833", "844", "855", "866", "877", "888")
EXCHANGES_PER_PAIR = 4
LINES_PER_EXCHANGE = 100
KEYPAD = {
    letter: str(digit)
    for digit, letters in (
        (2, "ABC"),
        (3, "DEF"),
        (4, "GHI"),
        (5, "JKL"),
        (6, "MNO"),
        (7, "PQRS"),
        (8, "TUV"),
        (9, "WXYZ"),
    )
    for letter in letters
}


@dataclass(frozen=True)
class RateCenter:
    state: str
    city: str
    rate_center: str
    lata: str
    area_codes: tuple[str, ...]
    zips: tuple[str, ...]


@dataclass(frozen=True)
class Available:
    """One number in stock; `rate_center` is None for toll-free numbers."""

    number: str
    rate_center: RateCenter | None

    @property
    def area_code(self) -> str:
        return self.number[2:5]

    @property
    def toll_free(self) -> bool:
        return self.rate_center is None

    @property
    def price(self) -> str:
        return TOLL_FREE_PRICE if self.toll_free else LOCAL_PRICE


_TABLE = (
    ("NC", "Raleigh", "RALEIGH", "426", ("919", "984"), ("27601", "27603", "27605", "27607")),
    ("NC", "Cary", "CARY", "426", ("919", "984"), ("27511", "27513", "27518")),
    ("NC", "Durham", "DURHAM", "426", ("919", "984"), ("27701", "27705", "27707")),
    ("NC", "Wilmington", "WILMINGTON", "424", ("910",), ("28401", "28403", "28405")),
    ("NC", "Charlotte", "CHARLOTTE", "422", ("704", "980"), ("28202", "28203", "28205")),
    ("SC", "Columbia", "COLUMBIA", "434", ("803", "839"), ("29201", "29205")),
    ("VA", "Richmond", "RICHMOND", "248", ("804",), ("23219", "23220")),
    ("GA", "Atlanta", "ATLANTA", "438", ("404", "470", "678"), ("30303", "30308", "30309")),
    ("FL", "Miami", "MIAMI", "460", ("305", "786"), ("33130", "33131")),
    ("FL", "Orlando", "ORLANDO", "458", ("407", "689"), ("32801", "32803")),
    ("TN", "Nashville", "NSVL", "468", ("615", "629"), ("37201", "37203")),
    ("NY", "New York", "NWYRCYZN01", "132", ("212", "646", "332"), ("10001", "10003", "10011")),
    ("NY", "Brooklyn", "NWYRCYZN03", "132", ("718", "347", "929"), ("11201", "11215")),
    ("NY", "Buffalo", "BUFFALO", "140", ("716",), ("14202", "14203")),
    ("MA", "Boston", "BOSTON", "128", ("617", "857"), ("02108", "02110")),
    ("PA", "Philadelphia", "PHLA", "228", ("215", "267"), ("19102", "19103")),
    ("DC", "Washington", "WASHINGTON", "236", ("202", "771"), ("20001", "20005")),
    ("IL", "Chicago", "CHICAGO", "358", ("312", "872"), ("60601", "60602", "60603")),
    ("OH", "Columbus", "COLUMBUS", "324", ("614", "380"), ("43215",)),
    ("MN", "Minneapolis", "MPLS", "628", ("612",), ("55401", "55402")),
    ("MO", "St. Louis", "ST LOUIS", "520", ("314",), ("63101", "63102")),
    ("TX", "Austin", "AUSTIN", "558", ("512", "737"), ("78701", "78702", "78704")),
    ("TX", "Dallas", "DALLAS", "552", ("214", "469", "972"), ("75201", "75202")),
    ("TX", "Houston", "HOUSTON", "560", ("713", "281", "832"), ("77002", "77003")),
    ("CO", "Denver", "DENVER", "656", ("303", "720"), ("80202", "80203")),
    ("AZ", "Phoenix", "PHOENIX", "666", ("602", "480"), ("85003", "85004")),
    ("UT", "Salt Lake City", "SALT LAKE", "660", ("801", "385"), ("84101", "84111")),
    ("NV", "Las Vegas", "LAS VEGAS", "721", ("702", "725"), ("89101", "89109")),
    ("CA", "San Francisco", "SNFC CNTRL", "722", ("415", "628"), ("94102", "94103", "94110")),
    ("CA", "Los Angeles", "LOS ANGELES", "730", ("213", "323"), ("90012", "90013", "90017")),
    ("CA", "San Diego", "SNDG DA 01", "732", ("619", "858"), ("92101", "92103")),
    ("CA", "Sacramento", "SACRAMENTO", "726", ("916", "279"), ("95814", "95816")),
    ("OR", "Portland", "PORTLAND", "672", ("503", "971"), ("97201", "97204")),
    ("WA", "Seattle", "SEATTLE", "674", ("206",), ("98101", "98104")),
)


@cache
def rate_centers() -> tuple[RateCenter, ...]:
    return tuple(RateCenter(*row) for row in _TABLE)


def national(number: str) -> str:
    """`+19195551212` -> `(919) 555-1212`."""
    digits = number.removeprefix("+1")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def _exchanges(area_code: str, count: int) -> list[str]:
    """Valid, distinct exchanges (NXX: no N11, no 555, no 950/958/959/976) for an area code."""
    pool = [
        f"{n}" for n in range(200, 1000) if n % 100 != 11 and n not in (555, 950, 958, 959, 976)
    ]
    random.Random(f"exchanges:{area_code}").shuffle(pool)
    return pool[:count]


def _lines(area_code: str, exchange: str) -> list[str]:
    picks = random.Random(f"lines:{area_code}{exchange}").sample(range(10000), LINES_PER_EXCHANGE)
    return [f"{line:04d}" for line in sorted(picks)]


@cache
def local_numbers() -> tuple[Available, ...]:
    """Every local number in stock, ordered by number."""
    users: dict[str, list[RateCenter]] = {}
    for center in rate_centers():
        for code in center.area_codes:
            users.setdefault(code, []).append(center)
    stock: list[Available] = []
    for code, centers in users.items():
        exchanges = _exchanges(code, EXCHANGES_PER_PAIR * len(centers))
        for index, center in enumerate(centers):
            mine = exchanges[index * EXCHANGES_PER_PAIR : (index + 1) * EXCHANGES_PER_PAIR]
            for exchange in mine:
                stock += [
                    Available(f"+1{code}{exchange}{line}", center)
                    for line in _lines(code, exchange)
                ]
    return tuple(sorted(stock, key=lambda entry: entry.number))


@cache
def toll_free_numbers() -> tuple[Available, ...]:
    stock = [
        Available(f"+1{code}{exchange}{line}", None)
        for code in TOLL_FREE_CODES
        for exchange in _exchanges(code, 6)
        for line in _lines(code, exchange)
    ]
    return tuple(sorted(stock, key=lambda entry: entry.number))


@cache
def _index() -> dict[str, Available]:
    return {entry.number: entry for entry in (*local_numbers(), *toll_free_numbers())}


def find(number: str) -> Available | None:
    """The stock entry for an E.164 number, if the inventory has it."""
    return _index().get(number)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A search pattern as a regex over the 10-digit national number.

    `?` is one digit, `*` zero or more digits, letters are keypad digits (each
    letter captured so `pattern_match` can put it back); other characters
    (`-`, spaces, parentheses) are ignored.
    """
    parts: list[str] = []
    for char in pattern.upper().removeprefix("+1"):
        if char.isdigit():
            parts.append(char)
        elif char == "?":
            parts.append(r"\d")
        elif char == "*":
            parts.append(r"\d*")
        elif char in KEYPAD:
            parts.append(f"({KEYPAD[char]})")
    return re.compile("^" + "".join(parts) + "$")


def pattern_match(number: str, pattern: re.Pattern[str] | None, source: str | None) -> str:
    """The national form with the digits a pattern's letters matched shown as those letters."""
    digits = list(number.removeprefix("+1"))
    if pattern is not None and source:
        found = pattern.match("".join(digits))
        letters = [c for c in source.upper() if c in KEYPAD]
        if found:
            for group, letter in enumerate(letters, start=1):
                start = found.start(group)
                if start >= 0:
                    digits[start] = letter
    text = "".join(digits)
    return f"({text[:3]}) {text[3:6]}-{text[6:]}"
