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
