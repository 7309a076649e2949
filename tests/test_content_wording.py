"""The content dictionary (validated with file:line), the one-pass matcher and the wording judgement:
renamed institutions only after the change and not in historical sentences, typos always, a leader
next to a title that is not his, exceptions and the whitelist."""
from datetime import date

import pytest

from checks.dictionary import Dictionary, DictionaryError, Entry, Leader, load_dictionary, load_leaders
from checks.matcher import Matcher, matcher_for
from checks.wording import judge

AFTER, BEFORE = date(2023, 5, 1), date(2017, 5, 1)


@pytest.fixture(scope="module")
def shipped():
    return load_dictionary("content")


def kinds(text, published, matcher):
    return [(h.kind, h.phrase) for h in judge(text, published, matcher)]


def test_the_shipped_dictionary_loads(shipped):
    assert any(e.kind == "renamed" and "国土资源局" in e.words for e in shipped.entries)
    assert any(e.kind == "typo" for e in shipped.entries) and "百家乐" in shipped.spam_words
    assert shipped.government("www.qingxi.gov.cn") and not shipped.government("bet.example")


def test_renamed_only_after_the_change_and_not_historical(shipped):
    m = matcher_for(shipped)
    assert kinds("县国土资源局开展耕地保护专项检查。", AFTER, m) == [("renamed", "国土资源局")]
    assert kinds("县国土资源局开展耕地保护专项检查。", BEFORE, m) == []       # published before
    assert kinds("县国土资源局开展耕地保护专项检查。", None, m) == []         # date unknown: not judged
    for historical in ("原县国土资源局办公楼改作档案馆。", "2016年，县国土资源局完成确权登记。",
                       "根据《国土资源部关于加强耕地保护的通知》执行。", "县国土资源局更名为县自然资源局。",
                       "县国土资源局于2019年3月撤销。"):
        assert kinds(historical, AFTER, m) == [], historical


def test_the_longest_name_wins_and_exceptions_hold(shipped):
    m = matcher_for(shipped)
    assert kinds("国家工商行政管理总局发布通知。", AFTER, m) == [("renamed", "国家工商行政管理总局")]
    assert kinds("市生态环境保护局召开会议。", AFTER, m) == []


def test_typos_are_found_whenever_published(shipped):
    m = matcher_for(shipped)
    got = judge("深入学习贯彻习近平新时代中国特色社会注意思想。", BEFORE, m)
    assert [(h.kind, h.right) for h in got] == [("typo", "习近平新时代中国特色社会主义思想")]
    assert got[0].start == 6 and got[0].line == 1 and "社会注意思想" in got[0].excerpt


def test_a_leader_next_to_a_wrong_title(shipped):
    leaders = (Leader("周明辉", ("县委副书记", "县长")), Leader("王春燕", ("副县长",), since=date(2024, 1, 1)))
    m = matcher_for(shipped, leaders)
    assert kinds("县委副书记、县长周明辉主持会议。", AFTER, m) == []
    assert kinds("副县长周明辉出席。", AFTER, m) == [("leader", "副县长周明辉")]
    assert kinds("周明辉副县长出席。", AFTER, m) == [("leader", "周明辉副县长")]
    assert kinds("县长王春燕出席。", date(2024, 6, 1), m) == [("leader", "县长王春燕")]
    assert kinds("县长王春燕出席。", date(2023, 6, 1), m) == []                    # before she took office
    assert kinds("副书记周明辉出席。", AFTER, m) == []                            # 县委副书记, shortened
    assert kinds("书记周明辉出席。", AFTER, m) == [("leader", "书记周明辉")]      # 书记 is not 副书记


def test_one_pass_finds_every_word_with_positions():
    d = Dictionary("t", entries=[Entry("typo", ("中国共产觉",), "中国共产党", None, ""),
                                 Entry("typo", ("产觉",), "x", None, "")])
    got = Matcher(d).scan("坚持中国共产觉的领导")
    assert sorted((g.start, g.word) for g in got) == [(2, "中国共产觉"), (5, "产觉")]


def test_whitelist_matches_every_key_it_names(tmp_path):
    path = tmp_path / "local.yaml"
    path.write_text("extends: content\nwhitelist:\n  - {phrase: 国土资源局, url: \"*/lsyg/*\", reason: 历史沿革栏目}\n"
                    "  - {host: \"*.people.com.cn\", code: HIDDEN_LINK, reason: 友情链接下拉菜单}\n", encoding="utf-8")
    d = load_dictionary(str(path))
    assert len(d.entries) == len(load_dictionary("content").entries)       # extends keeps the base
    assert d.whitelisted("CONTENT_WORDING", url="http://x.gov.cn/lsyg/1.html", phrase="国土资源局")
    assert not d.whitelisted("CONTENT_WORDING", url="http://x.gov.cn/zwyw/1.html", phrase="国土资源局")
    assert d.whitelisted("HIDDEN_LINK", host="www.people.com.cn", url="http://www.people.com.cn/")
    assert not d.whitelisted("PRIVACY_LEAK", host="www.people.com.cn", url="http://www.people.com.cn/")


@pytest.mark.parametrize(("text", "line", "says"), [
    ("renamed:\n  - {old: [国土局], new: 自然资源局}\n", 2, "缺少 since"),
    ("renamed:\n  - {old: [国土局], new: 自然资源局, since: 2019-13-01}\n", 2, "无效日期"),
    ("typos:\n  - {wrong: 错, right: 对}\n", 2, "至少2个字"),
    ("whitelist:\n  - {phrase: 国土资源局}\n", 2, "reason"),
    ("whitelist:\n  - {url: \"*\", code: STALE, reason: x}\n", 2, "code"),
    ("spam_words: 博彩\n", 1, "文字列表"),
    ("unknown: 1\n", 1, "未知字段"),
    ("renamed:\n  - {old: [环保局], new: 生态环境局, since: 2019-03-31, except: [市容局]}\n", 2, "例外"),
])
def test_dictionary_errors_name_file_and_line(tmp_path, text, line, says):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError) as err:
        load_dictionary(str(path))
    assert f"{path}:{line}:" in str(err.value) and says in str(err.value)


def test_leaders_file(tmp_path):
    good = tmp_path / "leaders.yaml"
    good.write_text("leaders:\n  - {name: 周明辉, title: [县委副书记, 县长]}\n  - {name: 王春燕, title: 副县长, "
                    "since: 2024-01-01}\n", encoding="utf-8")
    assert load_leaders(good)[1] == Leader("王春燕", ("副县长",), date(2024, 1, 1))
    bad = tmp_path / "bad.yaml"
    bad.write_text("leaders:\n  - {name: 周明辉, title: 县长}\n  - {name: Zhou, title: 县长}\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=rf"{bad}:3: 字段 leaders.1.name"):
        load_leaders(bad)
