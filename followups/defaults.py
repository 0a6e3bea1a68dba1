"""The seed's follow-up defaults (DESIGN.md "Follow-up cadence"): message templates, call
scripts and each tier's cadence. Migration 0002 creates them and the code reads the
names it needs from here; head office edits the rows afterwards. Plain data only (no
model imports), so the migration can import it.
"""

# The quarterly call's purpose, on the plan's day-120 step and on the calls a damped
# customer gets every quarter.
QUARTERLY_PURPOSE = "季度回访"

TEMPLATES = [
    (
        "points_balance",
        "积分余额（第2天）",
        "{name}您好，感谢您光临{store}选购{items}。您当前积分{points}分，累计消费{cumulative_spend}元。{gift_hint}",
    ),
    (
        "care_tips",
        "保养与搭配（第7天）",
        "{name}您好，{items}请注意：深色衣物单独冷水手洗，阴干勿暴晒。{store}为您准备了当季新品搭配建议，欢迎随时回店。",
    ),
    ("birthday", "生日祝福", "{name}，{store}全体同事祝您生日快乐，身体健康，万事如意！"),
    ("wedding", "结婚纪念日祝福", "{name}，祝您和爱人结婚纪念日快乐，幸福美满！——{store}"),
    ("membership", "入会周年祝福", "{name}，感谢您与{store}相伴{years}年，祝您一切顺利！"),
    ("spring_festival", "春节祝福", "{name}，{store}恭祝您新春快乐，阖家幸福！"),
    ("mid_autumn", "中秋祝福", "{name}，{store}祝您中秋快乐，花好月圆！"),
    ("national_day", "国庆祝福", "{name}，{store}祝您国庆快乐！"),
]

SCRIPTS = {
    "worn": "问候{name}：衣服是否已经穿过？对我们的服务是否满意？提醒洗涤保养要点。",
    "card": "告知{name}会员卡办理进度，邀请到店领取新卡（当前积分{points}分）。",
    "washed": "询问洗后质量如何，有什么意见和建议，以后是否愿意再来购买。",
    "personal": "个人关怀：问候近况，介绍新品到店（{gift_hint}）。",
    "quarterly": "季度回访：问候近况，介绍当季新品，邀请到店。",
}

# (day, channel, purpose, template code or None, script key or None)
COMMON = [
    (2, "sms", "积分余额短信", "points_balance", None),
    (3, "call", "穿着与服务满意度回访", None, "worn"),
    (7, "sms", "保养与搭配短信", "care_tips", None),
    (30, "call", "个人关怀与新品回访", None, "personal"),
    (120, "call", QUARTERLY_PURPOSE, None, "quarterly"),
]
STEPS = {
    "C": COMMON + [(10, "call", "洗后质量回访", None, "washed")],
    "B": COMMON + [(7, "call", "领卡通知", None, "card")],
    "A": COMMON + [(7, "call", "领卡通知", None, "card")],
}
