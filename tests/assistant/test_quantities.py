"""Numbers with kind and unit from everyday Chinese (assistant.quantities)."""

import time

import pytest

from assistant.quantities import (
    MAX_TURN_CHARS,
    extract_quantities,
    format_yuan,
    normalize_text,
)


def one(text):
    found = extract_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value", [
    ("200万元", 2_000_000),
    ("1.5亿", 150_000_000),
    ("1.5亿元", 150_000_000),
    ("3,000元", 3000),
    ("五百万", 5_000_000),
    ("一千五百万", 15_000_000),
    ("1千万", 10_000_000),
    ("3.5亿", 350_000_000),
    ("5千元", 5000),
    ("两百万元", 2_000_000),
    ("一点五亿", 150_000_000),
    ("３，０００元", 3000),
    ("３．５亿元", 350_000_000),
    ("28.8万元", 288_000),
    ("50块钱", 50),
    ("0元", 0),
    ("零元", 0),
])
def test_money_is_int_yuan(text, value):
    q = one(text)
    assert q.kind == "money"
    assert q.value == value
    assert isinstance(q.value, int)
    assert q.raw == text


@pytest.mark.parametrize("text, value", [
    ("800平米", 800.0), ("八百平方米", 800.0), ("500㎡", 500.0), ("500 m²", 500.0),
    ("500m2", 500.0), ("600平", 600.0), ("2万平方米", 20000.0), ("０８００平方米", 800.0),
    ("-500平米", -500.0), ("负五百平米", -500.0),
])
def test_area_in_square_metres(text, value):
    q = one(text)
    assert (q.kind, q.value) == ("area", value)


@pytest.mark.parametrize("text, kind, value", [
    ("30%", "percent", 30.0),
    ("３０％", "percent", 30.0),
    ("百分之二十", "percent", 20.0),
    ("增长-5%", "percent", -5.0),
    ("3年", "years", 3),
    ("三年", "years", 3),
    ("两年", "years", 2),
    ("连续3年", "years", 3),
    ("2023年", "year", 2023),
    ("二〇二三年", "year", 2023),
    ("12个月", "months", 12),
    ("5个以上应用案例", "count", 5),
    ("两家企业", "count", 2),
    ("3项", "count", 3),
    ("30元/平方米/月", "rate_per_m2_month", 30.0),
    ("15元每平米每月", "rate_per_m2_month", 15.0),
    ("800", "number", 800),
    ("两百", "number", 200),
    ("负500", "number", -500),
])
def test_kinds(text, kind, value):
    q = one(text)
    assert (q.kind, q.value) == (kind, value)


def test_year_range_gives_both_years():
    found = extract_quantities("行动方案（2023-2024年）")
    assert [(q.kind, q.value) for q in found] == [("year", 2023), ("year", 2024)]


def test_money_range_shares_the_multiplier():
    found = extract_quantities("大约10-20万元")
    assert [(q.kind, q.value) for q in found] == [("money", 100_000), ("money", 200_000)]


def test_article_references_are_not_counts():
    found = extract_quantities("第（十一）条和第11条，见（二）")
    assert [(q.kind, q.value) for q in found] == [("article", 11), ("article", 11), ("article", 2)]


def test_grammar_words_are_not_numbers():
    assert extract_quantities("一次性给予一批企业一定比例，一家企业一事一议") == []


def test_spans_point_into_the_original_text():
    text = "我们租了８００平米，每月房租５万元"
    for q in extract_quantities(text):
        assert text[q.span[0]:q.span[1]] == q.raw
    assert [q.value for q in extract_quantities(text)] == [800.0, 50_000]


def test_sentence_of_the_policy():
    text = "按不超过其实际租金支出，给予30元/平方米/月的租金补贴，连续补贴3年，每家企业每年最高资助360万元。"
    kinds = [(q.kind, q.value) for q in extract_quantities(text)]
    assert kinds == [("rate_per_m2_month", 30.0), ("years", 3), ("money", 3_600_000)]


def test_astronomically_large_money_is_read_not_crashed():
    q = one("999999999999999999999亿元")
    assert q.kind == "money" and q.value == 999999999999999999999 * 10**8


def test_digit_junk_longer_than_any_number_is_skipped():
    assert extract_quantities("9" * 100 + "元") == []


@pytest.mark.parametrize("junk", [
    "", None, b"\xff\xfe200\xe4\xb8\x87", "😀" * 1000, "\x00\x07\u200b\ud800", 12345,
    "第（", "百分之", "负", "元元元", "-", "１，", "一点", "亿亿亿", "十十", ".5.5.5",
])
def test_never_crashes(junk):
    assert isinstance(extract_quantities(junk), list)
    assert isinstance(normalize_text(junk).text, str)


def test_long_input_is_linear():
    text = ("我们租了800平米，每月房租5万元，一年两年三年😀" * 5000)[:100_000]
    start = time.perf_counter()
    found = extract_quantities(text)
    assert time.perf_counter() - start < 3.0
    assert len(found) > 10_000


@pytest.mark.parametrize("n, text", [
    (288_000, "28.8万元"), (2_000_000, "200万元"), (150_000_000, "1.5亿元"), (12_345, "12345元"),
    (0, "0元"), (10_000, "1万元"), (125_000_000, "1.25亿元"), (123_450_000, "12345万元"),
    (5_500, "5500元"), (-288_000, "-28.8万元"), (3_600_000, "360万元"),
])
def test_format_yuan(n, text):
    assert format_yuan(n) == text


@pytest.mark.parametrize("n", [288_000, 12_345, 150_000_000, 123_456_789, 1, 99_990_000])
def test_format_yuan_reads_back(n):
    assert one(format_yuan(n)).value == n


def test_normalize_text_folds_and_strips():
    out = normalize_text("  ｒｅｎｔ１２３\x00\x07 你好\u200b  世界\t！（十一）３０％ ")
    assert out.text == "rent123 你好 世界 ！（十一）30%"
    assert out.truncated is False


def test_normalize_text_keeps_pasted_lines_apart_and_reads_the_yuan_sign():
    out = normalize_text("科技计划项目：省级\n资助金额：¥1,800,000\r\n问：区配套资助")
    assert out.text == "科技计划项目：省级；资助金额：1,800,000元；问：区配套资助"


def test_normalize_text_caps_length():
    out = normalize_text("啊" * (MAX_TURN_CHARS + 10))
    assert out.truncated is True
    assert len(out.text) == MAX_TURN_CHARS
    text, truncated = normalize_text("短")
    assert (text, truncated) == ("短", False)


@pytest.mark.parametrize("text, kind, value, approx", [
    ("1个亿", "money", 100_000_000, False),
    ("3个亿", "money", 300_000_000, False),
    ("两个亿", "money", 200_000_000, False),
    ("1.5个亿元", "money", 150_000_000, False),
    ("50个w", "money", 500_000, False),
    ("二十个W", "money", 200_000, False),
    ("一个多w", "money", 10_000, True),
    ("2万5千平方米", "area", 25_000.0, False),
    ("2万5平米", "area", 25_000.0, False),
    ("两万五平米", "area", 25_000.0, False),
    ("3万5", "money", 35_000, False),
    ("12万5千元", "money", 125_000, False),
    ("1亿5", "money", 150_000_000, False),
    ("1亿5千万", "money", 150_000_000, False),
    # "多": the round number, a lower bound
    ("一个多亿", "money", 100_000_000, True),
    ("八百多平", "area", 800.0, True),
    ("100多万", "money", 1_000_000, True),
    ("一百多万元", "money", 1_000_000, True),
    ("十多个", "count", 10, True),
])
def test_colloquial_amounts(text, kind, value, approx):
    q = one(text)
    assert (q.kind, q.value, q.raw, q.approx) == (kind, value, text, approx)


@pytest.mark.parametrize("text, expected", [
    ("5000万5年", [("money", 50_000_000), ("years", 5)]),  # a digit after 万 with a unit of its own
    ("2万5个", [("money", 20_000), ("count", 5)]),
    ("3个多月", [("count", 3)]),
    ("5000万多少", [("money", 50_000_000)]),  # 多少 asks, it is not "more than"
    ("3个", [("count", 3)]),
])
def test_colloquial_tails_leave_other_readings_alone(text, expected):
    assert [(q.kind, q.value) for q in extract_quantities(text)] == expected
    assert not any(q.approx for q in extract_quantities(text))


@pytest.mark.parametrize("text, value", [("下降了3%", 3.0), ("负增长2%", 2.0), ("增长了-3%", -3.0), ("负3%", -3.0)])
def test_a_minus_sign_belongs_to_the_number_a_fall_word_does_not(text, value):
    # The sign of "下降了3%" is the fact reader's business (assistant.facts), not the number's.
    q = one(text)
    assert (q.kind, q.value) == ("percent", value)


@pytest.mark.parametrize("text, kind, value, unit", [
    ("30w", "money", 300_000, "万"),
    ("350W", "money", 3_500_000, "万"),
    ("1.5w元", "money", 15_000, "万元"),
    ("100多w", "money", 1_000_000, "万"),
    ("5k元", "money", 5000, "千元"),
    ("5K", "money", 5000, "千"),  # like 30w: a bare k after a digit is thousands of yuan
    ("80k", "money", 80_000, "千"),
    ("3w平", "area", 30_000.0, "万平"),
])
def test_latin_shorthand_multipliers(text, kind, value, unit):
    q = one(text)
    assert (q.kind, q.value, q.unit, q.raw) == (kind, value, unit, text)


@pytest.mark.parametrize("text, expected", [
    ("实际一年租金只交了30w", [("years", 1), ("money", 300_000)]),
    ("贷款利息 3w", [("money", 30_000)]),
    ("用AI和GPU做web和wifi", []),
    ("3wifi", [("number", 3)]),  # a letter after w/k: a word, not a multiplier
    ("5kg", [("number", 5)]),
    ("A100w", []),  # a digit run glued to a letter before it is a model name
])
def test_latin_shorthand_only_right_after_a_number(text, expected):
    assert [(q.kind, q.value) for q in extract_quantities(text)] == expected


def test_chinese_numerals_are_read_by_the_one_reader(monkeypatch):
    from assistant import quantities
    from knowledge import numerals

    seen = []

    def spy(text, by_digit=False):
        seen.append(text)
        return numerals.read_numeral(text, by_digit)

    monkeypatch.setattr(quantities, "read_numeral", spy)
    assert [q.value for q in extract_quantities("三千五百万元，一点五亿，二〇二三年")] == [35_000_000, 150_000_000, 2023]
    assert seen[:2] == ["三千五百万", "一点五亿"] and "二〇二三" in seen
    assert [quantities.number_word(w) for w in ("三", "十一", "两", "二十")] == [3, 11, 2, 20]
