"""What people write: French and English templates for brand posts, comments, replies, mentions and noise.

A template is plain text with {b} (the brand, named by keyword, #hashtag or @handle) and {c} (a second brand,
in comparisons). Texts never contain '<' or '&' so that their HTML stays simple; apostrophes are escaped on
rendering like Mastodon does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .people import Account


@dataclass(frozen=True, slots=True)
class Tag:
    name: str  # as written, e.g. AutumnBlend


@dataclass(frozen=True, slots=True)
class Mention:
    account: Account


Segment = str | Tag | Mention

_PLACEHOLDER = re.compile(r"\{(\w)\}")


def fill(template: str, refs: dict[str, Segment]) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            out.append(template[pos : m.start()])
        out.append(refs[m.group(1)])
        pos = m.end()
    if pos < len(template):
        out.append(template[pos:])
    return out


def plain_text(segments: tuple[Segment, ...]) -> str:
    parts = []
    for s in segments:
        if isinstance(s, Tag):
            parts.append("#" + s.name)
        elif isinstance(s, Mention):
            parts.append("@" + s.account.username)
        else:
            parts.append(s)
    return "".join(parts)


POSTS = {
    "fr": (
        "Nouvelle semaine, nouvelles envies : découvrez notre sélection du moment.",
        "Merci pour tous vos retours cette semaine, on lit chaque message.",
        "Dans les coulisses : l'équipe prépare quelque chose de spécial pour vous.",
        "Question du jour : quel est votre moment préféré pour nous retrouver ?",
        "Notre service client est là pour vous, répondez simplement à ce message.",
        "Des projets pour le week-end ? On a quelques idées pour vous.",
        "Le saviez-vous ? Chaque commande part sous 48 heures.",
        "Nouveautés en boutique et en ligne dès aujourd'hui.",
        "Vos photos font notre journée, continuez à les partager !",
        "Rencontre avec l'équipe : nos conseils préférés de la semaine.",
    ),
    "en": (
        "New week, new favourites: discover what is in store this week.",
        "Thank you all for your feedback this week, we read every message.",
        "Behind the scenes: the team is preparing something special for you.",
        "Question of the day: when is your favourite moment to drop by?",
        "Our care team is here for you, just reply to this post.",
        "Weekend plans? We have a few ideas for you.",
        "Did you know? Every order ships within 48 hours.",
        "Fresh arrivals in store and online today.",
        "Your photos make our day, keep sharing them!",
        "Meet the team: our favourite tips of the week.",
    ),
}

CAMPAIGN_POSTS = {
    "fr": (
        "C'est parti ! Partagez vos moments avec nous pendant toute la campagne.",
        "Plus que quelques jours pour participer, on a hâte de voir vos photos.",
        "Merci pour votre enthousiasme, la campagne bat son plein !",
    ),
    "en": (
        "It is on! Share your moments with us for the whole campaign.",
        "Only a few days left to join in, we cannot wait to see your photos.",
        "Thank you for the enthusiasm, the campaign is in full swing!",
    ),
}

COMMENTS = {
    ("fr", "positive"): (
        "J'adore !",
        "Super nouvelle, j'ai hâte d'essayer.",
        "Toujours au top, bravo à l'équipe.",
        "Ça me donne envie !",
        "Acheté la semaine dernière, très contente.",
    ),
    ("fr", "neutral"): (
        "C'est disponible en ligne aussi ?",
        "Vous êtes ouverts le dimanche ?",
        "Vous livrez en Belgique ?",
        "Combien de temps pour la livraison ?",
        "Il y a une réduction étudiante ?",
    ),
    ("fr", "negative"): (
        "Toujours pas reçu ma commande, deux semaines déjà.",
        "Le service client ne répond jamais à mes mails.",
        "Encore une hausse des prix...",
        "Le mien est cassé après un mois, déçu.",
        "L'appli plante au moment de payer.",
    ),
    ("en", "positive"): (
        "Love this!",
        "Great news, cannot wait to try it.",
        "Always top notch, well done team.",
        "This made my day.",
        "Bought one last week, very happy with it.",
    ),
    ("en", "neutral"): (
        "Is this available online too?",
        "Are you open on Sundays?",
        "Do you ship to Ireland?",
        "How long does delivery take?",
        "Any discount for students?",
    ),
    ("en", "negative"): (
        "Still waiting for my order, two weeks now.",
        "Customer service never answered my email.",
        "Prices went up again...",
        "Mine broke after a month, not impressed.",
        "The app keeps crashing when I pay.",
    ),
}

BRAND_REPLIES = {
    ("fr", "positive"): ("Merci beaucoup, ça nous fait très plaisir !", "Merci pour ce gentil message !"),
    ("fr", "neutral"): (
        "Bonjour ! Oui, tout est disponible en ligne et en boutique.",
        "Bonne question : on vous répond en message privé.",
    ),
    ("fr", "negative"): (
        "Désolés pour ce souci, l'équipe regarde tout de suite.",
        "On est navrés, on vous écrit en privé pour régler ça.",
    ),
    ("en", "positive"): ("Thanks a lot, that means a lot to us!", "Thank you for the kind words!"),
    ("en", "neutral"): (
        "Hi! Yes, everything is available online and in store.",
        "Good question: we will get back to you in a private message.",
    ),
    ("en", "negative"): (
        "Sorry about this, the team is looking into it right now.",
        "We are sorry, we will message you privately to sort it out.",
    ),
}

FOLLOW_UPS = {
    "fr": ("Merci pour la réponse rapide !", "Super, merci !", "Toujours rien reçu...", "Parfait, merci."),
    "en": (
        "Thanks for the quick answer!",
        "Great, thanks!",
        "Still nothing on my side...",
        "Perfect, thank you.",
    ),
}

MEMBER_REPLIES = {
    "fr": (
        "Pareil pour moi !",
        "Totalement d'accord.",
        "Ah bon ? Pas eu ce problème.",
        "Idem, vivement la suite.",
    ),
    "en": ("Same here!", "Totally agree.", "Really? Never had that issue.", "Same, looking forward to it."),
}

MENTIONS = {
    ("fr", "positive"): (
        "Testé {b} aujourd'hui et franchement conquise.",
        "Merci {b} pour l'accueil toujours aussi sympa.",
        "{b} ne déçoit jamais.",
        "Grosse fan de ce que fait {b} en ce moment.",
        "Commande {b} reçue avec un jour d'avance, impressionnant.",
    ),
    ("fr", "neutral"): (
        "Quelqu'un a déjà essayé {b} ? J'hésite.",
        "Je passe devant {b} tous les matins.",
        "{b} ouvre une nouvelle boutique près de la gare.",
        "Vu une pub {b} ce matin.",
        "Est-ce que {b} livre le week-end ?",
    ),
    ("fr", "negative"): (
        "Vraiment déçue par {b} aujourd'hui.",
        "Le service client de {b} est un cauchemar.",
        "Plus jamais je ne commande chez {b}.",
        "Troisième fois que {b} se trompe dans ma commande.",
        "{b} augmente encore ses prix, ça ne vaut plus le coup.",
    ),
    ("en", "positive"): (
        "Just tried {b} and honestly loved it.",
        "Shout-out to {b} for the friendly service today.",
        "{b} never disappoints.",
        "Big fan of what {b} is doing lately.",
        "Got my order from {b} a day early, impressive.",
    ),
    ("en", "neutral"): (
        "Has anyone tried {b}? Thinking about it.",
        "Walking past {b} on my way to work.",
        "{b} opened a new shop near the station.",
        "Saw an ad for {b} this morning.",
        "Does {b} deliver on weekends?",
    ),
    ("en", "negative"): (
        "Really disappointed with {b} today.",
        "{b} customer service is a nightmare.",
        "Never ordering from {b} again.",
        "Third time {b} got my order wrong.",
        "{b} raised prices again, not worth it anymore.",
    ),
}

COMPARISONS = {
    ("fr", "positive"): (
        "Testé {b} et {c} côte à côte : {b} gagne pour moi.",
        "{b} ou {c} ? Les deux sont top.",
    ),
    ("fr", "neutral"): ("{b} ou {c} ? Je n'arrive pas à choisir.", "Quelqu'un peut comparer {b} et {c} ?"),
    ("fr", "negative"): ("Passée de {b} à {c}, je ne regrette pas.", "{b} et {c}, même combat : trop cher."),
    ("en", "positive"): ("Tried {b} and {c} side by side: {b} wins for me.", "{b} or {c}? Both are great."),
    ("en", "neutral"): ("{b} or {c}? Cannot decide.", "Can anyone compare {b} and {c}?"),
    ("en", "negative"): ("Switched from {b} to {c}, no regrets.", "{b} and {c} are both overpriced."),
}

BAD_BUZZ = {
    "fr": (
        "Mais qu'est-ce qui se passe chez {b} ? Commandes annulées sans prévenir.",
        "{b} m'a débité deux fois et personne ne répond.",
        "Boycott de {b} tant qu'ils ne s'expliquent pas.",
        "Honte à {b} pour la façon dont ils traitent leurs clients.",
        "Des heures d'attente au téléphone avec {b}, inadmissible.",
    ),
    "en": (
        "What is going on at {b}? Orders cancelled without any notice.",
        "{b} charged me twice and nobody answers.",
        "Boycott {b} until they explain themselves.",
        "Shame on {b} for how they treat their customers.",
        "Hours on hold with {b}, unacceptable.",
    ),
}

CAMPAIGN_MENTIONS = {
    "fr": (
        "J'adore la nouvelle campagne de {b} !",
        "Je participe au défi {b} cette semaine.",
        "La campagne {b} est partout en ville.",
    ),
    "en": (
        "Loving the new {b} campaign!",
        "Joining the {b} challenge this week.",
        "The {b} campaign is all over town.",
    ),
}

NOISE = {
    "fr": (
        "Café du matin et un bon livre, le début parfait.",
        "Enfin réparé la chaîne de mon vieux vélo.",
        "Torréfaction maison ce week-end, ça sent bon.",
        "Encore la pluie, pas de sortie vélo aujourd'hui.",
        "Vous connaissez un bon café près du canal ?",
        "Un grain de café sur le clavier, journée lancée.",
        "Mon chat s'appelle {n}, sans blague.",
        "Le mot du jour : {n}.",
    ),
    "en": (
        "Morning coffee and a good book, perfect start.",
        "Finally fixed the chain on my old bike.",
        "Roasting some beans at home this weekend.",
        "Rain again, so no ride today.",
        "Anyone know a good cafe near the river?",
        "Home brew experiment number 4: much better.",
        "Grinding a fresh bag of beans, smells amazing.",
        "Cycling to work was the best decision this year.",
        "My cat is called {n}, no joke.",
        "Word of the day: {n}.",
        "Coffee, bean, brew, repeat.",
    ),
}

GENERIC_TAGS = ("coffee", "cafe", "cycling", "velo", "morning", "weekend", "photography", "food")
