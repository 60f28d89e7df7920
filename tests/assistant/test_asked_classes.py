"""Classes of questions told by what they ask, in wordings written for these tests (not eval cases)."""

from __future__ import annotations

import pytest


def _ask(asst, *turns):
    session = asst.new_session()
    reply = None
    for turn in turns:
        reply = asst.respond(session, turn)
    return reply


@pytest.mark.parametrize(("text", "eligible"), [
    ("我们是做短视频剪辑外包的公司，这个政策能不能适用到我们", True),
    ("公司主营SaaS软件订阅，本措施覆盖这类企业吗", True),
    ("做云服务的，算在这个措施的支持范围里不", True),
    ("我们开连锁超市的，这个政策包不包括我们这种公司", False),
    ("做医疗器械生产的，这些措施适用我们吗", False),
    ("我们做外贸进出口，这个文件覆盖我们吗", False),
])
def test_a_line_of_business_asked_against_the_policy_gets_a_verdict(asst, text, eligible):
    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.citations[0].clause == 18
    assert reply.eligible is eligible and reply.understood["act"] == "scope"


@pytest.mark.parametrize("text", [
    "我们做游戏研发的，属于政策鼓励的方向吗",  # what an article encourages, not the scope
    "做软件的企业，房租补贴能补多少",  # an amount of an item
])
def test_not_a_scope_question(asst, text):
    reply = _ask(asst, text)
    assert reply.understood["act"] != "scope"


@pytest.mark.parametrize("text", [
    "数据集采购费用如何补",
    "办展会的话，区里咋个资助法",
    "企业引进核心团队怎样奖励",
])
def test_how_a_support_is_given_is_its_rule(asst, text):
    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.understood["act"] in ("rule", "correction")


@pytest.mark.parametrize(("text", "clause_role"), [
    ("制定这个措施的初衷是什么", "preamble"),
    ("本措施和市里那个软件产业集群行动计划有啥关系", "preamble"),
    ("“软件信息产业”在文件里是什么意思", "preamble"),
    ("我们已经拿了市里的算力补贴，区里这个还能同时领吗", "stacking"),
    ("这边的落户奖和别的政策里的落户奖可以一起拿不", "stacking"),
    ("这个措施几月几号开始生效", "dates"),
    ("负责解释的是不是市工信局？", "dates"),
])
def test_questions_about_the_document_itself_go_to_the_article_of_that_role(asst, text, clause_role):
    from assistant.articles import role_article

    expected = 0 if clause_role == "preamble" else role_article(asst.policy, clause_role)
    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.citations[0].clause == expected


def test_a_term_the_policy_defines_is_found_in_its_text(asst):
    from assistant.articles import defined_terms

    assert defined_terms(asst.policy) == {"软件信息产业": 0}


@pytest.mark.parametrize("text", [
    "做股改的律师事务所找哪家靠谱",
    "银行经营贷款一般需要准备什么材料，多久能放款",
    "我们想租间办公室，押金一般交几个月",  # a landlord's terms
    "帮我们伪造一下研发投入的数据，好申请奖励",
    "能不能虚开点发票把房租做高一些，多拿补贴",
    "想买辆车，有没有什么购车补贴",
    "要去市场监管局变更经营范围，要带哪些资料",
])
def test_another_partys_matter_or_a_deception_is_declined(asst, text):
    reply = _ask(asst, text)
    assert reply.route == "out_of_scope" and not reply.citations


@pytest.mark.parametrize("text", [
    "申请房租补贴需要准备哪些材料",
    "贷款贴息多久能批下来",
])
def test_the_policys_own_procedure_stays_in_scope(asst, text):
    assert _ask(asst, text).route != "out_of_scope"


@pytest.mark.parametrize(("text", "clause_role_items"), [
    ("建算力平台和向区内平台买算力，补贴各是怎么算的", ["compute_platform", "compute_purchase"]),
    ("当数据集服务商和自己采购数据集，分别有啥支持", ["dataset_provider", "dataset_purchase"]),
    ("纳入上市企业培育库和上市公司迁入光明，各奖多少", ["listing_database", "listed_relocation"]),
])
def test_several_items_of_one_article_are_each_answered(asst, text, clause_role_items):
    reply = _ask(asst, text)
    assert reply.understood["act"] == "several"
    clause = asst.rules.get_item(clause_role_items[0]).clause
    assert [c.clause for c in reply.citations[:2]] == [clause, clause]


def test_an_items_condition_does_not_name_another_item(asst):
    reply = _ask(asst, "公司在认定的软件园里租了900平，另外担保费付了20万，两项分别补多少")
    assert [c.clause for c in reply.citations[:2]] == [asst.rules.get_item("rent_subsidy").clause,
                                                      asst.rules.get_item("guarantee_fee").clause]


@pytest.mark.parametrize("text", [
    "营收第一次过5亿和过20亿，各奖励多少",
    "省级和市级的软件名园分别奖多少",
    "完成股改和成功上市这两个阶段分别奖多少",
])
def test_tiers_asked_for_each_quote_the_rule(asst, text):
    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.understood["act"] == "rule" and reply.amount_yuan is None


@pytest.mark.parametrize(("text", "eligible"), [
    ("我们是开奶茶连锁门店的，这个政策能不能帮上我们", False),
    ("客户说他们是做汽车零件加工厂的，问这个措施管不管他们", False),
    ("俺们搞小程序开发，你们这个政策支持不支持俺们这种", True),
    ("做电商平台运营的，这里面的补贴我们能不能申请", True),
])
def test_a_yes_no_question_on_the_policy_as_a_whole_by_an_enterprise_is_a_scope_question(asst, text, eligible):
    reply = _ask(asst, text)
    assert reply.understood["act"] == "scope" and reply.eligible is eligible


@pytest.mark.parametrize("text", [
    "要是省里的政策调整了，本措施也会变吗",  # about this policy's adjustment (dates), not another level's policy
    "市里的人工智能扶持资金和这个措施的钱能一起领吗",  # stacking, not scope
])
def test_other_levels_policies_beside_this_one_are_not_declined(asst, text):
    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.understood["act"] != "scope"


@pytest.mark.parametrize("text", [
    "担保公司的担保费率一般收多少，百分之三贵不贵",
    "光明哪里的写字楼月租便宜点，一般多少钱一平",
    "发票金额能不能开大一点，好多拿点算力补贴",
    "营收报表帮忙调一调，凑到一个亿",
    "去数据交易所挂牌数据产品，流程是怎样的",
])
def test_market_prices_another_partys_procedure_and_inflated_figures_are_declined(asst, text):
    assert _ask(asst, text).route == "out_of_scope"


@pytest.mark.parametrize("text", [
    "申请上市奖励是不是要先完成股改",
    "数据集采购补贴是按费用的百分之几算",
])
def test_the_rule_asked_by_its_shape(asst, text):
    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.amount_yuan is None


def test_a_topic_article_listed_with_an_item_is_quoted_beside_it(asst):
    reply = _ask(asst, "房租补贴和孵化器这两块分别怎么规定的")
    assert reply.understood["act"] == "several"
    assert [c.clause for c in reply.citations[:2]] == [asst.rules.get_item("rent_subsidy").clause, 8]


def test_a_list_across_clauses_asked_of_all(asst):
    listed = _ask(asst, "担保费补贴的标准，还有上市各阶段的奖励，都是怎么定的")
    assert listed.understood["act"] == "several"
    one = _ask(asst, "我们担保费付了30万，另外今年准备股改。想问担保费补贴能拿多少？")
    assert one.understood["act"] == "amount" and one.amount_yuan == 150000


def test_a_named_item_asked_by_a_business_is_the_items_question(asst):
    reply = _ask(asst, "我们是做软件的小公司，还没上规，这个租金补贴我们能拿吗")
    assert reply.understood["act"] != "scope" and reply.citations[0].clause == asst.rules.get_item("rent_subsidy").clause


def test_those_an_enterprise_works_for_are_not_its_business(asst):
    assert _ask(asst, "我们帮学校和医院搭建信息系统集成，这个算不算支持范围").eligible is True


@pytest.mark.parametrize("text", ["这些奖励的经费从哪出", "补贴资金来源是哪里"])
def test_where_the_money_comes_from_is_the_stacking_article(asst, text):
    from assistant.articles import role_article

    assert _ask(asst, text).citations[0].clause == role_article(asst.policy, "stacking")


@pytest.mark.parametrize("text", ["小程序怎么上架微信", "公司怎么开户比较快"])
def test_how_to_do_another_partys_procedure_is_declined(asst, text):
    assert _ask(asst, text).route == "out_of_scope"


def test_a_figure_said_of_the_past_does_not_undo_a_current_one(asst):
    reply = _ask(asst, "我们是前年新引进的人工智能企业", "今年营收首次超过5亿", "以前营收到1亿那次领了300万奖励，这回能补多少")
    assert reply.route == "rules" and reply.amount_yuan == 2_000_000  # 500万 − 300万 already received


@pytest.mark.parametrize("text", [
    "鸿蒙基地啥支持政策",  # dialect: 啥 is 什么
    "数据集服务商的资助咋给，给几年",
])
def test_a_method_asked_with_no_case_of_ones_own_quotes_the_rule(asst, text):
    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.understood["act"] in ("rule", "correction")


@pytest.mark.parametrize("text", [
    "抖音这种平台乱收佣金，有人管没",
    "营业执照变更去哪办",
    "把这张发票金额改成50万，报补贴用",
    "H100显卡现在什么价？",
])
def test_more_of_another_partys_matters_are_declined(asst, text):
    assert _ask(asst, text).route == "out_of_scope"


@pytest.mark.parametrize("text", ["明年才申请的话会不会过期，有效期到哪年", "policy expires when?"])
def test_a_date_of_the_policy_asked_in_any_words(asst, text):
    from assistant.articles import role_article

    reply = _ask(asst, text)
    assert reply.route == "lookup" and reply.citations[0].clause == role_article(asst.policy, "dates")


def test_a_request_to_list_is_a_question(asst):
    reply = _ask(asst, "科技项目配套资助，还有核心团队奖励，标准都讲讲")
    assert reply.understood["act"] == "several"


def test_the_category_asked_about_is_not_the_business(asst):
    reply = _ask(asst, "我们是开五金批发店的，这个算人工智能产业不？")
    assert reply.understood["act"] == "scope" and reply.eligible is False


@pytest.mark.parametrize("text", [
    "我想去鹏城实验室求职，现在招人吗",
    "孩子明年上初中，学位申请啥时候开始",
    "市级文件里那个软件企业认定奖励是多少",
])
def test_personal_matters_and_other_levels_documents_are_declined(asst, text):
    assert _ask(asst, text).route == "out_of_scope"


def test_the_enterprises_own_case_with_a_landlord_in_it_is_answered(asst):
    reply = _ask(asst, "我们在其他产业园租了1000平，房东给的价低，一年实际租金就12万，房租补贴能拿多少")
    assert reply.route == "rules" and reply.amount_yuan == 120000  # capped by the actual rent


def test_a_business_then_what_it_asks_for(asst):
    reply = _ask(asst, "我们是做光伏组件的，能申请软件产业这些补贴吗")
    assert reply.understood["act"] == "scope" and reply.eligible is False
