"""Personal numbers in page text: 身份证号, mobile numbers and bank card numbers, found and masked.

Why validate rather than match digits: a government page is full of long numbers (索引号, 文号, 统一社会
信用代码, 项目编号, amounts), and a leak report that names a number that is not an ID number costs an
office a day. So an ID number must carry a valid ISO 7064 MOD 11-2 check digit, a plausible region
and a real birth date; a bank card number must pass Luhn and either start like a UnionPay card (62)
or stand next to a word that says it is a card or an account. Numbers a site already masked
(`410***********1234`, `138****8000`) contain no run of digits long enough and are never found.

Masking keeps the length of the text (each hidden digit becomes `*`), so every position found
before masking is still right after it, and a masked number reads the way offices mask them
(first 3 and last 4 digits of an ID or mobile number, first 4 and last 4 of a card).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

KINDS = {"id_card": "身份证号", "mobile": "手机号码", "bank_card": "银行卡号"}

# full-width digits and X read as ASCII (one character for one: positions do not move)
_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-8]\d{5})((?:18|19|20)\d{2})(\d{2})(\d{2})\d{3}[0-9Xx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9A-Za-z])")
CARD_RE = re.compile(r"(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])")
CARD_WORDS_RE = re.compile(r"(卡号|银行卡|借记卡|储蓄卡|社保卡|一卡通|账号|帐号|账户|帐户|开户|银行)")
CARD_WORDS_BEFORE = 24        # characters before a number searched for a card word
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class Hit:
    """One personal number: its kind, where it is in the text, and how it reads masked."""
    kind: str
    start: int
    end: int
    masked: str


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def valid_id(number: str, today: date | None = None) -> bool:
    """An 18-character 居民身份证号码 (GB 11643): region, a real birth date, the check digit."""
    number = number.translate(_WIDTH).upper()
    if len(number) != 18 or not number[:17].isdigit() or number[0] not in "12345678":
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    today = today or date.today()
    if born > today or today.year - born.year > MAX_AGE_YEARS:
        return False
    return id_check_digit(number[:17]) == number[17]


def luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask(raw: str, keep_head: int, keep_tail: int) -> str:
    """Digits between the first `keep_head` and the last `keep_tail` become `*`; separators stay."""
    positions = [i for i, c in enumerate(raw) if c.isalnum()]
    hidden = set(positions[keep_head:len(positions) - keep_tail])
    return "".join("*" if i in hidden else c for i, c in enumerate(raw))


def find(text: str, today: date | None = None) -> list[Hit]:
    """Every personal number in `text`, in order; a span is one kind (an ID number is not also read
    as a card or a mobile number)."""
    if not text:
        return []
    plain = text.translate(_WIDTH)
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in ID_RE.finditer(plain):
        if valid_id(m.group(0), today):
            hits.append(Hit("id_card", m.start(), m.end(), _mask(text[m.start():m.end()], 3, 4)))
            taken.append((m.start(), m.end()))
    for m in CARD_RE.finditer(plain):
        digits = re.sub(r"\D", "", m.group(0))
        if not 16 <= len(digits) <= 19 or not luhn(digits) or not free(m.start(), m.end()):
            continue
        near = plain[max(0, m.start() - CARD_WORDS_BEFORE):m.start()]
        if digits.startswith("62") or CARD_WORDS_RE.search(near):
            hits.append(Hit("bank_card", m.start(), m.end(), _mask(text[m.start():m.end()], 4, 4)))
            taken.append((m.start(), m.end()))
    for m in MOBILE_RE.finditer(plain):
        if free(m.start(), m.end()):
            hits.append(Hit("mobile", m.start(), m.end(), _mask(text[m.start():m.end()], 3, 4)))
            taken.append((m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits


def redact(text: str, today: date | None = None) -> tuple[str, list[Hit]]:
    """The text with every personal number masked (same length), and the numbers found."""
    hits = find(text, today)
    if not hits:
        return text, hits
    parts, at = [], 0
    for h in hits:
        parts += [text[at:h.start], h.masked]
        at = h.end
    parts.append(text[at:])
    return "".join(parts), hits
