"""Personal numbers: valid ID numbers, mobile numbers and bank cards are found and masked; the
look-alikes a government page is full of are not."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from crawler.content import personal

TODAY = date(2026, 11, 27)


def make_id(region: str, born: str, seq: str) -> str:
    first = region + born + seq
    return first + personal.id_check_digit(first)


def make_card(prefix: str, length: int) -> str:
    body = prefix + "3" * (length - len(prefix) - 1)
    return next(body + d for d in "0123456789" if personal.luhn(body + d))


def test_a_valid_id_number_is_found_and_masked_keeping_length():
    number = make_id("330127", "19850214", "123")
    text = f"拟补助对象：张某某，身份证号{number}，住址青溪镇。"
    masked, hits = personal.redact(text, TODAY)
    assert [h.kind for h in hits] == ["id_card"]
    assert len(masked) == len(text) and number not in masked
    assert hits[0].masked == number[:3] + "*" * 11 + number[-4:]
    assert masked[hits[0].start:hits[0].end] == hits[0].masked


def test_id_look_alikes_are_not_found():
    good = make_id("330127", "19850214", "123")
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    bad_date = make_id("330127", "19851332", "123")      # month 13
    future = make_id("330127", "20990101", "123")         # born after the check day
    region0 = make_id("030127", "19850214", "123")        # no region starts with 0
    masked_by_site = good[:3] + "*" * 11 + good[-4:]
    longer = "9" + good                                   # inside a longer number
    credit_code = "91330127MA2" + good[11:]               # 统一社会信用代码-like
    for look_alike in (bad_check, bad_date, future, region0, masked_by_site, longer, credit_code):
        assert personal.find(f"编号{look_alike}。", TODAY) == [], look_alike


def test_full_width_digits_are_read():
    number = make_id("110101", "19900307", "123")
    wide = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    hits = personal.find(f"身份证：{wide}", TODAY)
    assert [h.kind for h in hits] == ["id_card"] and "*" in hits[0].masked


def test_mobile_numbers_with_and_without_separators():
    text = "联系电话：13912345678；或 139-1234-5678；办公电话0571-6000000；已脱敏138****8000。"
    hits = personal.find(text, TODAY)
    assert [h.kind for h in hits] == ["mobile", "mobile"]
    assert hits[0].masked == "139****5678" and hits[1].masked == "139-****-5678"


def test_bank_cards_need_luhn_and_a_card_prefix_or_word():
    unionpay = make_card("6222", 19)
    visa = make_card("4", 16)
    text = f"收款银行卡号：{unionpay}；账号 {visa}；项目编号 {visa}。"
    hits = personal.find(text, TODAY)
    assert [h.kind for h in hits] == ["bank_card", "bank_card"]
    assert hits[0].masked == unionpay[:4] + "*" * 11 + unionpay[-4:]
    not_luhn = unionpay[:-1] + str((int(unionpay[-1]) + 1) % 10)
    assert personal.find(f"银行卡号：{not_luhn}", TODAY) == []


def test_an_id_number_is_not_also_a_card_or_a_phone():
    number = make_id("622301", "19800101", "001")   # 甘肃 IDs start with 62, as UnionPay cards do
    hits = personal.find(f"银行卡号 {number}", TODAY)
    assert [h.kind for h in hits] == ["id_card"]


@given(st.text(alphabet="0123456789 -*Xx号码身份证卡，。:：", max_size=80))
def test_masking_never_changes_length_or_leaves_a_found_number(text):
    masked, hits = personal.redact(text, TODAY)
    assert len(masked) == len(text)
    for h in hits:
        assert text[h.start:h.end] not in masked[h.start:h.end] or "*" not in h.masked
