"""English inflection for the names ``prisma format`` gives the relation fields it adds.

A missing back-relation field is named after the model that references it, in camelCase
(``UserProfile`` → ``userProfile``) and, for a list, in the plural (``category`` → ``categories``):
:func:`camel_case` and :func:`to_plural` reproduce the rules Prisma's formatter applies (6.19).
"""

from __future__ import annotations

import re


def lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def camel_case(name: str) -> str:
    """``name`` in camelCase the way Prisma names added relation fields (``UserProfile`` → ``userProfile``,
    ``user_account`` → ``userAccount``, ``HTTPRequest`` → ``httprequest``)."""
    stripped = name
    while stripped and not stripped[-1].isalnum():
        stripped = stripped[:-1]
    out: list[str] = []
    new_word = False
    found = False
    last = " "
    for ch in stripped:
        if not ch.isalnum():
            if found:
                new_word = True
            continue
        if ch.isnumeric():
            found = True
            new_word = True
            out.append(ch)
        elif new_word or (last.islower() and ch.isupper()):
            found = True
            new_word = False
            out.append(ch.upper())
        else:
            found = True
            last = ch
            out.append(ch.lower())
    return "".join(out)


_UNCOUNTABLE = frozenset(
    [
        "accommodation",
        "adulthood",
        "advertising",
        "advice",
        "aggression",
        "aid",
        "air",
        "aircraft",
        "alcohol",
        "anger",
        "applause",
        "arithmetic",
        "assistance",
        "athletics",
        "bacon",
        "baggage",
        "beef",
        "biology",
        "blood",
        "botany",
        "bread",
        "butter",
        "carbon",
        "cardboard",
        "cash",
        "chalk",
        "chaos",
        "chess",
        "crossroads",
        "countryside",
        "dancing",
        "deer",
        "dignity",
        "dirt",
        "dust",
        "economics",
        "education",
        "electricity",
        "engineering",
        "enjoyment",
        "envy",
        "equipment",
        "ethics",
        "evidence",
        "evolution",
        "fame",
        "fiction",
        "flour",
        "flu",
        "food",
        "fuel",
        "fun",
        "furniture",
        "gallows",
        "garbage",
        "garlic",
        "genetics",
        "gold",
        "golf",
        "gossip",
        "grammar",
        "gratitude",
        "grief",
        "guilt",
        "gymnastics",
        "happiness",
        "hardware",
        "harm",
        "hate",
        "hatred",
        "health",
        "heat",
        "help",
        "homework",
        "honesty",
        "honey",
        "hospitality",
        "housework",
        "humour",
        "hunger",
        "hydrogen",
        "ice",
        "importance",
        "inflation",
        "information",
        "innocence",
        "iron",
        "irony",
        "jam",
        "jewelry",
        "judo",
        "karate",
        "knowledge",
        "lack",
        "laughter",
        "lava",
        "leather",
        "leisure",
        "lightning",
        "linguine",
        "linguini",
        "linguistics",
        "literature",
        "litter",
        "livestock",
        "logic",
        "loneliness",
        "luck",
        "luggage",
        "macaroni",
        "machinery",
        "magic",
        "management",
        "mankind",
        "marble",
        "mathematics",
        "mayonnaise",
        "measles",
        "methane",
        "milk",
        "money",
        "mud",
        "music",
        "mumps",
        "nature",
        "news",
        "nitrogen",
        "nonsense",
        "nurture",
        "nutrition",
        "obedience",
        "obesity",
        "oxygen",
        "pasta",
        "patience",
        "physics",
        "poetry",
        "pollution",
        "poverty",
        "pride",
        "psychology",
        "publicity",
        "punctuation",
        "quartz",
        "racism",
        "relaxation",
        "reliability",
        "research",
        "respect",
        "revenge",
        "rice",
        "rubbish",
        "rum",
        "safety",
        "scenery",
        "seafood",
        "seaside",
        "series",
        "shame",
        "sheep",
        "shopping",
        "sleep",
        "smoke",
        "smoking",
        "snow",
        "soap",
        "software",
        "soil",
        "spaghetti",
        "species",
        "steam",
        "stuff",
        "stupidity",
        "sunshine",
        "symmetry",
        "tennis",
        "thirst",
        "thunder",
        "timber",
        "traffic",
        "transportation",
        "trust",
        "underwear",
        "unemployment",
        "unity",
        "validity",
        "veal",
        "vegetation",
        "vegetarianism",
        "vengeance",
        "violence",
        "vitality",
        "warmth",
        "wealth",
        "weather",
        "welfare",
        "wheat",
        "wildlife",
        "wisdom",
        "yoga",
        "zinc",
        "zoology",
    ]
)
_IRREGULAR = {
    "ox": "oxen",
    "man": "men",
    "woman": "women",
    "die": "dice",
    "yes": "yeses",
    "foot": "feet",
    "eave": "eaves",
    "goose": "geese",
    "tooth": "teeth",
    "quiz": "quizzes",
}
# (pattern, suffix): the first group of the first matching pattern, plus the suffix. Tried in this order.
_PLURAL_RULES = [
    (re.compile(pattern), suffix)
    for pattern, suffix in (
        (r"^(\w*eaux)$", ""),
        (r"^(\w*(child))(?:ren)?$", "ren"),
        (r"^(\w*(pe))(?:rson|ople)$", "ople"),
        (r"^(\w*(m|l))(?:ice|ouse)$", "ice"),
        (r"^(\w*(matr|cod|mur|sil|vert|ind|append))(?:ix|ex)$", "ices"),
        (r"^(\w*(x|ch|ss|sh|zz))$", "es"),
        (r"^(\w*(x|ch|ss|sh|zz)es)$", ""),
        (r"^(\w*([^ch][ieo][ln]))ey$", "ies"),
        (r"^(\w*([^aeiouy]|qu))y$", "ies"),
        (r"^(\w*(ar|l|ea|eo|oa|hoo))f$", "ves"),
        (r"^(\w*(kni|wi|li))fe$", "ves"),
        (r"^(\w*)sis$", "ses"),
        (
            r"^(\w*(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat))"
            r"(?:a|on)$",
            "a",
        ),
        (
            r"^(\w*(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul"
            r"|automat|quor))(?:a|um)$",
            "a",
        ),
        (r"^(\w*(her|at|gr))o$", "oes"),
        (r"^(\w*(seraph|cherub))(?:im)?$", "im"),
        (r"^(\w*(alumn|alg|vertebr))(?:a|ae)$", "ae"),
        (
            r"^(\w*(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat))(?:us|i)$",
            "i",
        ),
        (r"^(\w*([^l]ias|[aeiou]las|[emjzr]as|[iu]am))$", ""),
        (r"^(\w*(e[mn]u))s?$", "s"),
        (r"^(\w*(alias|[^aou]us|tlas|gas|ris))$", "es"),
        (r"^(\w*(ax|test))is$", "es"),
        (r"^(\w*([^aeiou]ese))$", ""),
        (r"^(\w*)s$", "s"),
    )
]


def to_plural(word: str) -> str:
    """English plural the way Prisma names added list relation fields (``category`` → ``categories``)."""
    if word in _UNCOUNTABLE:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for pattern, suffix in _PLURAL_RULES:
        m = pattern.match(word)
        if m:
            return m.group(1) + suffix
    return word + "s"
