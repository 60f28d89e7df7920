"""Parser: the Guangming measures and a second policy of the same shape."""

from __future__ import annotations

import pytest

from knowledge.errors import ArticleNotFound, PolicyFormatError, SentenceNotFound
from knowledge.policy import (
    DEFAULT_POLICY_PATH,
    clean_text,
    load_policy,
    parse_policy,
    split_sentences,
)

TITLES = {
    1: "支持关键核心技术攻关", 2: "强化智能算力平台建设", 3: "支持模型创新应用",
    4: "推动数据要素流通", 5: "打造人工智能示范场景", 6: "大力引进龙头企业",
    7: "积极引进高成长性企业", 8: "打造专业孵化器", 9: "布局建设鸿蒙特色产业基地",
    10: "支持打造特色产业园区", 11: "加强企业产业用房支持", 12: "支持企业做大做强",
    13: "促进企业做优做精", 14: "鼓励企业上市发展", 15: "支持企业融资发展",
    16: "支持创新人才发展", 17: "支持举办重大产业活动", 18: "支持范围",
    19: "支持原则", 20: "实施效力与解释",
}
CHAPTERS = (
    "一、构建人工智能产业生态", "二、加快壮大产业集群", "三、拓展产业发展空间",
    "四、促进企业发展壮大", "五、优化产业发展环境", "六、附则",
)



@pytest.fixture(scope="module")
def policy():
    return load_policy()


def test_header_and_counts(policy):
    assert policy.title == "光明区关于推动人工智能和软件信息产业高质量发展的若干措施"
    assert policy.status == "征求意见稿"
    assert sorted(policy.articles) == list(range(1, 21))
    assert tuple(c.heading for c in policy.chapters) == CHAPTERS
    assert [c.number for c in policy.chapters] == [1, 2, 3, 4, 5, 6]
    assert policy.chapters[2].articles == (9, 10, 11)
    assert policy.max_article == 20


def test_titles_chapters_and_labels(policy):
    assert {n: a.title for n, a in policy.articles.items()} == TITLES
    eleven = policy.article(11)
    assert eleven.chapter == "三、拓展产业发展空间"
    assert eleven.label == "第（十一）条"
    assert eleven.text.startswith("（十一）加强企业产业用房支持。对新入驻")
    assert policy.article(20).chapter == "六、附则"


def test_preamble_is_article_zero(policy):
    preamble = policy.article(0)
    assert preamble.label == "序言" and preamble.title == "" and preamble.chapter == ""
    assert preamble.text.startswith("为深入贯彻落实")
    assert preamble.sentences[0].id == "0.1"


def test_text_is_verbatim_without_artifacts(policy):
    raw = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    for article in policy.all_articles(include_preamble=True):
        assert "[bookmark" not in article.text and "_GoBack" not in article.text
        assert article.text in raw
        for sentence in article.sentences:
            assert sentence.text in article.text
    assert "本措施自****年*月*日起施行" in policy.article(20).text


def test_sentences_have_stable_ids(policy):
    again = load_policy()
    ids = [s.id for a in policy.all_articles() for s in a.sentences]
    assert ids == [s.id for a in again.all_articles() for s in a.sentences]
    assert policy.text_hash == again.text_hash
    rent = policy.article(11).sentences
    assert [s.id for s in rent] == ["11.1", "11.2"]
    assert rent[0].text.startswith("对新入驻区主管部门认定的") and rent[0].text.endswith("360万元。")
    assert policy.sentence("2.2").text.endswith("给予最高1000万元资助；")
    assert policy.sentence("2.3").text.startswith("对经区政府认定的重点项目")


def test_body_excludes_title_sentence(policy):
    for article in policy.all_articles():
        assert article.text.startswith(f"（{article.label[2:-2]}）{article.title}。")
        assert not article.sentences[0].text.startswith(article.title)


def test_unknown_article_and_sentence(policy):
    with pytest.raises(ArticleNotFound) as info:
        policy.article(21)
    assert "共20条" in str(info.value) and "21" in str(info.value)
    for sid in ("11.9", "21.1", "abc", "11"):
        with pytest.raises(SentenceNotFound):
            policy.sentence(sid)


def test_second_policy_of_the_same_shape(small_policy):
    other = small_policy
    assert other.title == "示例市关于支持绿色能源产业发展的办法"
    assert other.status == "试行"
    assert [c.heading for c in other.chapters] == ["一、总体要求", "二、支持措施"]
    assert other.max_article == 3
    first = other.article(1)
    assert first.title == "明确适用对象" and "[bookmark" not in first.text
    assert [s.text for s in first.sentences] == ["本办法适用于在本市注册的“绿色能源”企业；", "不含分支机构。"]
    second = other.article(2)
    assert [s.id for s in second.sentences] == ["2.1", "2.2"]  # the further paragraph belongs to it
    assert second.sentences[1].text == "具体管理办法另行制定。"
    assert other.article(3).chapter == "二、支持措施"
    assert other.article(3).sentences[0].text.endswith("最高50万元！")


def test_malformed_policies_are_rejected():
    with pytest.raises(PolicyFormatError):
        parse_policy("标题\n（征求意见稿）\n只有序言。")
    with pytest.raises(PolicyFormatError):
        parse_policy("标题\n一、总则\n（一）甲。正文。\n（三）丙。正文。")


def test_clean_text_and_split():
    assert clean_text("a[bookmark: _GoBack]b\r\n\u3000\u3000c ") == "ab\nc"
    assert split_sentences("他说“好。走！”然后离开。再见") == ["他说“好。走！”然后离开。", "再见"]
