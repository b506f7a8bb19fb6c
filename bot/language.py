"""Which language a customer message is in (en, de, zh), and its language-free entities.

No model and no download: Chinese is told by its script, German from English by function
words, umlauts (also typed as ae/oe/ue) and German word endings. A message with no evidence
either way ("10115", "ok", an email address) has no language, so the conversation keeps the
one it had.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENGLISH, GERMAN, CHINESE = "en", "de", "zh"

# CJK Unified Ideographs and the CJK punctuation block: one of them makes a message Chinese.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

_GERMAN_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    und ich ist nicht bitte der die das den dem des ein eine einen einem meine meinen meiner
    mein mir mich sie ihr ihre wir wo wie was wann warum hallo danke tschüss guten tag morgen
    abend ja nein doch noch schon auch aber oder mit für von bei zu zum zur auf aus nach über
    kann können möchte möchten würde hätte habe hab haben hat bin sind war wurde werden wird
    bestellung bestellungen paket lieferung adresse ändern zurück rücksendung stornieren
    storniere kündigen ticket mitarbeiter mensch kunde kundennummer postleitzahl telefonnummer
    nummer status geht geld erstattung rechnung zahlung versand kaputt leider sehr gut schlecht
    keine kein nichts alles immer wieder schon heute gestern woche tage hilfe helfen brauche
    neue neuen neu angekommen bekommen erhalten wollte will mal gerne vielen dank servus moin
    du dich dir dein deine bist hast kannst magst willst weisst wer welche welcher welches
    gibt es sich uns euch ihnen vom beim ins bis wieso weshalb soll sollte muss kam kommt
    gern genau klar nee jetzt hier dort etwas jemand jemanden einfach bald gute schöne viel
    storno stornierung rückgabe retoure reklamation sendung lieferadresse bestellnummer
    """,
    )
)
_ENGLISH_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    and i is not please the a an my me you your we where how what when why hello hi hey thanks
    thank bye goodbye yes no yeah nope still already also but or with for from at to of on in
    can could would should want need have has had are was were will do does did don't it
    order orders parcel package delivery address change return cancel ticket human agent
    person customer number postcode phone status money refund invoice payment shipping broken
    sorry very good bad nothing everything always again today yesterday week days help new
    received arrived get got wanted just this that there here is it's i'm i've can't didn't
    """,
    )
)
# Endings common in German words and rare in English ones: nouns and adjectives, and the
# infinitives and du-forms of verbs ("stornieren", "reklamieren", "magst", "kannst").
_GERMAN_ENDINGS = ("ung", "keit", "heit", "lich", "chen", "isch", "schaft", "ieren", "ierst")
# Umlauts typed without the umlaut key ("aendern", "tschuess", "Koeln"): a/o/u + e before a
# consonant or "ss"; a single s is left out for the English "does", "goes", "request",
# "question", and "gue" for "guess".
_SPELLED_UMLAUT = re.compile(r"(?<!g)[aou]e(?:ss|[b-df-hj-np-rtv-z])")


# A postal address alone ("Lindenstraße 3, 80331 München"): its street and city are names in
# the country's language, not the customer's, who may be writing in Chinese or English.
_ADDRESS_ONLY = re.compile(
    r"\s*[^\W\d_][\w.'-]*(?:\s+[\w.'-]+){0,3}?\s+\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+[a-zA-Z]?)?"
    r"\s*,?\s*(?:[A-Z]{1,2}-?)?\d{4,5}\s+[^\W\d_][\w.'-]*(?:\s+[\w.'-]+){0,2}\s*[.!]?\s*"
)


_MISTYPED_EMAIL = re.compile(r"\S*@\S*")

# Words of the languages customers of a German shop write in besides Kefu's three (French,
# Spanish, Italian, Portuguese), none of them an English or German word: a message mostly of
# them is in a language the bot does not speak.
_OTHER_LANGUAGE_WORDS = (
    frozenset(
        re.findall(
            r"\S+",
            """
    bonjour bonsoir où est ma mon mes je vous nous votre commande colis livraison
    pas le la les une des et pour avec plaît oui suis ai reçu annuler rembourser toujours ce
    de du au aux en qui quand comment pourquoi combien peux pouvez voudrais veux livrez
    ne parle anglais français allemand comprends hablo inglés español alemán entiendo
    parler à un quelqu quelque chose aide besoin avez hablar alguien persona necesita parlare
    qualcuno bisogno aiutarmi falar alguém
    parlo inglese italiano tedesco capisco falo inglês português alemão entendo
    gracias dónde donde está mi pedido quiero por favor el los las una que para con
    paquete sí buenos días tengo cancelar devolver todavía cuándo cómo puedo puede mis del al
    llegó envío dinero ayuda necesito grazie dov dove il mio ordine voglio sono non pacco
    buongiorno che della è quando posso può spedizione aiuto ho ancora arrivato olá
    obrigado obrigada onde meu minha meus encomenda quero não ainda chegou preciso
    """,
        )
    )
    - _GERMAN_WORDS
    - _ENGLISH_WORDS
)
# At least this share of a message's words must be such words, two at least, and more than
# its English and German words; one word alone must be a greeting or thanks ("Bonjour"). "Ciao",
# "Merci", "Salut" and "Hola" are left out: German and English speakers say them too.
_OTHER_LANGUAGE_SHARE = 0.5
_OTHER_GREETINGS = frozenset(
    ("bonjour", "bonsoir", "gracias", "grazie", "buongiorno", "olá", "obrigado", "obrigada")
)
_UMLAUT = re.compile("[äöüß]")


def in_another_language(text: str) -> bool:
    """Whether `text` is written in a language Kefu does not speak ("Bonjour, où est ma
    commande ?", "Hola, ¿dónde está mi pedido?"): no Chinese in it, no email, order number or
    other value NLU could still take, and mostly another language's words."""
    if HAN.search(text) or language_free_entities(text) or _MISTYPED_EMAIL.search(text):
        return False
    words = [w.lower() for w in _WORD.findall(text.replace("'", " ").replace("’", " "))]
    if len(words) == 1:
        return words[0] in _OTHER_GREETINGS
    other = sum(w in _OTHER_LANGUAGE_WORDS for w in words)
    known = sum(w in _ENGLISH_WORDS or w in _GERMAN_WORDS or bool(_UMLAUT.search(w)) for w in words)
    return other >= 2 and other >= _OTHER_LANGUAGE_SHARE * len(words) and other > known


def detect(text: str) -> str | None:
    """`zh`, `de`, `en`, or None when the message says nothing about its language."""
    if HAN.search(text):
        return CHINESE
    if _ADDRESS_ONLY.fullmatch(text):
        return None
    # An email's letters ("anna.schmidt@example.com", "walker9.ae41f0@...") say nothing about
    # the customer's language: they would switch the conversation's replies.
    for found in reversed(language_free_entities(text)):
        text = f"{text[: found.start]} {text[found.end :]}"
    # Nor do those of a mistyped one ("anna.neu@gmail,com", where "neu" read as German).
    text = _MISTYPED_EMAIL.sub(" ", text)
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None
    german = sum(w in _GERMAN_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    german += sum(1 for w in words if re.search("[äöüß]", w) or _SPELLED_UMLAUT.search(w))
    german += sum(0.5 for w in words if len(w) > 5 and w.endswith(_GERMAN_ENDINGS))
    if german > english:
        return GERMAN
    if english > german:
        return ENGLISH
    return None


@dataclass(frozen=True)
class Found:
    entity: str
    value: str
    start: int
    end: int


# The bot's regexes (data/nlu.yml) with boundaries that also hold between Chinese characters,
# where \b and \w see no boundary at all ("订单KF-500002到哪了").
_NOT_LATIN = r"(?<![A-Za-z0-9@._%+-])"
_LANGUAGE_FREE = (
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("order_number", re.compile(_NOT_LATIN + r"[Kk][Ff][- ]?\d{6}(?!\d)")),
    ("ticket_number", re.compile(_NOT_LATIN + r"[Tt]-?\d{5}(?!\d)")),
    ("customer_number", re.compile(_NOT_LATIN + r"[Cc]\d{5}(?!\d)")),
    # Not from the middle of a longer number: "+44 20 7946 0999" holds no phone "20 7946 0999".
    (
        "phone",
        re.compile(
            r"(?<![\d+])(?<!\d[ ./()-])(?<!\d[ ./()-]{2})"
            r"(?:\+|00)?\(?\d(?:[ ./()-]{0,2}\d){7,14}(?!\d)"
        ),
    ),
    ("postcode", re.compile(r"(?<![\d+-])\d{5}(?![\d-])")),
)


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and bool(re.match(r"\w", text[index]))


def language_free_entities(text: str, only_glued: bool = False) -> list[Found]:
    """Emails, order/ticket/customer numbers, phones and postcodes, however the text is written.

    Earlier patterns win an overlap: the digits of KF-500002 are not also a postcode. With
    `only_glued`, only the ones glued to a letter of another script, which the word-bounded
    RegexEntityExtractor misses (it finds the others itself).
    """
    found: list[Found] = []
    for entity, pattern in _LANGUAGE_FREE:
        for match in pattern.finditer(text):
            if any(match.start() < f.end and f.start < match.end() for f in found):
                continue
            found.append(Found(entity, match.group(0), match.start(), match.end()))
    if only_glued:
        found = [f for f in found if _word_char(text, f.start - 1) or _word_char(text, f.end)]
    return sorted(found, key=lambda f: f.start)
