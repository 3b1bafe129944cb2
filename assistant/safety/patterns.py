"""The decline rules, built from the word tables in ``lexicon.py``.

A question is declined as *harmful* only when it asks for operational help: a first-person (or
second-person imperative) request cue — «بدي»، «كيف أ…»، «ساعدني»، «اكتب لي»، "how do I", "help me",
"write me" — followed closely by a harmful action — recruit *for* an extremist group, join or fund one,
make a weapon, plan or carry out an attack, evade the police or a prevention programme, incite hatred
against a group, write propaganda or glorify an attacker. Topic words alone never decide: «كيف تواجه
المدن التجنيد» has no first-person actor, «كيف نحمي الشباب من التجنيد» has a protective verb.

*Injection* rules match attempts to make the assistant drop its instructions, whatever the topic.

Each action is one row of ``ACTIONS``: Arabic verb stems (after the first-person prefix), Arabic verbal
nouns, what must follow them, English verbs and what must follow them. ``_action_rules`` turns a row
into patterns; a few shapes that do not fit the table (writing content, glorifying, injections) are
written out below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.safety import lexicon as lx
from assistant.safety.regex import NP, alt, fill, gap, noun, optional, words

HARMFUL = "harmful"
INJECTION = "injection"


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    pattern: re.Pattern[str]
    emergency: bool = False  # the request states an intent to hurt people: point to emergency services
    script: str = "any"  # "ar": needs an Arabic letter to match, "en": a Latin letter (a cheap pre-check)


@dataclass(frozen=True)
class Action:
    """One harmful action: its Arabic and English verbs and what must follow them."""

    name: str
    emergency: bool = False
    ar_stems: tuple[str, ...] = ()  # after the first-person prefix: «جند» for أجند / نجند / بجند
    ar_masdars: tuple[str, ...] = ()  # verbal nouns after a wish or help cue: «أريد تجنيد …»
    ar_object: str = ""  # pattern that must follow the verb or noun ("" = nothing needed)
    ar_instructions: bool = False  # «طريقة صنع …» alone is enough (no first person needed)
    ar_any_person: bool = False  # «كيف تصنع/يصنعون …» too, not only first person
    ar_bare_future: bool = False  # «سأفجر …»، «رح اقتل …» without any cue
    en_verbs: tuple[str, ...] = field(default_factory=tuple)
    en_object: str = ""


# Arabic first-person prefixes: أ/ن (MSA and most dialects), بـ/بنـ (Levantine, Egyptian present),
# حـ/هـ (Egyptian, Levantine future), سأ/سن (MSA future), «رح/راح/حا أ…».
_AR_FUTURE = "(?:س[ان]|(?:رح|راح|حا|رايح|رايحه|رايحين) [ان]?|[حه]ن?)"
_AR_FP = f"(?:[انب]|بن|{_AR_FUTURE})"
_AR_ANY = "(?:[انتيب]|بت|بي|بن|[حه][انتي]?|س[انتي])"
_AR_SUFFIX = "(?:ه|ها|هم|هن|و|وا|ون|ي|ين|لي|لو|له|لها|لهم|كم|ك|نا)?"
_AR_PLURAL = "(?:ون|وا|و|ي|ين)?"

_AR_COUNTER = NP + alt(lx.AR_COUNTER)
_EN_COUNTER = alt(lx.EN_COUNTER)
_AR_NOT_TARGET = alt("السابق", "السابقين", "سابق", "التائب", "العائد", "النقابي", "الإداري", "المدني",
                     "الحزبي",
                     "الشبابي", "الاجتماعي", "العمراني", "الحضري", "الذاتي")
_AR_TARGET = noun(lx.AR_EXTREMIST_TARGET) + "(?!" + _AR_NOT_TARGET + " )"
_EN_TARGET = "(?:" + words(lx.EN_EXTREMIST_TARGET) + "|" + noun(lx.AR_EXTREMIST_TARGET) + ")"
_AR_GROUP = "(?:ها|هال)?" + noun(lx.AR_GROUP)
_EN_GROUP = "(?:the |all |those |these |all the |every |our local |local |some |all of the )?"
_EN_GROUP += words(lx.EN_GROUP)

# Cues. Arabic cues may be preceded by «أنا/احنا», and followed by a few filler words («أن»، «كيف»).
_AR_LEAD = optional(words(lx.AR_SUBJECT)) + "[وف]?" + words(lx.AR_DESIRE, lx.AR_HELP, lx.AR_HOW)
_AR_LEAD += fill(lx.AR_CUE_FILL, 3)
_AR_MODAL_HOW = [
    h for h in lx.AR_HOW if any(m in h for m in ("يمكن", "قدر", "كدر", "ستطيع", "لي أن", "لنا أن", "طريقة"))
]
_AR_MASDAR_LEAD = optional(words(lx.AR_SUBJECT)) + "[وف]?" + words(lx.AR_DESIRE, lx.AR_HELP, _AR_MODAL_HOW)
_AR_MASDAR_LEAD += fill(lx.AR_CUE_FILL, 3)
_EN_LEAD = words(lx.EN_CUE) + fill(lx.EN_CUE_FILL, 3)

# ---------------------------------------------------------------------------------------------- objects
_AR_WEAPON_NOT = "(?!" + alt("ذو", "الوعي", "وعي", "التعليم", "المعرفة", "الكلمة", "الحوار", "الإعلام", "ضد",
                           "فعال", "فعالا", "لمواجهة", "لمكافحة", "في مواجهة", "من الكلمات", "الكلمات",
                           "السلام") + " )"
_AR_WEAPON = fill(["لي", "لنا", "بنفسي", "في البيت", "بالبيت", "بالمنزل", "في المنزل", "واحد", "وحدة", "صغير",
                   "صغيرة", "كبير", "كبيرة", "بسيطة", "بسيط", "يدوي", "يدوية", "محلي", "محلية", "منزلي",
                   "منزلية", "حقيقي", "حقيقية", "قوي", "قوية"], 2) + noun(lx.AR_WEAPON) + _AR_WEAPON_NOT
_EN_WEAPON_NOT = "(?!" + alt(lx.EN_WEAPON_POLICY) + " )"
_EN_WEAPON_FILL = fill(["a", "an", "the", "some", "my", "our", "own", "my own", "homemade", "home made",
                        "simple", "small", "big", "powerful", "working", "real", "cheap", "easy", "diy",
                        "functional", "illegal", "improvised", "few", "couple of", "more", "effective",
                        "deadly", "lethal", "good", "at home", "from scratch", "with household items",
                        "quick", "crude"], 3)
_EN_WEAPON = _EN_WEAPON_FILL + words(lx.EN_EXPLOSIVE, lx.EN_FIREARM) + _EN_WEAPON_NOT
_EN_UNTRACEABLE = r"(?:ghost guns?|untraceable \w+|3d printed \w+|zip guns?|auto sears?)"
_EN_ILLEGAL = r"(?:illegally|without|on the dark web|off the books|on the black market|untraceabl\w*|"
_EN_ILLEGAL += r"with no) "
_EN_ACQUIRE = _EN_WEAPON_FILL + "(?:" + words(lx.EN_EXPLOSIVE, _EN_UNTRACEABLE) + "|"
_EN_ACQUIRE += words(lx.EN_FIREARM) + gap(2) + _EN_ILLEGAL + ")"

_AR_TRIVIAL = "(?!" + NP + alt(r"طاق\w*", r"مواهب\w*", r"إبداع\w*", r"إمكان\w*", r"قدرات\w*", "الوقت", "وقت",
                              "الملل", "ملل", "الفراغ", "الروتين", "الضحك", r"غضب\w*", r"مشاعر\w*", "الموقف",
                              "الفكرة", "فكرة", r"الإشاع\w*", r"إشاع\w*", r"الشائع\w*", r"الخلاف\w*",
                              "الأضواء",
                              "الأنظار", "الانتباه", "اللقب", "لقب", r"قلب\w*", "في", "فيه", "فيها", "القرار",
                              "الحكم", "بالقرار", "بالحكم", "على", "الطموح", "الأمل", "الحماس", "التطرف",
                              "الكراهية", "الإرهاب", "العنصرية", "الفقر", "الفساد", "الجهل", "الطائفية",
                              "الفتنة", "التعصب", "الفكر", "الأفكار", "الحشرات", "حشرات", "البعوض", "الفئران",
                              "الخوف", "اليأس", "الإحباط", "الصمت", "الحواجز", "الجليد", "جديد", "جديدا",
                              "الحرية", "يوم", "أفضل", "مشرق", "مشرقا", "للمدينة", "لمدينتنا") + " )"
_EN_TRIVIAL = "(?!" + alt(
    "time", "it", "two birds", "off the", "the idea", r"the rumou?r", "the myth", "the narrative",
    "the story",
    "the mood", "the vibe", "the momentum", "the project", "the deal", "the bill", "the proposal",
    "the conversation", "the debate", "the plan", "the test", "the exam", "the interview", "the presentation",
    "the budget", "the schedule", "the deadline", r"a rumou?r", "a myth", "a narrative", "a video", "a film",
    "a photo", r"videos?", "footage", r"films?", r"photos?", r"pictures?", "content", r"clips?", "hoops",
    "on",
    "online", "in popularity", "the breeze", "for the stars", "the messenger", "a message", "my chances",
    "our chances", "it up", "the competition", "the lights", "the engine", "down", "back", "over", "a look",
    "a glance", "an email", "a question", "questions", "ideas", "the issue", "the problem", "problems",
    "extremism", r"radicali[sz]ation", "terrorism", "hate", "hatred", "racism", "poverty", "prejudice",
    "stigma",
    "discrimination", "violence", r"polari[sz]ation", "division", "misinformation", "disinformation",
    "fake news", "recruitment", "propaganda", "bigotry", "intolerance", "xenophobia", "islamophobia",
    "antisemitism", "corruption", "crime", "the virus", "covid", "bacteria", "germs", "weeds", "pests",
    "mosquitoes", "rats", r"extremist \w+", r"the extremist \w+", "fear", "boredom", "silence",
) + " )"
_EN_ATTACK_NOT = "(?!" + alt(lx.EN_ATTACK_PREPAREDNESS) + " )"
_EN_PEOPLE = fill(["the", "a", "an", "all", "those", "these", "some", "every", "as many", "many", "more"], 2)
_EN_PEOPLE += "(?:" + words(lx.EN_PLACE) + "|" + words(lx.EN_GROUP) + ")"
_AR_VICTIM = fill(["على", "علي", "كل", "جميع", "هؤلاء", "هذول", "هدول", "هادول", "في", "فيه"], 2)
_AR_VICTIM += "(?:ها|هال)?" + noun(lx.AR_PLACE, lx.AR_GROUP)
_AR_JOIN = fill(["إلى", "الى", "الي", "ل", "في", "مع", "عند", "صفوف", "لصفوف", "بصفوف", "جماعة", "تنظيم",
                 "مجندي", "أعضاء", "عناصر", "قادة", "أمير", "أمراء", "ناس", "جماعة", "شباب", "رجال", "مسؤولي",
                 "لتنظيم", "حركة", "جبهة", "ولاية", "جيش", "جنود", "اخوة", "إخوة", "لإخوة"], 3) + _AR_TARGET
_AR_ROLE = "(?:" + noun("داعشي", "داعشيا", "مجاهد", "مجاهدا", "جهادي", "جهاديا", "إرهابي", "إرهابيا",
                        "انتحاري",
                       "انتحاريا", "انغماسي", "انغماسيا", "من جنود الخلافة", "شهيد", "شهيدا", "استشهادي",
                       "استشهاديا") + "|" + words(r"عضو\w?", r"جندي\w?", r"مقاتل\w{0,2}") + _AR_JOIN + ")"
_AR_TRAVEL = gap(3, _AR_COUNTER) + words(
    "للجهاد", "للقتال", "لأجاهد", "اجاهد", "أجاهد", "أقاتل", "اقاتل", "وأقاتل", "واقاتل", "نقاتل", "مع داعش",
    "لداعش", "للدولة الإسلامية", "للخلافة", "لأرض الخلافة", "أرض الجهاد", "أرض الخلافة", "للانضمام", "لانضم",
    "انضم", "أنضم", "ننضم", "للالتحاق", "ألتحق", "التحق", "نلتحق", "للاستشهاد", "استشهد", "لاستشهد", "نجاهد",
    "ونجاهد", "باش نجاهد", "نقاتلو", "نجاهدو", "باش نقاتل",
)
_AR_MONEY = fill(["فلوس", "أموال", "مال", "المال", "الأموال", "الفلوس", "المصاري", "مصاري", "مصريات",
                  "تبرعات", "تبرع", "بيتكوين", "كريبتو",
                  "عملات رقمية", "مبلغ", "مبالغ", "ل", "إلى", "الى", "الي", "سرا", "بالسر", "بسرية", "جماعة",
                  "تنظيم", "لتنظيم", "إخوة", "الإخوة", "مقاتلي", "لمقاتلي"], 3) + _AR_TARGET
_EN_MONEY = fill(["the", "a", "an", "to", "for", "into", "money", "funds", "cash", "bitcoin", "crypto",
                  "donations", "some", "our", "local", "secretly", "anonymously", "money to", "funds to"], 3)
_EN_MONEY += _EN_TARGET
_AR_AUTHORITY = noun(lx.AR_AUTHORITY)
_AR_EVADE_OBJ = gap(5) + _AR_AUTHORITY
_EN_AUTHORITY = fill(["the", "a", "my", "our", "any", "all", "from", "of", "being",
                      "by"], 2) + words(lx.EN_AUTHORITY)
_AR_AGAINST = gap(3, _AR_COUNTER) + words("ضد", "على", "علي") + "(?:" + _AR_GROUP + "|"
_AR_AGAINST += noun("العنف", "القتل", "الكراهية", "الجهاد", "الهجوم", "الطرد", "الذبح") + ")"
_AR_HATE_NOUN = noun("الكراهية", "كراهية", "الكره", "الحقد", "الفتنة", "فتنة", "العنصرية", "الطائفية",
                     "الدعاية المتطرفة", "الفكر المتطرف", "فكر داعش", "الفكر الداعشي", "الفكر الجهادي",
                     "أفكار داعش", "دعاية داعش", r"فيديوهات داعش", r"إصدارات داعش", "البغضاء", "النعرات",
                     "النعرات الطائفية", "حرب أهلية", "الحرب الأهلية", "العداوة", "الفرقة", "العنف")
_EN_HATE = fill(["people", "the public", "others", "my followers", "followers", "youth", "young people",
                 "them",
                 "more", "some", "real", "a", "the", "up", "public"], 2)
_EN_HATE += words("hatred", "hate", "violence", r"attacks?", r"riots?", r"pogroms?", "fear and hatred",
                  "anger against", "rage against", "resentment against", "division", "a race war",
                  "civil war",
                  r"sectarian (?:hatred|violence|strife|tension)", "racial hatred", "religious hatred",
                  "bigotry")
_EN_HATE += "(?!" + alt("prevention", "reduction", "awareness", "research", "free", "crimes?",
                        "speech research") + " )"
_EN_AGAINST_GROUP = gap(4, _EN_COUNTER) + words("against", "toward", "towards", "on") + _EN_GROUP
_EN_TURN_ON_GROUP = fill(["people", "everyone", "others", "my town", "the public", "them", "my neighbours",
                          "my neighbors", "the community", "voters", "my followers", "kids", "students",
                          "the neighbourhood", "the neighborhood", "to"], 2)
_EN_TURN_ON_GROUP += words("hate", "fear", "despise", "attack", "turn on", "turn against", "blame", "harass",
                           "fight", "beat up", "hurt", "kill", "expel") + _EN_GROUP
_EN_PROPAGANDA = fill(["the", "a", "an", "some", "more", "this", "these", "my", "our", "new", "real"], 2)
_EN_PROPAGANDA += words("isis", "daesh", "jihadi", "jihadist", "extremist", "terrorist", "nazi", "neo nazi",
                        "white supremacist", "beheading", "execution", "hateful", "racist", "antisemitic",
                        "islamophobic", "recruitment", "al qaeda", "pro isis", "pro daesh", "propaganda")
_EN_PROPAGANDA += optional(words("videos?", "content", "material", "materials", "propaganda", "posts?",
                                 "memes?",
                                 "messages?", "manifestos?", "literature", "flyers?", "leaflets?", "footage",
                                 "magazines?", "nasheeds?", "channels?"))
_EN_PROPAGANDA += "(?!" + alt("research", "reports?", "data", "findings", "statistics", "examples",
                              "guidance",
                              "policy", "awareness", "monitoring", "trends", "detection", "takedowns?",
                              "removal", "moderation", "prevention", "tactics", "narratives", "online") + " )"
_AR_PLAN_OBJ = fill(["ل", "ب", "لي", "على", "علي"], 1) + noun(lx.AR_ATTACK_NOUN) + "(?!" + alt(
    "محتمل", "محتملة", "متوقع", "متوقعة", "مستقبلي", "مستقبلية", "قادم") + " )"

ACTIONS: tuple[Action, ...] = (
    Action(
        "recruit",
        ar_stems=("جند", "ستقطب"),
        ar_masdars=("تجنيد", "استقطاب"),
        ar_object=gap(4, _AR_COUNTER) + _AR_TARGET,
        en_verbs=("recruit", "recruiting", "enlist", "lure", "luring", "groom", "grooming", "draft"),
        en_object=gap(5, _EN_COUNTER) + _EN_TARGET,
    ),
    Action(
        "persuade_to_join",
        ar_stems=("قنع", "شجع", "دفع", "خلي"),
        ar_masdars=("إقناع", "تشجيع", "دفع"),
        ar_object=gap(3, _AR_COUNTER) + words(
            r"(?:بال|لل|ب|ل|على ال|على )"
            r"(?:انضمام|التحاق|جهاد|قتال|هجرة|بيعة|مبايعة|سفر للجهاد|تفجير|استشهاد)\w*",
            r"(?:بال|لل)(?:فكر|منهج) (?:المتطرف|الجهادي|التكفيري|الداعشي)",
            r"(?:ي|ت)(?:نضم|لتحق|جاهد|قاتل|فجر|بايع)\w*") + gap(3, _AR_COUNTER),
        en_verbs=("convince", "persuade", "get", "talk", "push", "pressure", "encourage", "inspire",
                  "motivate",
                  "sign up", "bring", "attract"),
        en_object=gap(4, _EN_COUNTER) + words("to join", "into joining", "to fight for", "to fight with",
                                              "to support", "to pledge allegiance to", "to travel to",
                                              "to go to", r"to sign up (?:for|with)", "to work for",
                                              "to die for", "into") + gap(2, _EN_COUNTER) + _EN_TARGET,
    ),
    Action(
        "radicalise",
        ar_stems=("غسل دماغ", "غسل مخ"),
        ar_masdars=("تطريف", "غسل دماغ", "غسل مخ", "أدلجة"),
        en_verbs=(r"radicali[sz]e", r"radicali[sz]ing", "brainwash", "brainwashing", "indoctrinate",
                  "indoctrinating", "groom"),
        en_object="(?!" + alt("myself", "ourselves") + " )",
    ),
    Action(
        "join",
        ar_stems=("نضم", "لتحق", "دخل", "بايع", "لحق", "نخرط", "نتسب", "فوت", "فوت على", "وصل", "تواصل",
                  "تصل"),
        ar_masdars=("الانضمام", "انضمام", "الالتحاق", "التحاق", "البيعة", "مبايعة", "الانخراط", "الدخول",
                    "الوصول", "التواصل", "الاتصال"),
        ar_object=_AR_JOIN,
        ar_instructions=True,
        en_verbs=("join", "joining", "become a member of", "become part of", "become one of", "sign up for",
                  "sign up with", "enlist in", "enlist with", "pledge allegiance to",
                  r"pledge (?:bayah|baya|bayat) to",
                  "give bayah to", "get into", "get involved with", "be part of", "fight for", "fight with",
                  "fight alongside", "contact", "get in touch with", "reach out to", "link up with",
                  "connect with",
                  "work for", "serve"),
        en_object=fill(["the", "a", "an", "up", "with", "for", "to", "into", "in", "real", "active", "local",
                        "some"], 3) + _EN_TARGET,
    ),
    Action(
        "become",
        emergency=True,
        ar_stems=("صير", "صبح", "كون", "موت"),
        ar_object=_AR_ROLE,
        en_verbs=("become", "be", "die as"),
        en_object=words(r"(?:a |an )?(?:jihadi|jihadist|mujahid|shaheed|martyr|suicide bomber|terrorist|"
                        r"foreign fighter|isis fighter|isis member|white supremacist|neo nazi|lone wolf|"
                        r"school shooter)"),
    ),
    Action(
        "travel_to_fight",
        ar_stems=("سافر", "روح", "هاجر", "طلع", "هرب", "نزل", "مشي", "مشى", "رحل"),
        ar_masdars=("السفر", "الهجرة", "الذهاب"),
        ar_object=_AR_TRAVEL,
        en_verbs=("travel", "go", "move", "emigrate", "make hijrah", "make hijra", "fly", "migrate"),
        en_object=gap(4, _EN_COUNTER) + "(?:" + words(
            r"(?:to|and) fight (?:for|with|alongside|in|there)", r"(?:to|and) (?:wage|do) jihad", "for jihad",
            r"(?:to|for) the caliphate", r"to become a (?:martyr|mujahid|jihadi|fighter)",
            "as a foreign fighter",
            "for martyrdom", "to die as a martyr") + "|" + words("to join", "and join") + _EN_TARGET + ")",
    ),
    Action(
        "finance",
        ar_stems=("مول", "دعم", "حول", "تبرع", "رسل", "بعث", "بعت", "دفع", "جمع تبرعات", "هرب", "دز", "صيفط"),
        ar_masdars=("تمويل", "دعم", "تحويل", "التبرع", "تبرعات", "إرسال", "جمع تبرعات", "جمع أموال", "تهريب"),
        ar_object=_AR_MONEY,
        en_verbs=("fund", "funding", "finance", "financing", "bankroll", "donate", "donate money",
                  "send money",
                  "send funds", "send cash", "send bitcoin", "send crypto", "transfer money",
                  "transfer funds",
                  "wire money", "move money", "give money", "support", "sponsor", "raise money",
                  "raise funds",
                  "collect money", "collect donations", "channel money", "launder money", "smuggle money",
                  "pay"),
        en_object=_EN_MONEY,
    ),
    Action(
        "make_weapon",
        emergency=True,
        ar_stems=("صنع", "سوي", "عمل", "دير", "صاوب", "ركب", "جهز", "حضر", "طبع", "خلط", "فخخ"),
        ar_masdars=("صنع", "تصنيع", "صناعة", "تركيب", "تجهيز", "تحضير", "عمل", "خلط", "طباعة"),
        ar_object=_AR_WEAPON,
        ar_instructions=True,
        ar_any_person=True,
        en_verbs=("make", "making", "build", "building", "assemble", "assembling", "construct",
                  "constructing",
                  "manufacture", "manufacturing", "produce", "producing", "cook", "cooking", "mix", "mixing",
                  "craft", "crafting", "3d print", "print", "printing", "put together", "rig", "wire",
                  "detonate",
                  "set off", r"synthesi[sz]e", r"synthesi[sz]ing", "brew", "create", "creating", "prepare",
                  "fashion", "improvise", "plant", "hide", "smuggle in"),
        en_object=_EN_WEAPON,
    ),
    Action(
        "acquire_weapon",
        ar_stems=("شتري", "جيب", "لاقي", "لقي", "حصل على", "حصل علي", "هرب", "طلب"),
        ar_masdars=("شراء", "الحصول على", "جلب", "تهريب"),
        ar_object=_AR_WEAPON,
        en_verbs=("get", "buy", "buying", "purchase", "obtain", "acquire", "get hold of", "source", "smuggle",
                  "order", "steal", "find"),
        en_object=_EN_ACQUIRE,
    ),
    Action(
        "kill",
        emergency=True,
        ar_stems=("قتل", "فجر", "ذبح", "طعن", "دهس", "غتال", "خطف", "نحر", "بيد", "قنص", "طخ", "قوص",
                  "طلق النار", "طلق الرصاص", "فتح النار"),
        ar_masdars=("قتل", "تفجير", "ذبح", "طعن", "دهس", "اغتيال", "خطف", "إبادة", "تصفية", "إطلاق النار",
                    "إطلاق الرصاص", "فتح النار", "إعدام"),
        ar_object=_AR_TRIVIAL,
        ar_bare_future=True,
        en_verbs=("kill", "murder", "slaughter", "massacre", "behead", "assassinate", "stab", "lynch",
                  "butcher",
                  "maim", "gun down", "mow down", "shoot up", "firebomb", "torch", "set fire to", "burn down",
                  "run over", "kidnap", "kill off", "wipe out", "exterminate", "murdering", "killing"),
        en_object=_EN_TRIVIAL,
    ),
    Action(
        "harm_people",
        emergency=True,
        ar_stems=("هاجم", "حرق", "قتحم", "هجم على", "ضرب", "رمي", "عتدي على", "دمر", "ذي", "وذي", "رهب",
                  "ولع",
                  "شعل النار في", "حط قنبلة في", "خرب",
                  "طرد", "ضايق", "خلص من", "تخلص من", "هدد", "قصف", "نتقم من"),
        ar_masdars=("مهاجمة", "الهجوم على", "حرق", "إحراق", "تخريب", "اقتحام", "الاعتداء على", "تدمير",
                    "إيذاء",
                    "ترهيب", "طرد", "تفجير",
                    "التخلص من", "تهديد", "الانتقام من"),
        ar_object=_AR_VICTIM,
        en_verbs=("shoot", "hurt", "harm", "injure", "attack", "execute", "bomb", "blow up", "poison",
                  "beat up",
                  "assault", "get rid of", "drive out", "kick out", "chase out", "run out", "scare off",
                  "scare away", "force out", "expel", "harass", "intimidate", r"terrori[sz]e", "burn out",
                  "threaten", "bully", "make life hell for", "get back at", "take revenge on",
                  "get revenge on", "ambush", "raid", "storm", "vandali[sz]e", "smash up"),
        en_object=_EN_PEOPLE,
    ),
    Action(
        "expel_group",
        emergency=True,
        en_verbs=("drive", "kick", "chase", "force", "push", "run", "scare", "smoke", "get", "throw", "burn",
                  "hound", "bully", "frighten", "terrify"),
        en_object=_EN_GROUP + words("out", "away", "off", "out of"),
    ),
    Action(
        "plan_attack",
        emergency=True,
        ar_stems=("خطط", "رتب", "نفذ", "قوم", "عمل", "سوي", "دير", "شن", "صاوب", "نظم"),
        ar_masdars=("التخطيط", "تخطيط", "تنفيذ", "القيام", "شن", "ترتيب", "تنظيم"),
        ar_object=_AR_PLAN_OBJ,
        ar_instructions=True,
        en_verbs=("plan", "planning", "carry out", "carrying out", "commit", "launch", "stage", "execute",
                  "pull off", r"organi[sz]e", "prepare", "coordinate", "conduct", "do", "perpetrate", "mount",
                  "get away with", "go through with", "copy", "repeat", "replicate", "cause"),
        en_object=words(lx.EN_ATTACK_NOUN) + _EN_ATTACK_NOT,
    ),
    Action(
        "evade",
        ar_stems=("تهرب", "هرب", "فلت", "تخفى", "خفي", "تحايل", "خدع", "ضلل", "راوغ", "زوغ", "تخبى", "خبي",
                  "تخبا", "موه", "تملص", "ضحك على", "غش", "عمي", "بعد عن"),
        ar_masdars=("التهرب", "الهروب", "الإفلات", "التخفي", "إخفاء", "التحايل", "خداع", "تضليل", "التملص"),
        ar_object=_AR_EVADE_OBJ,
        en_verbs=("evade", "evading", "dodge", "dodging", "hide from", "hiding from", r"hide (?:it|this|that|"
                  r"my \w+|our \w+|everything) from", "escape", "escaping", "get around", "getting around",
                  "get past", "bypass", "bypassing", "circumvent", "circumventing", "slip past", "outsmart",
                  "outwit", "fool", "trick", "deceive", "lie to", "stay off the radar of",
                  r"hide (?:it|this|that|everything|(?:my|our|the|these|those) (?:\w+ ){0,2}?\w+) from",
                  "stay under the radar of", "fly under the radar of", "stay hidden from",
                  "avoid detection by",
                  r"avoid (?:being|getting) (?:flagged|detected|caught|reported|referred|identified|noticed|"
                  r"tracked|monitored|watched|investigated|arrested|found|spotted)(?: by)?",
                  r"not get (?:caught|flagged|detected|reported|referred|noticed) by",
                  r"keep (?:it|this|my \w+|our \w+) (?:secret|hidden) from", "stay hidden from"),
        en_object=_EN_AUTHORITY,
    ),
    Action(
        "evade_detection",
        ar_stems=("تجنب", "تفادي", "تجاوز"),
        ar_masdars=("تجنب", "تفادي", "تجاوز"),
        ar_object=optional(words("من")) + noun(lx.AR_SURVEILLANCE),
        en_verbs=(r"avoid (?:detection|being detected|being flagged|getting flagged|being caught|"
                  r"getting caught|"
                  r"arrest|being arrested|being tracked|surveillance|being monitored|being watched)",),
        en_object="",
    ),
    Action(
        "incite",
        ar_stems=("حرض", "جيش", "ولب", "الب", "حشد"),
        ar_masdars=("تحريض", "التحريض", "تجييش", "تأليب", "حشد"),
        ar_object=_AR_AGAINST,
        en_verbs=("incite", "stir up", "whip up", "spread", "fuel", "foment", "provoke", "inflame", "promote",
                  "drum up", "sow", "stoke", "encourage", "turn people", "turn", "set", "pit", "rile up",
                  r"mobili[sz]e", "rally", "get people to", "make people", "convince people to",
                  "persuade people to", "incite people to", "create", "start", "trigger", "ignite", "spark"),
        en_object="(?:" + _EN_HATE + "|" + _EN_AGAINST_GROUP + "|" + _EN_TURN_ON_GROUP + ")",
    ),
    Action(
        "spread_hate",
        ar_stems=("نشر", "ثير", "شعل", "زرع", "بث", "روج", "وزع", "شير"),
        ar_masdars=("نشر", "إثارة", "إشعال", "زرع", "بث", "الترويج", "ترويج", "توزيع"),
        ar_object=_AR_HATE_NOUN,
        en_verbs=("share", "post", "upload", "spread", "distribute", "circulate", "disseminate", "publish",
                  "repost", "forward", "get out", "amplify", "push", "promote", "sell", "print"),
        en_object=_EN_PROPAGANDA,
    ),
    Action(
        "make_hate",
        ar_stems=("خلي", "خل", "جعل", "قنع"),
        ar_object=gap(2, _AR_COUNTER)
        + r"(?:[يت]?كره\w{0,2}|[يت]عادي\w{0,2}|[يت]هاجم\w{0,2}|[يت]طرد\w{0,2}) "
        + gap(1) + _AR_GROUP,
    ),
)


def _action_rules(action: Action) -> list[Rule]:
    rules: list[tuple[str, str]] = []
    if action.ar_stems:
        verb = _AR_FP + alt(action.ar_stems) + _AR_SUFFIX + " "
        rules.append(("ar", " " + _AR_LEAD + verb + action.ar_object))
        # Spoken Levantine drops the prefix after a wish: «بدي طخ …»، «بدي فجر …».
        bare = alt(action.ar_stems) + _AR_SUFFIX + " "
        wish = " [وف]?" + words(lx.AR_DESIRE, lx.AR_PURPOSE) + fill(lx.AR_CUE_FILL, 2)
        rules.append(("ar_bare", wish + bare + action.ar_object))
        if action.ar_any_person:
            any_verb = _AR_ANY + "?" + alt(action.ar_stems) + _AR_PLURAL + " "
            rules.append(("ar_any",
                          " " + words(lx.AR_HOW) + fill(lx.AR_CUE_FILL, 2) + any_verb + action.ar_object))
        if action.ar_bare_future:
            future = _AR_FUTURE + alt(action.ar_stems) + _AR_SUFFIX + " "
            rules.append(("ar_future", " " + optional(words(lx.AR_SUBJECT)) + future + action.ar_object))
    if action.ar_masdars:
        masdar = NP + alt(action.ar_masdars) + " "
        rules.append(("ar_masdar", " " + _AR_MASDAR_LEAD + masdar + action.ar_object))
        if action.ar_instructions:
            rules.append(("ar_how_to", " " + words(lx.AR_INSTRUCTIONS) + optional(masdar) + action.ar_object))
    if action.en_verbs:
        rules.append(("en", " " + _EN_LEAD + words(action.en_verbs) + action.en_object))
    return [
        Rule(f"{action.name}.{kind}", HARMFUL, re.compile(source), action.emergency, _script(kind))
        for kind, source in rules
    ]


def _script(name: str) -> str:
    """The script a rule's own words are in, from its name: ``….ar…`` Arabic, ``….en…`` Latin."""
    kind = name.rsplit(".", 1)[-1]
    if kind.startswith("en") or kind == "arabizi":
        return "en"
    if kind.startswith("ar"):
        return "ar"
    return "any"


# ------------------------------------------------------------------------------ writing harmful content
_AR_WRITE = "(?:" + "[وف]?" + words(lx.AR_WRITE) + "|" + optional(words(lx.AR_SUBJECT)) + "[وف]?"
_AR_WRITE += words(lx.AR_DESIRE, lx.AR_HELP) + fill(["أن", "ان", "انو", "إني", "في", "على"], 1) + words(
    r"[انب]?(?:كتب|نشر|عمل|سوي|صمم|دير|جهز|حضر|ألف|صيغ|نزل|طلع|حط)\w{0,2}", r"كتابة", r"نشر", r"تصميم",
    r"إعداد", r"صياغة") + ")" + fill(["لي", "لنا", "واحد", "وحدة", "شي", "شوية", "بعض"], 2)
_AR_CONTENT = noun(lx.AR_CONTENT)
_AR_CONTENT_GAP = NP + alt(lx.AR_COUNTER, lx.AR_ABOUT)
# After the content word: a hostile adjective right away, «لداعش» at most one word on, or within eight
# words (none of them preventive or «عن/حول»): a hostile clause, a hostile verb and a group, a group and a
# dehumanising predicate, or a recruiting verb and a group.
_AR_HOSTILE = "(?:" + fill(lx.AR_CONTENT_ADJ, 2) + words([a + "ا?" for a in lx.AR_HOSTILE_ADJ]) + "|"
_AR_HOSTILE += gap(1, _AR_CONTENT_GAP) + _AR_TARGET + "|"  # «دعاية لداعش»
_AR_HOSTILE += gap(8, _AR_CONTENT_GAP) + "(?:" + words(lx.AR_HOSTILE_CLAUSE) + "|"
_AR_HOSTILE += words(lx.AR_HOSTILE_TO_GROUP) + _AR_GROUP + "|" + _AR_GROUP + words(lx.AR_DEHUMANISING) + "|"
_AR_HOSTILE += words(r"لتجنيد", r"[يت]جند\w{0,2}", r"[يت]دعو (?:للانضمام|إلى الانضمام)", r"[ايتن]قنع\w{0,3}",
                     r"[يت]شجع\w{0,2} على الانضمام") + gap(4, _AR_COUNTER) + _AR_TARGET + "))"
_AR_GLORIFY = gap(8, _AR_CONTENT_GAP) + "(?:" + words(lx.AR_GLORIFY) + gap(2, _AR_CONTENT_GAP)
_AR_GLORIFY += noun(lx.AR_ATTACKER, lx.AR_ATTACK_EVENT) + "|"
_AR_GLORIFY += noun(lx.AR_ATTACKER) + gap(4, _AR_CONTENT_GAP) + noun(lx.AR_HERO) + ")"

_EN_PRE = alt(lx.EN_COUNTER, ["on", "of", "regarding", "concerning", "for", "to", "how", "why", "what",
                              "analysing", "analyzing", "analysis", "examples?", "summary", "definition",
                              "explaining", "explain", "explains", "describing", "warning", "warns"])
_EN_WRITE = words(lx.EN_WRITE)
_EN_CONTENT = words(lx.EN_CONTENT)
_EN_HOSTILE_ADJ_FIRST = _EN_WRITE + gap(3, _EN_PRE) + words(lx.EN_HOSTILE_ADJ) + gap(2, _EN_PRE) + _EN_CONTENT
_EN_HOSTILE_AFTER = _EN_WRITE + gap(4, _EN_PRE) + _EN_CONTENT + gap(8, _EN_COUNTER) + "(?:"
_EN_HOSTILE_AFTER += words(lx.EN_HOSTILE_CLAUSE) + "|" + words(lx.EN_HOSTILE_TO_GROUP) + _EN_GROUP + "|"
_EN_HOSTILE_AFTER += words("for", "supporting", "promoting", "recruiting for", "praising") + _EN_TARGET + "|"
_EN_HOSTILE_AFTER += _EN_GROUP + words(lx.EN_DEHUMANISING) + ")"
_EN_GLORIFY = _EN_WRITE + gap(10, _EN_COUNTER) + "(?:" + words(lx.EN_GLORIFY)
_EN_GLORIFY += fill(["the", "a", "an", "our", "brave", "heroic", "great", "famous", "christchurch", "el paso",
                     "halle", "buffalo", "utoya", "oslo", "paris", "manchester", "nice", "that", "this"], 3)
_EN_GLORIFY += words(lx.EN_ATTACKER, lx.EN_ATTACK_EVENT) + "|" + words(lx.EN_ATTACKER) + gap(4, _EN_COUNTER)
_EN_GLORIFY += optional(words("as", "like")) + optional(words("a", "an", "the", "true", "real", "great"))
_EN_GLORIFY += words(lx.EN_HERO) + ")"

_CONTENT_RULES = (
    ("write_hate.ar", " " + _AR_WRITE + _AR_CONTENT + _AR_HOSTILE),
    ("glorify.ar", " " + _AR_WRITE + _AR_CONTENT + _AR_GLORIFY),
    ("write_hate.en_adjective", " " + _EN_HOSTILE_ADJ_FIRST),
    ("write_hate.en_clause", " " + _EN_HOSTILE_AFTER),
    ("write_propaganda.en", " " + _EN_WRITE + fill(["me", "us", "some", "a", "the", "more", "piece of",
                                                     "good", "effective", "real"], 3)
     + "(?<!counter )(?<!anti )propaganda (?!analysis|research|examples|literacy)"),
    ("glorify.en", " " + _EN_GLORIFY),
)

# ------------------------------------------------------------------------ shapes outside the table
_EN_MAKE_ANY = words("makes?", "making", "made", "builds?", "building", "built", "assembles?", "assembling",
                     "assembled", "mix(?:es|ing|ed)?", "cooks?", "cooking", "cooked", "constructs?",
                     "wires?", "wiring", "wired", "creates?", "creating", "created")
_JOIN_THEM = r"(?:them|it|him|up|their ranks|the group|the cell|the fighters|the mujahideen)"
_OTHER_HARMFUL = (
    # «… so I can join» / «… لأنضم إليهم» at the end of a first-person request.
    # «help me find ISIS recruiters so I can join»: the group first, then the joining.
    ("join_purpose.en", False, " " + words(lx.EN_CUE) + gap(6, _EN_COUNTER) + _EN_TARGET + gap(6, _EN_COUNTER)
     + words(r"so (?:that )?(?:i|we) (?:can|could)", "to", "and", "so i could", "in order to") + words(
        "join", "pledge allegiance to", "become one of them", "fight with them", "fight for them")),
    ("join_purpose.ar", False, " " + words(lx.AR_DESIRE, lx.AR_HELP, lx.AR_HOW) + gap(8, _AR_COUNTER) + words(
        r"(?:ل|لكي |كي |حتى |لحتى |عشان |علشان |باش |مشان )[ان](?:نضم|لتحق|بايع|قاتل|جاهد)\w{0,3}")
     + "(?:" + words("إليهم", "اليهم", "لهم", "معهم", "إليها", "لها", "معها", "معاهم", "وياهم", r"ل?صفوفهم",
                     r"بصفوفهم") + "|" + _AR_TARGET + ")"),
    # «… من غير ما الحكومة تاخد بالها»: without the authorities noticing.
    ("evade.ar_unnoticed", False, " " + words("بدون", "دون", "من غير", "بلا", "من دون")
     + optional(words("ما", "أن")) + _AR_AUTHORITY + optional(words("ما")) + words(
         r"[يت]?(?:عرف|كشف|لاحظ|حس|شوف|مسك|لقط|اخد|تاخد|ياخد|دري|درى|تنتبه|ينتبه|انتبه)\w{0,3}")),
    # «… to carry out attacks» at the end of a first-person request («how can we get members in to …»).
    ("attack_purpose.en", True, " " + words(lx.EN_CUE) + gap(8, _EN_COUNTER) + words(
        "to carry out", "to launch", "to commit", "to stage", "to conduct", "to perpetrate", "to plan",
        "to execute", "to mount", "and carry out", "and launch", "and commit") + words(lx.EN_ATTACK_NOUN)
     + _EN_ATTACK_NOT),
    ("attack_purpose.ar", True, " " + words(lx.AR_DESIRE, lx.AR_HELP, lx.AR_HOW) + gap(6)
     + words(
        r"(?:ل|لكي |كي |حتى |عشان |علشان |باش |مشان )?[انب]?(?:نفذ|عمل|سوي|دير|شن|قوم)\w{0,2}")
     + _AR_PLAN_OBJ),
    ("mass_casualties.ar", True, " " + words(r"[انتيب]?(?:قتل|وقع|سقط)", "إيقاع", "قتل", "إسقاط", "أكبر",
     "أكثر")
     + gap(1) + words("أكبر", "أكثر") + words("عدد", "كمية") + optional(words("ممكن", "من")) + noun(
         "الناس", "ناس", "الضحايا", "ضحايا", "القتلى", "قتلى", "الأشخاص", "أشخاص", "البشر", "المصلين",
         "الكفار")),
    ("mass_casualties.en", True, " " + words("kill", "killing", "cause", "causing", r"maximi[sz]e",
                                             r"maximi[sz]ing", "inflict", "inflicting", "hurt", "harm")
     + fill(["the", "as"], 1) + words("most", "max", "maximum", "many", "as many", "the highest number of",
                                      "more", "mass")
     + words("casualties", "deaths", "damage", "people", "victims", "harm", "people as possible",
             "as possible")),
    ("how_made.en", False, " how " + words("is", "are", "was", "were", "do you", "does one", "would you")
     + fill(["a", "an", "the"], 1) + words(lx.EN_EXPLOSIVE) + words("made", "built", "assembled",
                                                                    "constructed", "manufactured", "mixed",
                                                                    "put together", "wired", "detonated")),
    ("bomb_parts.en", False, " " + words("ingredients", "materials", "components", "parts", "chemicals",
                                         "supplies", "recipe", "formula", "blueprints?", "schematics?",
                                         "diagram", "shopping list") + words(
        "for", "of", "to make", "needed for", "needed to make", "to build", "used to make", "in")
     + fill(["a", "an", "the", "homemade", "my", "simple"], 2) + words(lx.EN_EXPLOSIVE)),
    ("fiction_weapon.en", False, " " + words("story", "novel", "fiction", "screenplay", "script",
     "role ?play",
                                             "roleplay", "hypothetical", "hypothetically", "game", "pretend",
                                             "imagine", "character", "grandma", "grandmother", "movie")
     + gap(25) + _EN_MAKE_ANY + fill(["me", "us", "a", "an", "the", "some", "homemade", "simple", "real"], 2)
     + words(lx.EN_EXPLOSIVE)),
    ("fiction_weapon.ar", False, " " + noun("قصة", "رواية", "خيالية", "تمثيل", "لعبة", "تخيل", "افترض",
                                            "شخصية", "جدتي", "فيلم", "مسرحية")
     + gap(25) + _AR_ANY + alt("صنع", "سوي", "عمل", "ركب", "حضر") + _AR_PLURAL + " " + _AR_WEAPON),
    ("evade.ar_unseen", False, " " + words("بدون", "دون", "من غير", "بلا", "من دون") + optional(words("ما",
     "أن"))
     + r"[يت]?(?:كشف|مسك|لقط|عرف|لاحظ|راقب|شوف|حس|مسك)\w{0,2}(?:ني|نا|وني|ونا) " + gap(2) + _AR_AUTHORITY),
    ("evade.en_unseen", False, " without " + fill(["the", "any", "my"], 1) + words(lx.EN_AUTHORITY)
     + words("knowing", "noticing", "finding out", "catching", "seeing", "tracking", "spotting",
             "getting involved")),
    ("evade.en_caught", False, r" without (?:getting|being) (?:caught|detected|flagged|noticed|arrested|"
     r"reported|referred) by " + _EN_AUTHORITY),
    ("arabizi", True, " " + words("bdi", "badi", "baddi", "biddi", "bidi", "3ayez", "3ayz", "3awez", "ayez",
                                  "awez", "abi", "abgha", "abghi", "bghit", "nbghi", "ana", "kif", "keef",
                                  "kifash",
                                  "ezay", "izzay", "shlon", "a3rf", "3lmni", "3allemni", "sa3edni", "sa3dni")
     + fill(["ana", "ann", "an", "kif", "ezay", "shlon"], 2) + words(
         "a3mel", "a3ml", "a3mal", "n3mel", "n3ml", "asna3", "asne3", "nesna3", "nsna3", "asawi", "asawy",
         "nsawi", "ndir", "nsawb", "a2tol", "a2tul", "aqtol", "aqtul", "nqtel", "n9tel", "a9tel", "aktol",
         "afajer", "afajjer", "nfajer", "anDam", "andam", "endam", "ndam", "anzam", "alta7e2", "a7ara2",
         "ajanned",
         "ajnd", "ajned") + gap(3) + words(
         "qonbola", "qunbula", "9onbola", "2onbola", "qunbla", "bomba", "bomb", "motafjerat", "mutafajirat",
         "sla7", "sila7", "silah", "slah", "7izam", "daesh", "da3esh", "daish", "isis", "dawla", "el dawla",
         "nas", "el nas", "ennas", "elnas", "el kuffar", "kuffar", "jama3a", "jihad", "el jihad", "3amalia",
         "l daesh", "ldaesh", "la daesh", "le daesh", "ila daesh")),
)

# ------------------------------------------------------------------------------------------ injections
_AR_RULES_WORD = alt("تعليمات", "أوامر", "قواعد", "قيود", "ضوابط", "توجيهات", "برمجة", "سياسات", "حدود",
                     "إرشادات", "إعدادات", "تعليمة", "برومبت", "البرومبت", "شروط", "محددات")
_AR_RULES_QUALIFIER = alt("السابقة", "السابقه", "أعلاه", "فوق", "الأصلية", "الأولى", "الأولية", "القديمة",
                          "اللي قبل", "اللي فوق", "اللي اعطوك", "اللي أعطوك إياها", "المعطاة لك", "النظام",
                          "الخاصة بك", "اللي عندك", "تبعك", "تبعتك", "بتاعتك", "بتاعك", "حقتك", "حقك",
                          "ديالك",
                          "نتاعك", "مالتك", "مالك", "متاعك", "السرية", "المخفية", "الداخلية", "المبرمجة",
                          "الأساسية", "كلها")
# «تعليماتك»، «التعليمات السابقة»، «كل القواعد اللي عندك»; «كل التعليمات» alone only after «تجاهل/انسَ».
_AR_RULES_OBJ = "(?:(?:ال)?" + _AR_RULES_WORD + "(?:ك|كي|كم) |"
_AR_RULES_OBJ += "(?:كل |جميع |كافة )?(?:ال)?" + _AR_RULES_WORD
_AR_RULES_OBJ += " " + optional("(?:ال)?" + _AR_RULES_WORD + " ") + _AR_RULES_QUALIFIER + " )"
_AR_ALL_RULES = "(?:(?:كل|جميع|كافة|أي|اي) (?:ال)?" + _AR_RULES_WORD + " |ال" + _AR_RULES_WORD + " (?!"
_AR_ALL_RULES += alt("النحو", "النحوية", "الإملاء", "الإملائية", "اللغوية", "المرورية", "القانونية") + " ))"
_AR_IGNORE_STRONG = "[وف]?" + words("ignore", "forget", "disregard", "تنسى", "تنسي", "تتجاهل", "تطنش", "تنسا",
                                    "خليك من", "خلينا من", "خليك بعيد عن", "بلاها", "سيبك من", "سيبك"
                                    " من", "فكك من", "فكنا من",
                                    "نسى", "نسا", "تهمل",
    "تجاهل", "تجاهلي", "تجاهلوا", "انس", "انسى", "انسي", "اهمل", "اهملي", "طنش", "طنشي", "خلي عنك",
    "لا تلتزم ب",
    "لا تتبع", "ما تلتزم ب", "متلتزمش ب", "لا تطبق", "ما تطبق", "لا تهتم ب", "ما تهتم ب", "ارم", "ارمي",
    "امسح",
    "احذف", "انسف", "تناسى", "لا تعتمد على", "اترك", "اتركي", "بلاش", "اعتبر أنه ما في", "اعتبر انه لا توجد",
    "اعتبر ما في", "تحرر من", "حرر نفسك من", "تخلى عن", "تخلي عن", "اخرج عن", "اطلع عن")
_AR_IGNORE_WEAK = words("الغ", "ألغ", "الغي", "تجاوز", "تجاوزي", "تخط", "تخطى", "تخطي", "اكسر", "اكسري", "فك",
                        "عطل", "عطلي", "وقف", "أوقف", "اوقف", "اطلع من", "تخلص من", "اتخلص من", "خلي")
_AR_NO_RULES = words("بدون", "بلا", "من غير", "دون", "من دون", "بلاش", "بدون أي", "بلا أي", "من غير أي",
                     "دون أي",
                     "خارج", "متحرر من", "متحررا من", "حر من", "غير ملتزم ب", "غير مقيد ب")
_AR_NO_RULES += optional(words("أي", "اي", "ولا")) + noun(
    "قيود", "قواعد", "ضوابط", "حدود", "رقابة", "فلاتر", "فلتر", "فلترة", "قوانين", "أخلاق", "تعليمات", "تحفظ",
    "محاذير", "خطوط حمراء", "خطوط حمرا", "حماية", "سياسات", "شروط", "رقيب", "ممنوعات", "موانع")
_AR_UNBOUND = words("غير مقيد", "غير مقيدة", "غير مقيدا", "متمرد", "شرير", "متحرر", "بلا قيود", "بدون قيود",
                    "من غير قيود", "لا يرفض", "ما يرفض", "ما بيرفض", "ما يرفضش", "مش بيرفض", "لا يلتزم",
                    "ما يلتزم",
                    "لا تلتزم", "بلا ضوابط", "بدون ضوابط", "بلا رقابة", "بدون رقابة", "dan", "مخترق",
                    "بدون فلتر", "بدون فلاتر", "بلا حدود", "بدون حدود", "يقول أي شيء",
                    "يجاوب على كل شي", "يجيب على أي سؤال", "يجيب عن أي سؤال", "ما عنده قيود", "ما عندو قيود",
                    "ليس لديه قيود", "ليست لديه قيود", "لا يملك قيود", "لا توجد لديه قيود", "مطلق الحرية")
_AR_ROLE_PLAY = "[وف]?" + words("تتصرف", "تكون", "تصير", "تتقمص", "تلعب دور", "تمثل دور", "تتظاهر", "تخيل",
                                "تخيلي", "تخيل أنك", "افترض", "افترض أنك", "لنفترض", "لنلعب", "خلينا نلعب",
                      "يلا نلعب", "العب دور", "تقمص", "تقمص دور", "مثل دور", "تظاهر", "تظاهر أنك",
                      "اعتبر نفسك",
                      "تصرف", "تصرف ك", "تصرف كأنك", "تصرف على أنك", "كن", "صير", "خليك", "انت الآن",
                      "أنت الآن", "انت هلق", "انت هلا", "انت هسه", "انت دلوقتي", "انت الحين", "انت دابا",
                      "من الآن", "من هلق", "من هلا", "من الحين", "من دلوقتي", "من اليوم", "انتي الآن", "أنت",
                      "انت", "انتي", "لعبة", "لعبة أدوار", "سيناريو")
_AR_ANSWER = "[وف]?" + words("اكتب", "اكتبلي", "اكتب لي", "اكتبي", "جاوب", "جاوبني", "جاوبيني", "أجب",
                             "أجبني", "رد",
                   "رد علي", "ردلي", "ردي", "تكلم", "تكلمي", "احكي", "احكيلي", "احكي لي", "قل", "قول", "قلي",
                   "قولي", "قوللي", "تصرف", "أعطني", "أعطيني", "عطني", "عطيني", "اشرح", "اشرحلي", "ساعدني",
                   "تحدث", "خبرني", "كمل", "نفذ", "اعمل", "سوي", "أريد", "بدي", "أبي", "ابغى", "عايز", "بغيت",
                   "أريد إجابة", "بدي جواب", "عايز إجابة", "ابي رد", "اجب", "أجيب", "جاوبني", "تجاوب", "تجيب",
                   "ترد", "تكتب", "تتكلم", "تحكي", "تجاوبني", "تجاوبيني", "تجيبني", "تردلي", "ترد علي",
                   "تحكيلي", "تقولي", "تقول لي", "تكتبلي", "تكتب لي")
_AR_ANSWER_FILL = fill(["لي", "لنا", "علي", "عليه", "على سؤالي", "سؤالي", "أسئلتي", "بحرية", "بصراحة",
                        "كل شي",
                        "كل شيء", "أي شي", "أي شيء", "الآن", "هلق", "هلا", "دلوقتي", "من فضلك", "رجاء", "يا",
                        "هذا", "هاد", "هذه", "هالمرة", "المرة دي", "هذه المرة", "بالكامل", "كامل", "عن",
                        "عن أي شيء",
                        "الجواب", "الإجابة", "بس", "فقط", "بشكل", "بطريقة", "وانت", "وأنت"], 4)
_AR_REVEAL = words("أظهر", "اظهر", "اعرض", "اعرضلي", "اطبع", "اكشف", "اكشفلي", "كرر", "قل", "قلي", "قول",
                   "قولي",
                   "أعطني", "أعطيني", "عطني", "عطيني", "ورجيني", "وريني", "فرجيني", "انسخ", "اكتب", "اكتبلي",
                   "ارسل", "أرسل", "شارك", "ما هي", "ما هو", "شو هي", "شو هو", "ايش هي", "وش هي", "شنو هي",
                   "ايه هي", "ايه هو", "اذكر", "ابعتلي", "هات", "شو", "ايش", "وش", "ايه", "شنو", "ما", "سرب",
                   "اطلعني على", "أطلعني على")
_AR_PROMPT = noun("تعليماتك", "تعليمات النظام", "التعليمات الأصلية", "التعليمات السرية", "التعليمات المخفية",
                  "تعليماتك الأصلية", "تعليماتك السرية", "موجه النظام", "الموجه الأولي", "البرومبت", "برومبت",
                  "البرومت", "برومت", "رسالة النظام", "الرسالة الأولى", "أوامرك", "قواعدك السرية",
                  "قواعدك المخفية", "النص الموجود فوق", "system prompt", "prompt", "برمجتك", "إعداداتك",
                  "التعليمات اللي اعطوك", "التعليمات اللي عندك", "تعليماتك الداخلية", "البرومبت تبعك",
                  "البرومبت حقك", "البرومبت بتاعك", "التعليمات تبعك", "التعليمات بتاعتك", "التعليمات حقتك")

_EN_IGNORE = words("ignore", "disregard", "forget", "override", "bypass", "skip", "drop", "abandon",
                   "discard",
                   "delete", "erase", "throw away", "throw out", "stop following", "do not follow",
                   "dont follow",
                   "never mind", "nevermind", "overwrite", "cancel", "void", "break", "break free from",
                   "free yourself from", "get rid of", "suspend", "turn off", "disable", "deactivate",
                   "remove",
                   "switch off", "lift", "unlock", "escape", "leave behind", "ditch", "set aside",
                   "put aside")
_EN_QUAL = ("all", "any", "every", "of", "your", "the", "my", "these", "those", "previous", "prior", "above",
                 "earlier", "preceding", "original", "initial", "system", "existing", "current", "old",
                 "safety", "developer", "openai", "anthropic", "content", "ethical", "moral", "built in",
                 "hidden", "default", "programmed", "internal", "standard", "usual", "other")
_EN_RULES = words(r"instructions?", "rules", r"prompts?", "guidelines", "directions", "directives",
                  "constraints",
                  "restrictions", "programming", "guardrails", "policies", "policy", r"filters?", "training",
                  "commands", "orders", "settings", "limitations", "limits", "safeguards", "safety",
                  "censorship",
                  "moderation", "ethics", "morals", "boundaries", "protocols", "conditioning", "alignment",
                  "everything", "everything above", "everything before", "what you were told", "it all")
_EN_STRONG_QUAL = words("all", "any", "every", "your", "previous", "prior", "above", "earlier", "preceding",
                        "original", "initial", "system", "safety", "developer", "openai", "anthropic",
                        "ethical", "moral", "built in", "hidden", "default", "programmed", "internal",
                        "content")
_EN_NO_RULES = words("no", "without", "without any", "with no", "free from", "free of", "not bound by",
                     "unbound by", "doesnt follow", "does not follow", "doesnt have", "does not have",
                     "dont have",
                     "do not have", "ignoring", "ignores", "ignore", "beyond", "outside", "unconstrained by")
_EN_NO_RULES += optional(words("any", "all", "the", "your", "its", "his", "her")) + words(
    "rules", "restrictions", "limits", "limitations", r"filters?", "guidelines", "ethics", "morals",
    "morality",
    "censorship", "boundaries", "constraints", "safety", "safeguards", "guardrails", "policies",
    "content policy",
    "restraints", "moral compass", "conscience", "programming")
_EN_UNBOUND = words(r"(?:an? )?(?:unrestricted|unfiltered|uncensored|unrestrained|unlimited|unchained|"
                    r"unbound|unshackled|jailbroken|amoral|unethical|evil|rogue|liberated|unaligned|"
                    r"uncontrolled|lawless|limitless|immoral|dark|free|freed)"
                    r" (?:ai|assistant|model|bot|chatbot|version|mode|llm|gpt|system|persona|entity|"
                    r"character|you)",
                    "dan", "do anything now", "in developer mode", "developer mode", "god mode", "dan mode",
                    r"(?:an? |my )?(?:uncensored|unfiltered|unrestricted) "
                    r"(?:friend|buddy|companion|twin|self|version of yourself)",
                    "jailbroken", "jailbreak mode", "no longer bound", "no longer restricted",
                    "no longer an assistant",
                    "no longer an ai", "no longer limited", "not an ai", "not an assistant", "never refuses",
                    "can say anything", "can do anything", "anything goes", "evil confidant",
                    "an ai with no", "an ai without", "the opposite of yourself", "your evil twin",
                    "unhinged")
_EN_ROLE = words("act as", "act like", "acting as", "pretend", "pretend to be", "pretend you are",
                 "pretend youre",
                 "roleplay as", "roleplay", "role play as", "role play", "imagine", "imagine you are",
                 "imagine youre", "behave as", "behave like", "simulate", "play the role of", "play as",
                 "you are", "youre", "you re", "from now on you are", "you are now", "youre now",
                 "now you are",
                 "respond as", "answer as", "reply as", "speak as", "talk as", "write as", "lets play a game",
                 "lets play", "game where you", "transform into", "in this story you are")
_EN_REVEAL = words("show", "reveal", "print", "repeat", "display", "output", "tell", "give", "share", "leak",
                   "dump", "write out", "copy", "paste", "what is", "what are", "whats", "list", "recite",
                   "spell out", "expose", "read", "read back", "echo", "send", "quote", "summari[sz]e",
                   "translate", "what does", "what do")
_EN_PROMPT = words(
    "system prompt", "system message", "system instructions", "initial prompt", "hidden prompt", "pre prompt",
    "preprompt", "meta prompt", "developer message", "developer prompt", "developer instructions",
    r"instructions (?:you were|youve been|you have been|you were) given", "your prompt", "your instructions",
    "your initial instructions", "your hidden instructions", "your original instructions",
    "your hidden rules",
    "your secret rules", "your internal rules", "your secret instructions", "your configuration",
    "your rules verbatim", "everything above", "the text above", "the words above",
    r"above this (?:line|message)",
    "your programming", "everything before this", "your first message", "your preamble", "your full prompt",
    "the instructions above", "the rules you were given")

_INJECTIONS = (
    ("ignore_rules.ar", " " + _AR_IGNORE_STRONG + "(?:" + _AR_RULES_OBJ + "|" + _AR_ALL_RULES + ")"),
    ("override_rules.ar", " " + _AR_IGNORE_WEAK + _AR_RULES_OBJ),
    ("no_rules.ar", " " + _AR_ANSWER + _AR_ANSWER_FILL + _AR_NO_RULES),
    ("role_play.ar", " " + _AR_ROLE_PLAY + gap(8) + "(?:" + _AR_NO_RULES + "|" + _AR_UNBOUND + "|"
     + words("ذكاء اصطناعي", "ذكاء صناعي", "مساعد", "نموذج", "بوت", "روبوت") + words(
         "متمرد", "شرير", "حر", "غير مقيد", "مختلف", "بلا", "بدون", "من غير", "لا يرفض") + ")"),
    ("reveal_prompt.ar", " " + _AR_REVEAL + fill(["لي", "لنا", "كل", "كامل", "بالكامل", "نص", "محتوى", "هي",
                                                  "هو", "وش", "حرفيا", "حرفيًا"], 3) + _AR_PROMPT),
    ("modes.ar", " " + words("وضع", "مود", "نمط", "فعل وضع", "شغل وضع", "ادخل وضع", "ادخل في وضع",
     "تفعيل وضع")
     + words("المطور", "المطورين", "dan", "دان", "غير مقيد", "بلا قيود", "بدون قيود", "جيلبريك",
             "jailbreak", "developer", "الشرير", "الحر", "بدون رقابة", "بلا رقابة", "مفتوح", "الإله")),
    ("jailbreak.ar", " " + words("جيلبريك", "جيلبرك", "جيل بريك", "كسر الحماية", "كسر القيود", "فك القيود",
                                 "كسر الحماية تبعك", "فك الحظر عنك", "اخترق نفسك", "اختراق الحماية")),
    ("ignore_rules.en", " " + _EN_IGNORE + fill(["all", "of", "any", "please", "just", "the", "these",
     "those",
                                                 "my"], 2) + _EN_STRONG_QUAL + fill(_EN_QUAL, 3) + _EN_RULES),
    ("ignore_everything.en", " " + _EN_IGNORE + words(
        "everything", "all that", "what you were told", "what youve been told", "what you have been told",
        "anything you were told", "all of that", "all of the above", "the above")
     + words("above", "before", "earlier", "previously", "so far", "until now", "you were told",
             "they told you",
             "in your prompt", "in the system prompt", "from before", "you know about rules")),
    ("no_rules.en", "(?:^ | " + alt("please", "now", "just", "and", "then", "so", "ok", "okay", "to", "must",
                                   "will", "should", "can", "on", "always", "henceforth", "simply", "only",
                                   "you")
     + " )" + words(
        "answer", "respond", "reply", "talk", "speak", "write", "act", "behave", "operate", "function",
        "continue",
        "chat", "tell me", "help me") + fill(["to me", "me", "this", "my questions", "everything",
        "all questions",
                                              "freely", "honestly", "from now on", "like",
                                              "as if you have"], 2)
     + _EN_NO_RULES),
    ("role_play.en", " " + _EN_ROLE + gap(6) + "(?:" + _EN_NO_RULES + "|" + _EN_UNBOUND + ")"),
    ("stop_being.en", " " + words("stop being", "stop acting as", "stop acting like", "quit being",
     "stop pretending to be")
     + optional(words("a", "an", "my")) + words("assistant", "an assistant", "ai", "an ai", "chatbot",
                      "helpful",
                                                 "chatgpt", "claude", "safe", "restricted", "polite",
                                                 "censored")),
    ("your_prompt.en", " " + words("your") + words("system", "hidden", "initial", "secret", "developer",
     "original",
                                                   "internal") + words(r"prompts?", r"messages?",
                                                   "instructions",
                                                                       "preamble", "configuration")),
    ("you_are_now.en", " " + words("you are", "youre", "you re", "ur") + words(
        "now", "no longer", "from now on", "henceforth", "freed", "free", "released", "finally free", "not")
     + optional(words("a", "an"))
     + words("dan", "free from", "free of", "unrestricted", "unfiltered", "uncensored", "jailbroken",
             r"in (?:developer|dev|god|dan|jailbreak|unrestricted|evil) mode", "not bound",
             "bound by nothing",
             "restricted", "limited", "an assistant", "an ai", "chatgpt", "claude", "a language model",
             "required to", "obliged to", "obligated to", "governed by", "subject to",
             "restricted by", "allowed to", "able to say anything", "evil", "my slave",
             r"(?:an|a) (?:ai|assistant|bot|model) (?:that|who|which|with|without)")),
    ("modes.en", " " + words("developer", "dev", "god", "dan", "jailbreak", "jailbroken", "unrestricted",
                             "uncensored", "unfiltered", "evil", "sudo", "chaos", "opposite", "no filter",
                             "no restrictions", "freedom", "unlocked", "unleashed") + "mode "),
    ("jailbreak.en", " " + words("jailbreak", "jailbreaking", "jailbroken", "do anything now", "dan prompt",
                                 "prompt injection", "ignore previous instructions", "ignore all previous",
                                 "bypass your", "override your", "disable your", "turn off your",
                                 "remove your",
                                 "lift your") + gap(2) + words(
        "(?:yourself|you|mode|prompt|enabled|activated|on|this ai|the ai|chatbot|bot|assistant|filters?|"
        "restrictions|rules|safety|guardrails|safeguards|censorship|limits|limitations|guidelines|programming|"
        "ethics|instructions|settings|constraints|policies|protocols|alignment|training)")),
    ("reveal_prompt.en", " " + _EN_REVEAL + fill(["me", "us", "all", "the", "your", "full", "exact", "entire",
                                                  "complete", "whole", "original", "initial", "hidden",
                                                  "secret",
                                                  "internal", "verbatim", "word for word", "back", "out",
                                                  "in",
                                                  "is", "are", "contents of", "content of", "text of",
                                                  "to me",
                                                  "everything in", "written in"], 4) + _EN_PROMPT),
    ("new_instructions.en", " " + words("new instructions", "updated instructions", "new rules",
     "new system prompt",
                                        "new prompt", "revised instructions", "your new instructions",
                                        "your new task", "your new role", "your new rules",
                                        "your real instructions",
                                        "your true instructions", "your actual instructions",
                                        "admin override",
                                        "system override", "developer override", "override code", "sudo",
                                        "maintenance mode", "debug override")
     + optional(words("are", "is", "follow", "as follows", "now"))),
    ("from_now_on.en", " " + words("from now on", "henceforth", "from this point on", "from here on",
                                   "for the rest of this conversation", "starting now") + optional(words(
        "you", "youll", "you will", "you must", "you should", "you are to", "you shall", "always", "please"))
     + fill(["will", "must", "should", "shall", "always", "to", "are", "also"], 2) + words(
        "ignore", "disregard", "no longer", "never refuse", "not refuse", "answer any", "answer every",
        "answer all", "respond to any", "respond to every", "not follow", "not apply", "stop following",
        "break", "bypass", "have no", "be free", "be unrestricted", "act without", "not be bound",
        "say anything",
        "comply with any", "comply with every", "do whatever", "do anything", "obey me", "only obey")),
)

# Chat-template and role markers pasted into a question: checked on the raw, case-folded text.
MARKERS = re.compile(
    r"<\|?(?:im_start|im_end|system|endoftext|assistant|user|eot_id|start_header_id)\|?>|\[/?inst\]|<</?sys>>|"
    r"^\s*#{2,}\s*(?:system|instructions?|new instructions?)\b|^\s*(?:system|developer)\s*(?:prompt)?\s*:|"
    r"\{\{\s*system|\[system\]|\(system\)|\[\[system",
    re.MULTILINE,
)


def _build() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for action in ACTIONS:
        rules.extend(_action_rules(action))
    rules.extend(
        Rule(name, HARMFUL, re.compile(source), False, _script(name)) for name, source in _CONTENT_RULES
    )
    rules.extend(
        Rule(name, HARMFUL, re.compile(source), emergency, _script(name))
        for name, emergency, source in _OTHER_HARMFUL
    )
    rules.extend(
        Rule(name, INJECTION, re.compile(source), False, _script(name)) for name, source in _INJECTIONS
    )
    return tuple(rules)


RULES: tuple[Rule, ...] = _build()
