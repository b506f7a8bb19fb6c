"""German customers, as they write."""

from __future__ import annotations

from tests.conversations.scenarios_en import (
    ANNA,
    ANNA_DHL,
    ANNA_POSTCODE,
)
from tests.conversations.support import (
    Scenario,
    email_is,
    handed_off,
    no_ticket_for_the_order,
    order_is,
    order_is_not,
    phone_is,
    ticket_about_the_order,
    ticket_with,
)

DE_ASK_CONTACT = "sicherstellen, dass Sie es sind"
DE_ASK_FACT = "Postleitzahl"

GERMAN = [
    Scenario(
        "de: 'welche Adresse habt ihr von mir?' names the city on file",
        "german",
        [
            ("Welche Adresse habt ihr von mir gespeichert?", [DE_ASK_CONTACT]),
            (ANNA, ["bestätigen Sie bitte"]),
            (ANNA_POSTCODE, ["Ihre hinterlegte Adresse ist in Berlin"]),
            ("nein danke", ["abgebrochen"]),
        ],
    ),
    Scenario(
        "de: 'vier Sterne' answers the rating question",
        "german",
        [
            ("hallo", ["Kefu"]),
            ("Wie lange dauert der Versand?", ["Werktage"]),
            ("tschüss", ["Wie bewerten Sie"]),
            ("vier Sterne", ["noch etwas sagen"]),
        ],
    ),
    Scenario(
        "de: 'und am Sonntag?' after the opening hours",
        "german",
        [("Wann habt ihr offen?", ["Mo–Fr"]), ("Und am Sonntag?", ["Sa 09:00"])],
    ),
    Scenario(
        "de: 'ach doch nicht' inside the return form switches, files no return",
        "german",
        [
            ("Ich möchte {order} zurückgeben", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Warum schicken Sie die Bestellung {order} zurück?"]),
            (
                "ach doch nicht, wo ist eigentlich meine andere Bestellung?",
                ["Bestellung", "!erfasst"],
            ),
        ],
        needs="delivered",
        check=no_ticket_for_the_order(),
    ),
    Scenario(
        "de: 'und wann kommt es an?' is about the order just shown",
        "german",
        [
            ("wo ist mein paket KF-500002", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, [ANNA_DHL]),
            ("und wann kommt es an?", ["KF-500002", ANNA_DHL]),
        ],
    ),
    Scenario(
        "de: the new address in the request is not asked again",
        "german",
        [
            ("Ich bin umgezogen, neue Adresse: Hauptstraße 5, 80331 München", [DE_ASK_CONTACT]),
            ("{email}", ["bestätigen Sie bitte"]),
            ("{postcode}", ["Sie sind bestätigt", "Adresse ist aktualisiert (München)"]),
        ],
        needs="cancellable",
    ),
    Scenario(
        "de: identified in one message that also asks for an order",
        "german",
        [
            (
                "Hallo! Meine Kundennummer ist C10001, PLZ 10115. Wo ist KF-500002?",
                ["Sie sind bestätigt", "KF-500002", ANNA_DHL],
            ),
        ],
    ),
    Scenario(
        "de: two requests, the detail before its verb",
        "german",
        [
            (
                "ändere meine E-Mail auf kefu.zwei.{id}@example.org und wo bleibt {order}?",
                ["danach kümmere ich mich", DE_ASK_CONTACT],
            ),
            ("{email}", ["bestätigen Sie bitte"]),
            ("{postcode}", ["E-Mail-Adresse lautet jetzt", "{order}"]),
        ],
        needs="shipped",
        check=email_is("kefu.zwei.{id}@example.org"),
    ),
    Scenario(
        "de: the order number sent instead of the contact is the order meant",
        "german",
        [
            ("wo bleibt meine lieferung", [DE_ASK_CONTACT]),
            ("KF-500002", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", ANNA_DHL, "!KF-500001"]),
        ],
    ),
    Scenario(
        # Anna's number in the CRM is +49 30 1234567.
        "de: identified by a phone number without the country code",
        "german",
        [
            ("Hallo, wo ist meine Bestellung KF-500002?", [DE_ASK_CONTACT]),
            ("030 1234567", [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["Sie sind bestätigt", "KF-500002", ANNA_DHL]),
        ],
    ),
    Scenario(
        "de: where is my order, answered in German",
        "german",
        [
            ("Hallo, wo ist meine Bestellung KF-500002?", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["KF-500002", "versandt", ANNA_DHL]),
        ],
    ),
    Scenario("de: greeting", "german", [("Guten Tag", ["Hallo, ich bin Kefu"])]),
    Scenario(
        "de: cancel an order",
        "german",
        [
            ("Bitte storniere {order}", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Soll ich die Bestellung {order}", "stornieren?"]),
            ("Ja", ["storniert"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
    Scenario("de: complaint", "german", [("Reine Zeitverschwendung!", ["tut mir wirklich leid"])]),
    Scenario(
        "de: a person",
        "german",
        [
            ("Ich möchte mit einem Menschen sprechen", ["Kollegen"]),
        ],
        check=handed_off(),
    ),
    Scenario(
        "de: the return reason in the request is kept",
        "german",
        [
            ("Ich möchte {order} zurückgeben, passt leider nicht", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            (
                "{postcode}",
                ["Sie sind bestätigt", "Rücksendung für die Bestellung {order}", "!Warum"],
            ),
        ],
        needs="delivered",
        check=ticket_with("passt leider nicht", kind="return"),
    ),
    Scenario(
        "de: ja is no return reason",
        "german",
        [
            ("Ich möchte {order} zurückgeben", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Warum schicken Sie"]),
            ("ja", ["ein paar Worte zum Grund", "Warum schicken Sie", "!erfasst"]),
            ("zu eng", ["Rücksendung für die Bestellung {order}"]),
        ],
        needs="delivered",
        check=ticket_with("zu eng", kind="return"),
    ),
    Scenario(
        "de: a complaint about the driver becomes the ticket, only confirmed",
        "german",
        [
            ("Ich will mich beschweren, der Fahrer war total unfreundlich", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            (
                "{postcode}",
                ["Ticket (Lieferung)", "Fahrer war total unfreundlich", "Soll ich", "!Worum"],
            ),
            ("Ja", ["Ich habe das Ticket"]),
        ],
        needs="cancellable",  # a fresh customer; any order will do
        check=ticket_with("Fahrer", "unfreundlich", kind="problem"),
    ),
    Scenario(
        "de: ja is no ticket category",
        "german",
        [
            ("Ich will mich beschweren", [DE_ASK_CONTACT]),
            (ANNA, [DE_ASK_FACT]),
            (ANNA_POSTCODE, ["Worum geht es"]),
            ("ja", ["in ein paar Worten, worum es geht", "Worum geht es", "!beschreiben"]),
        ],
    ),
    Scenario("de: payment FAQ", "german", [("Welche Zahlungsarten gibt es?", ["PayPal"])]),
    Scenario("de: thanks", "german", [("Vielen Dank", ["Gern geschehen"])]),
    Scenario(
        "de: a new phone number, a German mobile without the country code",
        "german",
        [
            ("meine handynummer hat sich geändert", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Sie sind bestätigt", "neue Telefonnummer"]),
            ("0171 2345678", ["Telefonnummer lautet jetzt +49 ••• 678", "!Ländervorwahl"]),
        ],
        needs="cancellable",
        check=phone_is("+491712345678"),
    ),
    Scenario(
        "de: stop inside a form",
        "german",
        [
            ("Ich möchte meine Adresse ändern", [DE_ASK_CONTACT]),
            ("Vergiss es", ["abgebrochen"]),
        ],
    ),
]

# Two requests, the second asked as a question about a parcel on its way.
TWO = [
    Scenario(
        "de: 'storniere … und sag mir, ob mein Paket schon unterwegs ist' does both",
        "german",
        [
            (
                "Bitte storniere {order} und sag mir, ob mein anderes Paket schon unterwegs ist",
                ["danach kümmere ich mich", DE_ASK_CONTACT],
            ),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Soll ich die Bestellung {order}"]),
            ("ja", ["ist storniert", "Bestellung"]),
        ],
        needs="cancellable",
        check=order_is("cancelled"),
    ),
]

# Found by the fifth probe round of stop 24.
SHORT = [
    Scenario(
        "de: 'storno KF-…' alone is German, and 'nein doch nicht' keeps the order",
        "german",
        [
            ("storno {order}", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Soll ich die Bestellung {order}"]),
            ("nein doch nicht", ["nichts storniert"]),
        ],
        needs="cancellable",
        check=order_is_not("cancelled"),
    ),
    Scenario(
        "de: 'Stornierung rückgängig machen' gets why not and what instead",
        "german",
        [("kann man eine Stornierung rückgängig machen?", ["nicht wiederherstellen"])],
    ),
    Scenario(
        "de: 'Zahlung' typed at the category question is the category, not a payment question",
        "german",
        [
            ("Ich möchte ein Ticket eröffnen", [DE_ASK_CONTACT]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Worum geht es"]),
            ("Zahlung", ["!Kreditkarte", "!Kredit- oder Debitkarte"]),
            ("Mir wurde zweimal abgebucht", ["Ticket (Zahlung)"]),
            ("Ja", ["Ich habe das Ticket"]),
        ],
        needs="any",
        check=ticket_with("zweimal abgebucht"),
    ),
    Scenario(
        "de: a return after the 30 days is refused before the reason is asked",
        "german",
        [
            ("Rückgabe von KF-500004", [DE_ASK_CONTACT]),
            ("ben.okafor@example.com", [DE_ASK_FACT]),
            ("20095", ["Rückgabefrist ist abgelaufen", "!Warum schicken"]),
        ],
    ),
]

# A ticket about one of the customer's orders: the order is linked to it for the team.
TICKETS = [
    Scenario(
        "de: the order number given at 'Soll ich das tun?' is what the ticket is about",
        "german",
        [
            (
                "Ich habe ein Problem mit meinem Paket, es ist beschädigt angekommen",
                [DE_ASK_CONTACT],
            ),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["Soll ich das tun?"]),
            ("{order}", ["zur Bestellung {order}", "Soll ich", "!nicht ganz verstanden"]),
            ("ja", ["Ich habe das Ticket"]),
        ],
        needs="delivered",
        check=ticket_about_the_order("beschädigt"),
    ),
    Scenario(
        "de: identified and an invoice asked for in one message",
        "german",
        [
            (
                "Meine Email: {email}, PLZ {postcode}. Ich brauche die Rechnung für {order}",
                ["Sie sind bestätigt", "zur Bestellung {order}", "!Was kann ich"],
            ),
            ("ja", ["Ich habe das Ticket"]),
        ],
        needs="any",
        check=ticket_about_the_order("Rechnung"),
    ),
]

# Found by the probes of stop 25: a typed answer to the apology's offer.
TICKETS.append(
    Scenario(
        "de: 'ja, bitte ein Ticket' after the apology opens the ticket",
        "german",
        [
            ("Das ist eine Frechheit! Seit drei Wochen warte ich auf mein Geld!!", ["leid"]),
            ("ja, bitte ein Ticket", [DE_ASK_CONTACT, "!Alles klar"]),
            ("{email}", [DE_ASK_FACT]),
            ("{postcode}", ["drei Wochen"]),
        ],
        needs="any",
    )
)

SCENARIOS = GERMAN + TWO + SHORT + TICKETS
