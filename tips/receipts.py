"""Receipt codes: six words from the EFF long list (77.5 bits), easy to read out and type."""

import math
import re
import secrets
from functools import cache
from pathlib import Path

WORDLIST = Path(__file__).resolve().parent / "wordlist" / "eff_large_wordlist.txt"
WORDS_PER_CODE = 6


@cache
def words():
    return tuple(line.strip() for line in WORDLIST.read_text().splitlines() if line.strip())


def entropy_bits():
    return WORDS_PER_CODE * math.log2(len(words()))


def new_code():
    return " ".join(secrets.choice(words()) for _ in range(WORDS_PER_CODE))


def normalise(typed):
    """Fold what a source typed to the canonical form: lower case, single spaces."""
    return " ".join(re.split(r"[\s\-_.,]+", typed.strip().lower())).strip()
