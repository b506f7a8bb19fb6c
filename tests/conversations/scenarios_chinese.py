"""Chinese customers, as they write."""

from __future__ import annotations

from tests.conversations.scenarios_en import (
    ANNA,
    ANNA_DHL,
    ANNA_POSTCODE,
    BEN,
    BEN_POSTCODE,
)
from tests.conversations.support import (
    Scenario,
    handed_off,
    order_is,
    phone_is,
    ticket_with,
)

ZH_ASK_CONTACT = "确认您的身份"
ZH_ASK_FACT = "邮编"

CHINESE = [
    Scenario(
        "zh: '五星' answers the rating question",
        "chinese",
        [
            ("你好", ["Kefu"]),
            ("配送要多久？", ["工作日"]),
            ("再见", ["评分"]),
            ("五星", ["想告诉我们"]),
        ],
    ),
    Scenario(
        "zh: 'the second one' after the list of orders",
        "chinese",
        [
            ("我最近买了什么", [ZH_ASK_CONTACT]),
            ("C10001", [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500001", "KF-500002", "KF-500003"]),
            ("第二个到哪了", [ANNA_DHL]),
        ],
    ),
    Scenario(
        "zh: progress of an earlier ticket is no new ticket",
        "chinese",
        [
            ("我之前提交的工单有进展吗", [ZH_ASK_CONTACT, "!创建工单"]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["T-10001", "!哪一类"]),
        ],
    ),
    Scenario(
        "zh: identified in one message that also asks for an order",
        "chinese",
        [("我是C10001，邮编10115，帮我看看KF-500002", ["身份已确认", "KF-500002", ANNA_DHL])],
    ),
    Scenario(
        "zh: where is my order, answered in Chinese",
        "chinese",
        [
            ("你好，我的订单 KF-500002 到哪里了？", [ZH_ASK_CONTACT]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", ANNA_DHL, "已发货"]),
        ],
    ),
    Scenario(
        "zh: order number glued to Chinese characters",
        "chinese",
        [
            ("订单KF-500007到哪了", [ZH_ASK_CONTACT]),
            ("C10003", [ZH_ASK_FACT]),
            ("80331", ["KF-500007", "1Z999AA10123456784"]),
        ],
    ),
    Scenario("zh: greeting", "chinese", [("你好", ["您好", "Kefu"])]),
    Scenario(
        "zh: cancel an order",
        "chinese",
        [
            ("请取消订单 {order}", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["要取消订单 {order}", "吗？"]),
            ("是的", ["已取消"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario("zh: complaint", "chinese", [("服务太差了，浪费时间", ["抱歉", "工单"])]),
    Scenario("zh: a person", "chinese", [("转人工", ["同事"])], check=handed_off()),
    Scenario("zh: returns FAQ", "chinese", [("退货期限是多久？", ["30天"])]),
    Scenario("zh: bot challenge", "chinese", [("你是机器人吗？", ["机器人"])]),
    Scenario("zh: what can you do", "chinese", [("你能做什么？", ["我可以帮您"])]),
    Scenario(
        "zh: a late return is refused",
        "chinese",
        [
            ("我想退掉订单 KF-500004 ，东西坏了", [ZH_ASK_CONTACT]),
            (BEN, [ZH_ASK_FACT]),
            (BEN_POSTCODE, ["KF-500004"]),
        ],
    ),
    Scenario("zh: thanks", "chinese", [("谢谢", ["不客气"])]),
    Scenario(
        # A Chinese mobile number as Chinese customers write it, by a customer living in
        # Germany: not a German number, so it is read in the language's region.
        "zh: a new phone number, a Chinese mobile without the country code",
        "chinese",
        [
            ("我想改电话号码", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["身份已确认", "新电话号码"]),
            ("13800138000", ["您的电话号码已改为 +86 ••• 000", "!国家区号"]),
        ],
        needs="cancellable",
        check=phone_is("+8613800138000"),
    ),
    Scenario(
        "zh: the return reason in the request is kept",
        "chinese",
        [
            ("{order}我想退货，尺码不对", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["身份已确认", "已为订单 {order} 登记退货申请", "!退货原因"]),
        ],
        needs="delivered",
        check=ticket_with("尺码不对", kind="return"),
    ),
    Scenario(
        "zh: 对 is no return reason",
        "chinese",
        [
            ("我想退货 {order}", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["退货原因"]),
            ("对", ["简单说一下原因", "退货原因", "!登记退货申请"]),
            ("颜色不一样", ["已为订单 {order} 登记退货申请"]),
        ],
        needs="delivered",
        check=ticket_with("颜色不一样", kind="return"),
    ),
    Scenario(
        "zh: a complaint about the courier becomes the ticket, only confirmed",
        "chinese",
        [
            ("快递员态度太差了，我要投诉", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["配送类工单", "快递员态度太差了", "要继续吗", "!属于哪一类"]),
            ("是的", ["已创建工单"]),
        ],
        needs="cancellable",  # a fresh customer; any order will do
        check=ticket_with("快递员", kind="problem"),
    ),
    Scenario(
        "zh: 是的 is no ticket category",
        "chinese",
        [
            ("我要投诉", [ZH_ASK_CONTACT]),
            (ANNA, [ZH_ASK_FACT]),
            (ANNA_POSTCODE, ["属于哪一类"]),
            ("是的", ["简单说一下是什么问题", "属于哪一类", "!描述您的问题"]),
        ],
    ),
]

# Found by the probes of stop 24.
CHANGES = [
    Scenario(
        "zh: '算了不取消了，帮我看看物流' at the cancel question keeps the order and shows it",
        "chinese",
        [
            ("取消订单{order}", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["要取消订单 {order}"]),
            ("算了不取消了，帮我看看物流", ["订单 {order}", "状态"]),
        ],
        needs="cancellable",
        check=order_is("paid"),
    ),
    Scenario(
        "zh: 'when does the money come' after a return is the returns policy, no second return",
        "chinese",
        [("我退货了，钱什么时候退给我", ["退款", "!身份"])],
    ),
]

CHANGES.append(
    Scenario(
        "zh: '收到的杯子碎了' is a product problem",
        "chinese",
        [
            ("收到的杯子碎了", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["商品类工单"]),
        ],
        needs="any",
    )
)

CHANGES.append(
    Scenario(
        "zh: '订单里能加一件吗' gets why not and what instead",
        "chinese",
        [("我的订单里能再加一件吗", ["无法再修改"])],
    )
)

CHANGES.append(
    Scenario(
        "zh: '我要开工单' opens a ticket",
        "chinese",
        [
            ("我要开工单", [ZH_ASK_CONTACT]),
            ("{email}", [ZH_ASK_FACT]),
            ("{postcode}", ["您的问题属于哪一类"]),
            ("付款", ["!信用卡"]),
            ("扣了两次钱", ["付款类工单"]),
        ],
        needs="any",
    )
)

CHANGES.append(
    Scenario(
        "zh: '好的' after the apology gets the question again, '第一个' opens the ticket",
        "chinese",
        [
            ("你们的服务太差了，等了两个星期还没收到货！！", ["抱歉"]),
            ("好的", ["创建工单", "人工客服"]),
            ("第一个", [ZH_ASK_CONTACT]),
        ],
    )
)

SCENARIOS = CHINESE + CHANGES
