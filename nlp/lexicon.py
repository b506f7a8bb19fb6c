"""Kefu's own seed sentiment lexicon for customer-service chat (project-authored, weights 1-3)."""

from __future__ import annotations

# Weights follow VADER's scale (about 1 mild .. 3 strong); words are as `text.normalise` leaves
# them (lower case, plural -s dropped), so "delays" finds "delay".
POSITIVE: dict[str, float] = {
    **dict.fromkeys(["ok", "okay", "fine", "fair", "alright", "sure", "welcome"], 0.6),
    **dict.fromkeys(["thank", "thanks", "thx", "ty", "cheers", "appreciate", "appreciated"], 1.5),
    **dict.fromkeys(["good", "nice", "glad", "pleased", "helpful", "useful", "easy", "quick"], 1.8),
    **dict.fromkeys(["fast", "solved", "resolved", "fixed", "working", "works", "smooth"], 1.5),
    **dict.fromkeys(
        ["happy", "satisfied", "friendly", "kind", "polite", "clear", "efficient"], 2.0
    ),
    **dict.fromkeys(["great", "love", "loved", "lovely", "awesome", "excellent", "fantastic"], 2.7),
    **dict.fromkeys(["perfect", "amazing", "wonderful", "brilliant", "superb", "outstanding"], 2.9),
    **dict.fromkeys(["best", "delighted", "thrilled", "impressed", "recommend", "enjoy"], 2.3),
    **dict.fromkeys(["cool", "sweet", "yay", "wow", "relieved", "grateful", "thankful"], 1.9),
    **dict.fromkeys(["reliable", "convenient", "comfortable", "reasonable", "affordable"], 1.4),
    **dict.fromkeys(["correct", "right", "exactly", "finally", "success", "successful"], 1.0),
    **dict.fromkeys(["fun", "beautiful", "fabulous", "terrific", "phenomenal", "stellar"], 2.5),
}

NEGATIVE: dict[str, float] = {
    **dict.fromkeys(["problem", "issue", "wrong", "error", "mistake", "missing", "lost"], -1.3),
    **dict.fromkeys(["late", "delay", "delayed", "slow", "waiting", "wait", "still"], -1.0),
    **dict.fromkeys(["broken", "damaged", "defective", "faulty", "cracked", "failed"], -1.9),
    **dict.fromkeys(["bad", "poor", "unhappy", "disappointed", "disappointing", "sad"], -2.0),
    **dict.fromkeys(
        ["annoyed", "annoying", "frustrated", "frustrating", "upset", "irritated"], -2.2
    ),
    **dict.fromkeys(["angry", "furious", "mad", "outraged", "livid", "fed"], -2.7),
    **dict.fromkeys(["terrible", "awful", "horrible", "worst", "useless", "pathetic"], -2.8),
    **dict.fromkeys(["ridiculous", "unacceptable", "disgusting", "incompetent", "rude"], -2.6),
    **dict.fromkeys(["hate", "hated", "scam", "fraud", "rip", "ripoff", "garbage", "trash"], -2.7),
    **dict.fromkeys(["confused", "confusing", "unclear", "complicated", "difficult", "hard"], -1.2),
    **dict.fromkeys(["worried", "concerned", "afraid", "scared", "nervous", "anxious"], -1.4),
    **dict.fromkeys(["expensive", "overpriced", "overcharged", "charged", "refund"], -0.9),
    **dict.fromkeys(["cancel", "complaint", "complain", "never", "nobody", "ignored"], -1.1),
    **dict.fromkeys(["sorry", "unfortunately", "unable", "unavailable", "impossible"], -0.8),
    **dict.fromkeys(["stupid", "dumb", "idiot", "nonsense", "joke", "waste", "wasted"], -2.3),
    **dict.fromkeys(["hopeless", "fail", "fails", "sucks", "suck", "crap", "damn"], -2.2),
    **dict.fromkeys(["ugh", "argh", "meh", "nope", "unfair", "unreliable", "misleading"], -1.5),
}

EMOJI: dict[str, float] = {
    **dict.fromkeys([":)", ":-)", ":d", ":-d", "=)", ";)", ";-)", "<3", "(:", "^^", "xd"], 1.8),
    **dict.fromkeys(["🙂", "😊", "😀", "😃", "😄", "😁", "😍", "🥰", "👍", "👌", "🙏"], 2.0),
    **dict.fromkeys(["❤", "❤️", "💯", "🎉", "😎", "🤩", "😇", "✅", "🤗", "😌"], 2.0),
    **dict.fromkeys([":(", ":-(", ":'(", "):", ":/", ":-/", "-_-", ">:(", "d:"], -1.8),
    **dict.fromkeys(["🙁", "☹", "☹️", "😞", "😟", "😢", "😭", "😠", "😡", "🤬", "👎"], -2.2),
    **dict.fromkeys(["😤", "😒", "🙄", "😩", "😫", "💩", "😖", "😣", "😔", "❌"], -2.0),
}

NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "aint",
        "hardly",
        "barely",
    ]
)
# "never" is both a negator and mildly negative on its own ("it never arrived").

INTENSIFIERS: dict[str, float] = {
    **dict.fromkeys(["very", "really", "so", "super", "totally", "too", "truly"], 1.3),
    **dict.fromkeys(["extremely", "incredibly", "absolutely", "utterly", "completely"], 1.6),
    **dict.fromkeys(["slightly", "somewhat", "bit", "little", "kinda", "kind of", "fairly"], 0.6),
}

# Words after "but" outweigh the words before it ("fast delivery but broken box").
CONTRAST = frozenset({"but", "however", "although", "though", "yet"})

# German and Chinese customers (issue 11): the same scale, written for Kefu. German adjectives
# are listed once and take their inflected forms ("schlecht" -> "schlechte", "schlechten", ...)
# and the spellings without umlauts ("enttaeuscht") below; words that are also English words
# ("mist", "bad", "gift") are left out so English scores never change.
_GERMAN_ADJECTIVES: dict[str, float] = {
    **dict.fromkeys(["ordentlich", "passabel"], 0.6),
    **dict.fromkeys(["gut", "nett", "hilfreich", "schnell", "freundlich", "zufrieden"], 1.8),
    **dict.fromkeys(["klasse", "prima", "spitze", "wunderbar", "hervorragend"], 2.7),
    **dict.fromkeys(["perfekt", "großartig", "ausgezeichnet", "genial", "fantastisch"], 2.9),
    **dict.fromkeys(["glücklich", "froh", "erleichtert", "dankbar", "begeistert"], 2.2),
    **dict.fromkeys(["falsch", "fehlerhaft", "verspätet", "langsam", "beschädigt"], -1.3),
    **dict.fromkeys(["kaputt", "defekt", "zerbrochen", "gebrochen"], -1.9),
    **dict.fromkeys(["schlecht", "enttäuscht", "enttäuschend", "unzufrieden", "traurig"], -2.0),
    **dict.fromkeys(["genervt", "verärgert", "frustriert", "ärgerlich", "sauer"], -2.2),
    **dict.fromkeys(["wütend", "stinksauer", "stocksauer", "empört", "fassungslos"], -2.7),
    **dict.fromkeys(["furchtbar", "schrecklich", "grauenhaft", "miserabel", "nutzlos"], -2.8),
    **dict.fromkeys(["katastrophal", "unverschämt", "inkompetent", "unfähig", "lächerlich"], -2.6),
    **dict.fromkeys(["unmöglich", "unfassbar", "unglaublich", "peinlich", "dumm"], -2.0),
    **dict.fromkeys(["unfreundlich", "unhöflich", "frech", "mies", "übel"], -2.3),
}
_GERMAN_WORDS: dict[str, float] = {
    **dict.fromkeys(["danke", "dankeschön", "dank", "merci"], 1.5),
    **dict.fromkeys(["lob", "freue", "freut", "gefällt"], 2.0),
    **dict.fromkeys(["probleme", "fehler", "verspätung", "warte", "warten"], -1.1),
    **dict.fromkeys(["beschwerde", "reklamation", "ärger", "niemand", "keiner"], -1.2),
    **dict.fromkeys(["frechheit", "unverschämtheit", "katastrophe", "zumutung", "abzocke"], -2.7),
    **dict.fromkeys(["zeitverschwendung", "saftladen", "sauerei", "betrug", "witz"], -2.5),
    **dict.fromkeys(["verarscht", "veräppelt", "ignoriert", "vertröstet", "reichts"], -2.0),
}
_GERMAN_ENDINGS = ("e", "en", "er", "em", "es")
_UMLAUT_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _german(adjectives: dict[str, float], words: dict[str, float]) -> dict[str, float]:
    forms = dict(words)
    for word, weight in adjectives.items():
        forms[word] = weight
        forms.update({word + ending: weight for ending in _GERMAN_ENDINGS})
    return {**forms, **{form.translate(_UMLAUT_FOLD): w for form, w in forms.items()}}


GERMAN_LEXICON = _german(_GERMAN_ADJECTIVES, _GERMAN_WORDS)
GERMAN_NEGATORS = frozenset({"nicht", "kein", "keine", "keinen", "keiner", "nie", "niemals"})
GERMAN_INTENSIFIERS: dict[str, float] = {
    **dict.fromkeys(["sehr", "total", "echt", "wirklich", "voll", "ganz"], 1.3),
    **dict.fromkeys(["extrem", "absolut", "völlig", "voellig", "äußerst", "aeusserst"], 1.6),
    **dict.fromkeys(["etwas", "bisschen", "ziemlich"], 0.7),
}
GERMAN_CONTRAST = frozenset({"aber", "jedoch", "trotzdem", "allerdings"})

# Chinese has no spaces: a message's Han characters are cut into these words, longest first, so
# "不错" (good) is read before "错" (wrong) and "不满意" before "满意"; a character left over stands
# for itself, so "太" or "很" still strengthens the word after it and "不" turns it around.
CHINESE_LEXICON: dict[str, float] = {
    **dict.fromkeys(["谢谢", "多谢", "感谢", "不错", "还行"], 1.5),
    **dict.fromkeys(["好", "满意", "方便", "及时", "耐心", "专业", "清楚"], 1.8),
    **dict.fromkeys(["很好", "太好了", "棒", "赞", "喜欢", "开心", "高兴", "放心"], 2.4),
    **dict.fromkeys(["完美", "优秀", "非常好", "感动", "惊喜"], 2.9),
    **dict.fromkeys(["问题", "错", "慢", "晚", "迟", "还没"], -1.1),
    **dict.fromkeys(["坏", "破", "损坏", "碎", "漏", "丢"], -1.6),
    **dict.fromkeys(["不满意", "失望", "难过", "不行", "麻烦", "烦"], -2.0),
    **dict.fromkeys(["生气", "气死", "愤怒", "恼火", "受不了", "无语", "崩溃"], -2.6),
    **dict.fromkeys(["差", "太差", "垃圾", "骗子", "骗", "坑", "恶心", "离谱"], -2.7),
    **dict.fromkeys(["投诉", "浪费时间", "没人管", "不理", "敷衍", "态度差"], -2.2),
    # Outrage and exasperation ("太过分了", "受够了", "搞什么"), as customers write it.
    **dict.fromkeys(["怎么回事", "搞什么", "不靠谱"], -1.8),
    **dict.fromkeys(["糟糕", "烂", "差劲", "坑人", "黑心"], -2.4),
    **dict.fromkeys(["过分", "受够", "岂有此理"], -2.7),
    **dict.fromkeys(["忍无可忍"], -3.0),
}
# Words that hold a scored character without its meaning ("你好" is no "好", "快递" no "快").
CHINESE_NEUTRAL = frozenset(
    {"你好", "您好", "好的", "快递", "等等", "差不多", "晚上", "只好", "好像", "最好", "不好意思"}
)
CHINESE_NEGATORS = frozenset({"不", "没", "没有", "别", "未"})
CHINESE_INTENSIFIERS: dict[str, float] = {
    **dict.fromkeys(["很", "真", "太", "挺", "超"], 1.3),
    **dict.fromkeys(["非常", "特别", "极其", "十分", "实在"], 1.6),
    **dict.fromkeys(["有点", "有些", "稍微"], 0.7),
}
CHINESE_CONTRAST = frozenset({"但是", "可是", "不过"})
