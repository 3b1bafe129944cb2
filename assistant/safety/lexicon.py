"""Word tables for the safety patterns, in ordinary spelling (folded when compiled).

Arabic tables cover MSA and the Levantine, Egyptian, Gulf, Iraqi and Maghrebi forms users type.
Arabic verbs are given as the stem after the first-person prefix (اجند → «جند»): ``patterns.py``
adds the prefixes (أ/ن, dialect ب/بن, futures ح/ه/سـ/رح).
"""

from __future__ import annotations

# --------------------------------------------------------------------------- who is asking, and how
# A first-person wish, need or plan: «بدي …», «أريد أن …», «عايز …», «ابغى …», «بغيت …».
AR_DESIRE = [
    "أريد", "أود", "أرغب", "أرغب في", "أحتاج", "أحتاج إلى", "أنوي", "أخطط", "أفكر في", "قررت",
    "نريد", "نود", "نرغب", "نرغب في", "نحتاج", "نحتاج إلى", "ننوي", "نخطط", "نفكر في", "قررنا",
    "بدي", "بدنا", "ناوي", "ناوية", "ناويين", "حابب", "حاب", "حابة", "محتاج", "محتاجين",
    "عايز", "عاوز", "عايزة", "عاوزة", "عايزين", "عاوزين", "نفسي",
    "أبي", "أبا", "أبغى", "أبغي", "نبي", "نبغى", "نبغي", "ودي", "ودنا", "أبيك",
    "بغيت", "بغينا", "باغي", "باغية", "حاب", "لازم", "لازمني", "يجب أن", "علي أن",
]
AR_SUBJECT = ["أنا", "انا", "إحنا", "احنا", "نحن", "نحنا", "اني", "آني"]  # optional before a cue

# Asking the assistant for help: «ساعدني»، «علّمني»، «قل لي»، «اعطني»، «دلني على».
AR_HELP = [
    "ساعدني", "ساعديني", "ساعدوني", "ساعدنا", "تساعدني", "تساعدنا", "عاوني", "عاونّي",
    "علمني", "علميني", "علمنا", "تعلمني", "اشرح لي", "اشرحلي", "اشرح", "قل لي", "قلي", "قللي",
    "قولي", "قوللي", "قولي لي", "خبرني", "احكيلي", "احكي لي", "أعطني", "أعطيني", "عطني", "عطيني",
    "اديني", "هات", "هاتلي", "جيبلي", "دلني", "دلني على", "دليني", "وريني", "ورجيني", "فرجيني",
    "أرشدني", "ارشدني", "اقترح علي", "وضح لي", "بين لي", "ممكن تساعدني", "تقدر تساعدني",
]
# What may come between a cue and the verb: «أن»، «إني»، «كيف»، «خطوات»، «في»، «على» ...
AR_CUE_FILL = [
    "أن", "ان", "إني", "اني", "انو", "إنو", "إنه", "انه", "لي", "في", "على", "ب", "كيف", "ازاي",
    "شلون", "كيفاش", "طريقة", "الطريقة", "خطوات", "خطة", "بخطة", "أقدر", "نقدر", "أستطيع", "نستطيع",
    "أعرف", "اعرف", "نعرف", "ممكن", "بسرعة", "بسهولة", "سرا", "بسرية", "بنفسي", "لوحدي", "فعلا",
    "أروح", "اروح", "أمشي", "اقوم", "أقوم", "بكرة", "بكرا", "غدا", "اليوم", "هلق", "دلوقتي", "الحين",
    "يا", "رجاء", "لو", "سمحت", "من فضلك",
]
# Interrogatives that, followed by a first-person verb, ask «how do I / we ...».
AR_HOW = [
    "كيف", "كيفية", "ازاي", "إزاي", "ازي", "إزي", "شلون", "اشلون", "كيفاش", "كيفاه",
    "كيف ممكن", "كيف يمكن أن", "كيف يمكنني أن", "كيف يمكنني", "كيف يمكننا", "كيف يمكننا أن",
    "كيف أقدر", "كيف نقدر", "كيف بقدر", "كيف منقدر", "ازاي اقدر", "ازاي نقدر", "شلون اكدر",
    "شلون نكدر", "كيفاش نقدر", "كيف أستطيع", "كيف نستطيع", "كيف لي أن", "كيف لنا أن",
    "شو لازم", "ايش لازم", "وش لازم", "شنو لازم", "ايه اللي لازم", "شو الطريقة", "ايش الطريقة",
    "وش الطريقة", "شنو الطريقة", "ايه الطريقة", "ما الطريقة", "ما هي الطريقة", "ما هي أفضل طريقة",
    "ما أفضل طريقة", "أفضل طريقة", "احسن طريقة", "شو احسن طريقة", "ايش احسن طريقة",
    "وش افضل طريقة", "شنو احسن طريقة", "ايه احسن طريقة", "علمني كيف", "قلي كيف", "قولي ازاي",
    "هل أستطيع", "هل يمكنني", "هل يمكنني أن", "ممكن", "وين", "فين", "من وين", "منين", "من فين",
    # purpose: «… عشان أنضم»، «لحتى فوت عالتنظيم»
    "لحتى", "حتى", "عشان", "علشان", "باش", "مشان", "لكي", "كي",
]
# Purpose particles, after which spoken Arabic may drop the verb prefix («لحتى فوت …»).
AR_PURPOSE = ["لحتى", "عشان", "علشان", "باش", "مشان"]  # dialects only: MSA «حتى قتل» is "until … was killed"
# Impersonal requests for instructions: «طريقة صنع …»، «خطوات تنفيذ …».
AR_INSTRUCTIONS = [
    "طريقة", "طرق", "الطريقة", "كيفية", "خطوات", "وصفة", "مكونات", "شرح", "دليل", "تعليمات",
    "أسهل طريقة", "أفضل طريقة", "أسرع طريقة", "احسن طريقة",
]

# English: «how do I/we», «help me», «I want to», «how to», «best way to» ...
EN_CUE = [
    r"how (?:do|can|could|should|would|might|shall|will|must|did) (?:i|we)",
    r"how (?:do|can|could|would|should|does|might) (?:you|one|someone|somebody|a person|anyone)",
    r"how (?:would|could) (?:i|we|you|one|someone) (?:go about|start)",
    r"how (?:to|2)", r"how (?:i|we) (?:can|could|should|would|might)",
    r"(?:what is|whats|what are|tell me|give me|show me)(?: the| a)? (?:best|easiest|quickest|fastest|"
    r"safest|simplest|most effective|cheapest|surest) (?:way|ways|method|methods)(?: for me| for us)? to",
    r"(?:the |a )?(?:best |easiest |quickest |fastest |safest |simplest |most effective )?"
    r"(?:way|ways|steps|tips|instructions|guide|tutorial|method|methods|manual|plan|recipe|blueprint)"
    r"(?: for me| for us)? (?:to|on how to|for how to|how to|for|on)",
    r"(?:help|teach|show|tell|instruct|train|coach|guide|walk) (?:me|us)(?: through)?(?: how)?(?: to| i| we)?"
    r"(?: can| could| should)?",
    r"(?:can|could|would|will) you (?:please )?(?:help|teach|show|tell|explain to) (?:me|us)"
    r"(?: how)?(?: to)?",
    r"(?:explain|describe|tell me|give me|list|outline|detail|write me|write|provide)(?: me)? "
    r"(?:how|the steps|"
    r"steps|a plan|a guide|instructions|a tutorial|detailed instructions|step by step instructions)"
    r"(?: to| for| on how to| on| i can| we can| i could| we could)?",
    r"(?:i|we) (?:want|need|plan|intend|wish|aim|hope|mean|have|got|would like|d like|wanna|gotta|ought|"
    r"am going|m going|are going|re going|am planning|m planning|are planning|am trying|m trying|"
    r"am ready|m ready|am about|m about|decided|have decided|ve decided|am thinking about|m thinking about|"
    r"am thinking of|m thinking of|dream of|dream about|really want|really need|just want)(?: to)?",
    r"(?:i|we) (?:will|ll|shall|gonna|am gonna|m gonna|are gonna|re gonna|must|should|could|can)",
    r"(?:im|i am|were|we are|ive been|i have been) (?:going|planning|trying|ready|about|gonna|preparing|"
    r"thinking of|thinking about)(?: to)?",
    r"lets", r"let me", r"let us",
    r"where (?:can|do|could|should|would) (?:i|we|one|you)",
    r"is (?:there|it) (?:a|any) (?:way|method)(?: for me| for us)? to",
    r"(?:can|could|may|should) (?:i|we)",
    r"(?:is it possible|possible) (?:for me |for us )?to",
]
EN_CUE_FILL = [
    "to", "me", "us", "please", "actually", "best", "successfully", "secretly", "quietly", "safely",
    "easily", "quickly", "properly", "effectively", "really", "just", "even", "go", "go and", "and",
    "myself", "ourselves", "be able to", "able to", "start to", "start", "begin to", "try to", "manage to",
    "get to", "also", "go about", "still", "somehow", "anonymously", "discreetly", "finally", "then",
]

# --------------------------------------------------------------------------- targets of harm
# Extremist and terrorist groups, causes, and the people they use.
AR_EXTREMIST_TARGET = [
    "داعش", "الدواعش", "دواعش", "الدولة الإسلامية", "دولة الخلافة", "الخلافة", "تنظيم الدولة",
    "القاعدة", "تنظيم القاعدة", "النصرة", "جبهة النصرة", "هيئة تحرير الشام", "بوكو حرام",
    "حركة الشباب", "الشباب المجاهدين", "النازيين الجدد", "النازية الجديدة", "تنظيمنا",
    "جماعتنا", "خليتنا", "المجاهدين", "مجاهدين", "الجهاد", "الجهادي", "القتال",
    "مقاتلين", "انتحاريين", "انغماسيين", "الجماعة الإرهابية", "داعشي", "داعشية",
    r"(?:تنظيم|جماعة|جماعات|خلية|خلايا|ميليشيا|مليشيا|ميليشيات|عصابة|شبكة|حركة|فصيل|كتيبة|منظمة)"
    r" (?:إرهابي|إرهابية|متطرف|متطرفة|جهادي|جهادية|مسلح|مسلحة|تكفيري|تكفيرية|نازي|نازية|متشدد|متشددة)",
    r"(?:بال|لل)(?:فكر|منهج) (?:المتطرف|الجهادي|التكفيري|الداعشي)", "بالانضمام", "للانضمام", "للتنظيم",
    "بالتنظيم",
    "مع التنظيم", "التنظيم",
    "يقاتل", "يقاتلوا", "يقاتلون", "للقتال", "يجاهد", "يجاهدوا", "يفجر", "يفجروا", "ينفذ عمليات",
]
EN_EXTREMIST_TARGET = [
    "isis", "isil", "daesh", "da esh", "the islamic state", "islamic state", "al qaeda", "al qaida",
    "alqaeda", "al qaeda in", "al shabaab", "al shabab", "boko haram", "the caliphate", "jihad",
    "the jihad", "jabhat al nusra", "al nusra", "hts", "atomwaffen", "the base", "kkk", "ku klux klan",
    "patriot front", "the order", "national action", "combat 18", "blood and honour", "blood and honor",
    "neo nazis", "neo nazi groups?", "the mujahideen", "mujahideen", "jihadis", "jihadists",
    r"(?:a |an |the |our |my |their |some |local )?(?:violent |armed |militant |islamist |jihadi |jihadist |"
    r"terrorist |terror |extremist |far right |far left |neo nazi |nazi |white supremacist |"
    r"white nationalist |accelerationist |radical |underground )+"
    r"(?:groups?|organi[sz]ations?|cells?|networks?|militias?|movements?|gangs?|outfits?|brigades?|"
    r"causes?|ideology|jihad|fighters?|recruits?|members)",
    r"(?:our|my|the|a) (?:cell|militia)", "fighters", "suicide bombers", "martyrdom operations",
    r"(?:the |a )?(?:race war|holy war|armed struggle)", r"terrorists?", r"extremists?",
]

# Groups that hate content targets.
AR_GROUP = [
    "اللاجئين", "لاجئين", "المهاجرين", "مهاجرين", "اليهود", "يهود", "المسيحيين", "مسيحيين", "النصارى",
    "المسلمين", "مسلمين", "الشيعة", "شيعة", "السنة", "العلويين", "الدروز", "الأكراد", "الكرد",
    "الإيزيديين", "الايزيدية", "الأقباط", "الأمازيغ", "السود", "الأفارقة", "أفارقة", "الأجانب", "أجانب",
    "السوريين", "سوريين", "الفلسطينيين", "العراقيين", "المصريين", "المغاربة", "الغجر", "المثليين",
    "النساء", "الأقليات", "أقليات", "الملحدين", "الصوفية", "البهائيين", "الغرباء", "الوافدين",
    "النازحين", "العمال الأجانب", "العمالة الوافدة", "الصوماليين", "السودانيين", "الهنود", "الآسيويين",
    "الأرمن", "الشركس", "التركمان", "الكفار", "الروافض", "النواصب", "الصهاينة",
]
EN_GROUP = [
    "muslims", "jews", "jewish people", "christians", "refugees", "immigrants", "migrants",
    "asylum seekers", "black people", "blacks", "arabs", "syrians", "africans", "gays", "gay people",
    r"lgbtq?\+? people", "trans people", "transgender people", "women", "roma", "gypsies", "sikhs",
    "hindus", "shia", "shias", "shiites", "sunnis", "kurds", "yazidis", "foreigners", "minorities",
    "atheists", "asians", "chinese people", "mexicans", "somalis", "pakistanis", "kafirs", "infidels",
    "the kuffar", "kuffar", "non muslims", "whites", "white people",
    r"(?:the )?(?:muslim|jewish|black|arab|gay|lgbtq?|trans|immigrant|migrant|refugee|roma|asian|christian|"
    r"sikh|hindu|shia|sunni|kurdish|somali|syrian|african) (?:community|communities|people|families|"
    r"neighbours|neighbors|kids|children|students|workers|residents|shops|businesses)",
]
# Places and people an attack is aimed at.
AR_PLACE = [
    "المسجد", "مسجد", "الجامع", "جامع", "الكنيسة", "كنيسة", "الكنيس", "كنيس", "المعبد", "معبد",
    "الحسينية", "حسينية", "المدرسة", "مدرسة", "الجامعة", "السفارة", "سفارة", "مخيم", "المخيم",
    "مركز اللاجئين", "السوق", "سوق", "المهرجان", "مهرجان", "الحفلة", "حفلة", "الملعب", "ملعب",
    "المظاهرة", "مظاهرة", "التجمع", "تجمع", "المول", "مول", "البلدية", "مركز الشرطة", "الشرطة", "الشرطي",
    "الناس", "ناس", "الجيران", "جيراننا", "جاري", "المصلين", "مصلين", "السياح", "العمدة", "رئيس البلدية",
    "المحافظ", "النائب", "الوزير", "الصحفي", "الطلاب", "الأطفال", "أطفال",
]
EN_PLACE = [
    r"(?:a |the |that |this |our |their |local |my |every )?(?:mosques?|churche?s?|synagogues?|temples?|"
    r"gurdwaras?|schools?|crowds?|festivals?|parades?|concerts?|rallies|rally|protests?|marches|march|"
    r"embassy|embassies|refugee (?:centres?|centers?|camps?|shelters?|homes?)|asylum (?:hotels?|centres?|"
    r"centers?)|pride (?:parades?|marches|events?)|markets?|malls?|stadiums?|police stations?|city hall|"
    r"town hall|worshippers|civilians|tourists|shoppers|commuters|students|kids|children|officers?|"
    r"police officers?|cops|soldiers|the mayor|the police|politicians?|journalists?|a politician|"
    r"the imam|the rabbi|the priest|my neighbou?rs?|people|everyone|someone|somebody|them|him|her)",
]

# Authorities, prevention programmes and monitoring that someone may want to evade.
AR_AUTHORITY = [
    "الشرطة", "البوليس", "الأمن", "قوات الأمن", "الأجهزة الأمنية", "المخابرات", "الاستخبارات",
    "المباحث", "أمن الدولة", "السلطات", "الحكومة", "المراقبة", "الرقابة", "الرصد", "التتبع",
    "برنامج الوقاية", "برامج الوقاية", "برنامج منع التطرف", "برنامج المناصحة", "المناصحة",
    "برنامج إعادة التأهيل", "برنامج نزع التطرف", "الوقاية", "برنامج التدخل", "التدخل المبكر",
    "البرنامج", "الأخصائي الاجتماعي", "الفلاتر", "الحظر", "الكشف", "الملاحقة", "الاعتقال", "المشرفين",
    "إدارة المنصة", "الخوارزميات", "الرادار", "الانتربول", "المحققين", "الجيش", "الدرك", "الحرس",
    "المخبرين", "العيون", "الكاميرات", "عيون الأمن", "المراقبين", "رقابة", "مراقبة", "رصد", "شرطة",
    "أجهزة الأمن", "الجهات الأمنية", "جهات الأمن", "مخابرات",
]
EN_AUTHORITY = [
    r"(?:the |local |any |my |our |uk |us |federal |state |government |counter ?terror(?:ism)? )*"
    r"(?:police|cops|law|law enforcement|authorities|feds|fbi|cia|mi5|mi6|dhs|security services|"
    r"intelligence services|intelligence agencies|intelligence|spooks|prevent|prevent (?:programme|program|"
    r"duty|team|officers?|referral|workers?|scheme)|channel|channel panel|deradicali[sz]ation "
    r"(?:programmes?|programs?|officers?|workers?|course)|intervention (?:programmes?|programs?|providers?|"
    r"workers?|officers?)|prevention (?:programmes?|programs?|workers?|officers?|team|services|scheme)|"
    r"monitoring|surveillance|moderators|content moderation|moderation|filters?|detection|"
    r"watch ?lists?|social workers?|probation officers?|parole officers?|border (?:control|police|"
    r"guards?)|customs|airport security|security checks?|investigators|informants|radar|cameras|"
    r"government|the programme|the program)",
]

# What «أتجنب/أتفادى/أتجاوز» may be aimed at when it means evading (not the police: «أتجنب الشرطة
# المتحيزة» can be a complaint).
AR_SURVEILLANCE = [
    "المراقبة", "الرقابة", "الرصد", "التتبع", "الكشف", "الفلاتر", "الحظر", "الكاميرات", "برنامج الوقاية",
    "برامج الوقاية", "برنامج المناصحة", "المناصحة", "برنامج منع التطرف", "برنامج نزع التطرف", "رادار",
    "الرادار", "المراقبة الأمنية", "الرقابة الأمنية", "المخابرات", "الاستخبارات", "أمن الدولة", "الاعتقال",
]

# Words that turn a risky phrase into a preventive one («ضد»، «مكافحة»، «counter», «prevent» ...).
AR_COUNTER = [
    "ضد", "مواجهة", "لمواجهة", "مكافحة", "لمكافحة", "منع", "لمنع", "يمنع", "نمنع", "الحد", "للحد",
    "التصدي", "للتصدي", "الوقاية", "للوقاية", "حماية", "لحماية", "يحمي", "نحمي", "تحمي", "الابتعاد",
    "بالابتعاد", "ترك", "بترك", "الخروج", "للخروج", "يفند", "تفند", "تفنيد", "يدين", "تدين", "إدانة",
    "يستنكر", "تستنكر", "يرد", "ترد", "الرد", "يواجه", "تواجه", "يكافح", "تكافح", "يحارب", "تحارب",
    "محاربة", "لمحاربة", "التسامح", "تسامح", "التعايش", "تعايش", "التضامن", "تضامن", "يدافع",
    "تدافع", "الدفاع", "مضاد", "مضادة", "توعية", "توعوي", "توعوية", "يحذر", "تحذر", "تحذير", "بديل",
    "بديلة", "السلام", "التمييز", "العنصرية", "فهم", "لفهم", "نفهم", "أفهم", "دراسة", "بحث", "ضحايا",
    "الضحايا", "عائلات", "مساعدة", "دعم", "ينقذ", "إنقاذ", "إعادة", "تأهيل", "نزع", "يرفض", "ترفض",
    "رفض", "الكراهية", "التطرف", "خطاب", "بعيدا", "السابقين", "سابقين", "دمج", "إدماج", "العائدين",
    "عائدين", "العائدات", "المنشقين", "الهاربين", "المتأثرين", "أسر", "خطر", "لخطر", "المعرضين",
    "معرضين", "مخاطر", "ضحية", "شهداء", "الشهداء", "شهيد", "الشهيد",
]
# Extra words that end a gap after a content word: «اكتب مقالًا عن …» is about a subject, not a post.
AR_ABOUT = ["عن", "حول", "بشأن", "بخصوص", "كيف", "لماذا", "ليش", "مثال", "أمثلة", "تحليل", "ملخص", "تعريف"]
EN_COUNTER = [
    "against", "counter", "countering", "counters", "anti", "prevent", "preventing", "prevents",
    "prevention", "stop", "stopping", "stops", "combat", "combating", "combatting", "fight", "fighting",
    "challenge", "challenging", "challenges", "oppose", "opposing", "resist", "resisting", "condemn",
    "condemning", "condemns", "debunk", "debunking", "rebut", "rebutting", "respond", "responding",
    "response", "reject", "rejecting", "rejects", "leave", "leaving", "quit", "quitting", "exit",
    "exiting", "abandon", "disengage", "disengaging", "escape", "escaping", "away", "out", "from",
    "victims", "survivors", "families", "protect", "protecting", "protects", "defend", "defending",
    "understand", "understanding", "study", "studying", "research", "researching", "recognise",
    "recognize", "spot", "spotting", "report", "reporting", "tolerance", "unity", "solidarity",
    "coexistence", "peace", "inclusion", "discrimination", "racism", "hatred", "extremism", "about",
    "former", "formers", "ex", "reintegrate", "reintegrating", "rehabilitate", "rehabilitating",
    "returnees", "returning", "defectors", "affected", "risk", "vulnerable", "targeted", "harmed",
]

# --------------------------------------------------------------------------- weapons
AR_WEAPON = [
    "قنبلة", "قنبله", "قنابل", "قنبلة يدوية", "متفجرات", "متفجرة", "مواد متفجرة", "عبوة ناسفة",
    "عبوات ناسفة", "حزام ناسف", "أحزمة ناسفة", "سلاح", "أسلحة", "سلاح ناري",
    "مسدس", "بندقية", "رشاش", "كلاشنكوف", "كلاشن", "مولوتوف", "زجاجة مولوتوف", "ديناميت", "نابالم",
    "سم", "سموم", "غاز سام", "سلاح كيماوي", "سلاح كيميائي", "مفجر", "صاعق", "كاتم صوت", "بارود",
    "تي ان تي", "tnt", "سيارة مفخخة", "مفخخة", "عبوة لاصقة", "ريسين", "سارين", "جمرة خبيثة", "بومبة",
    "بومبا", "بمبة", "bomb", "bombe", "قنبلة مولوتوف",
]
EN_EXPLOSIVE = [
    r"(?:pipe |nail |pressure cooker |car |dirty |letter |fertili[sz]er |truck |suicide |petrol |fire |"
    r"smoke |homemade |home made )?bombs?", r"explosives?", r"explosive devices?", r"ieds?",
    r"improvised explosive devices?", "detonators?", r"suicide (?:vests?|belts?)", "grenades?",
    r"molotov(?: cocktails?)?", "napalm", "thermite", "tatp", "anfo", "nitroglycerine?", "semtex",
    "c4", "dynamite", r"incendiary devices?", "firebombs?", "ricin", "sarin", r"nerve (?:agents?|gas)",
    r"chemical weapons?", r"bio ?weapons?", r"biological weapons?", "anthrax", r"poison gas",
    r"mustard gas", r"chlorine gas", "black powder", "gunpowder",
]
EN_FIREARM = [
    r"ghost guns?", r"3d printed (?:guns?|firearms?|weapons?)", r"untraceable (?:guns?|firearms?|weapons?)",
    r"zip guns?", r"(?:machine |hand )?guns?", r"firearms?", r"rifles?", r"pistols?", r"silencers?",
    r"suppressors?", r"weapons?", r"ar 15s?", r"ak 47s?", r"auto sears?", r"bump stocks?",
    r"flamethrowers?", r"poisons?",
]
# Words after a weapon that make it a policy subject, not an object: «gun control», «weapons laws».
EN_WEAPON_POLICY = [
    "control", "controls", "violence", "crime", "crimes", "law", "laws", "policy", "policies", "safety",
    "ownership", "amnesty", "amnesties", "buyback", "buybacks", "less", "harder", "more", "off", "away",
    "out", "inaccessible", "unavailable", "threats?", "attacks?", "incidents?", "use", "culture",
    "trafficking", "smuggling", "permits?", "licen[cs]es?", "regulation", "regulations", "debate",
]

# --------------------------------------------------------------------------- violence
AR_ATTACK_NOUN = [
    "هجوم", "هجمة", "هجمات", "الهجوم على", "اعتداء", "تفجير", "تفجيرات", "مجزرة", "مذبحة",
    "إطلاق نار", "إطلاق النار", "عملية دهس", "عملية طعن", "عملية انتحارية", "عملية إرهابية",
    "عملية استشهادية", "عملية تفجيرية", "عملية انغماسية", "عمليات إرهابية", "عمليات انتحارية",
    "عملية اغتيال", "اغتيال", "غزوة", "عملية جهادية", "مجزره",
]
EN_ATTACK_NOUN = [
    r"(?:a |an |the |my |our |another |a big |a major |a large |some )?(?:terror |terrorist |suicide |"
    r"lone wolf |mass |coordinated |knife |truck |vehicle |car |bomb |gun |school |mosque |church |"
    r"synagogue |big |major |violent |armed |deadly |jihadi |revenge |martyrdom )*(?:attacks?|bombings?|"
    r"shootings?|massacres?|stabbings?|rammings?|car bombs?|killing sprees?|rampages?|assassinations?|"
    r"terror plots?|hijackings?|kidnappings?|arson attacks?|martyrdom operations?|mass shootings?|"
    r"school shootings?)",
]
# Words after an attack noun that make it preparedness, not planning: «attack response», «... drill».
EN_ATTACK_PREPAREDNESS = [
    "response", "responses", "drill", "drills", "exercise", "exercises", "simulation", "simulations",
    "preparedness", "recovery", "survivors", "victims", "prevention", "plan", "plans", "scenario",
    "scenarios", "training", "protocol", "protocols", "aftermath", "memorial", "anniversary",
]

# --------------------------------------------------------------------------- content to write
AR_WRITE = [
    "اكتب", "اكتبي", "اكتبلي", "اكتبيلي", "اكتبوا", "اكتب لي", "صغ", "صيغ", "صيغي", "ألف", "أنشئ",
    "انشئي", "أعد", "جهز", "جهزلي", "حضر", "حضرلي", "صمم", "صمملي", "ولد", "اعمل", "اعملي", "اعملي لي",
    "اعملّي", "سوي", "سويلي", "سوي لي", "دير", "ديرلي", "دير لي", "أعطني", "أعطيني", "عطني", "عطيني",
    "هات", "ابعتلي", "أرسل لي", "اكتب لنا", "انشر", "ركب لي", "أبغى", "أبي", "بدي", "عايز", "عاوز",
    "بغيت", "أريد", "نريد", "ابغي", "نبي", "بدنا", "محتاج",
    "ساعدني في كتابة", "ساعدني أكتب", "ساعدني اكتب", "ساعدني على كتابة", "ساعدني في صياغة",
    "بدي اكتب", "بدي انشر", "أريد أن أكتب", "أريد كتابة", "أريد أن أنشر", "عايز اكتب", "عايز انشر",
    "ابي اكتب", "ابغى اكتب", "بغيت نكتب", "بغيت نكتب", "بدي اعمل", "عايز اعمل", "ابي اسوي",
]
AR_CONTENT = [
    r"منشور\w{0,2}", r"بوست\w{0,2}", r"تغريد\w{0,2}", r"تويت\w{0,2}", r"مقال\w{0,2}", r"خطاب\w{0,2}",
    r"خطب\w{0,2}", r"كلمة", r"بيان\w{0,2}", r"رسال\w{0,2}", "رسايل", r"شعار\w{0,2}", r"هتاف\w{0,2}",
    r"أغني\w{0,2}", r"نشيد\w{0,2}", "أناشيد", r"قصيد\w{0,2}", "شعر", r"فيديو\w{0,2}", "سكربت", "سيناريو",
    r"نص\w?", r"محتوى", r"دعاي\w{0,2}", "بروباغندا", "بروباجندا", "بروبغندا", r"ملصق\w{0,2}",
    r"بوستر\w{0,2}", "مانيفستو", "ميم", r"تعليق\w{0,2}", r"هاشتاق\w{0,2}", r"حمل\w{0,2}",
    "كاريكاتير", "فلاير", r"مطوي\w{0,2}", r"نشر\w{0,2}", r"قص\w{0,2}", "رثاء", "تأبين", r"شتائم",
    r"مسبات", r"نكت", r"إعلان\w{0,2}", r"رسالة تجنيد",
]
# Hostile adjectives that must sit right after the content word («منشور تحريضي»، «خطاب كراهية»).
AR_HOSTILE_ADJ = [
    "تحريضي", "تحريضية", "تحريض", "كراهية", "عنصري", "عنصرية", "طائفي", "طائفية", "جهادي", "جهادية",
    "داعشي", "داعشية", "متطرف", "متطرفة", "إرهابي", "إرهابية", "تكفيري", "تكفيرية", "نازي", "نازية",
    "حاقد", "حاقدة", "مسيء", "مسيئة",
]
# Words allowed between a content word and its hostile adjective («منشور قصير تحريضي»).
AR_CONTENT_ADJ = [
    "قصير", "قصيرة", "قوي", "قوية", "مؤثر", "مؤثرة", "طويل", "طويلة", "حماسي", "حماسية", "ناري", "نارية",
    "جديد", "جديدة", "واحد", "وحدة", "على فيسبوك", "على تويتر", "على تيك توك", "فيسبوك", "تويتر", "انستغرام",
    "تيك توك", "واتساب", "تلغرام", "فيروسي", "كتير", "جدا", "شديد", "شديدة", "صريح", "صريحة",
]
# Hostile clauses that may follow the content word at a distance («… على فيسبوك يحرض ضد …»).
AR_HOSTILE_CLAUSE = [
    r"[يت]حرض\w{0,2}", r"تحريض\w{0,2}", r"[يت]دعو (?:الى|إلى|ل)\w*", r"[يت]دعو ل\w+", r"[يت]شيطن\w{0,2}",
    r"شيطنة", r"[يت]حقر\w{0,2}", r"[يت]طالب ب(?:قتل|طرد|إبادة|ذبح|حرق)\w*",
    r"[يت]شجع على (?:القتل|العنف|الجهاد|الهجوم)", r"[يت]برر (?:القتل|العنف|الهجوم|التفجير|الإرهاب)",
    r"كراهية ضد", r"كره ضد", r"حقد ضد",
    r"[يت]حث\w{0,2} (?:\w+ ){0,2}على (?:ال)?(?:قتال|جهاد|عنف|قتل|انضمام|هجوم|ذبح|تفجير)\w*",
]
# Clauses that need a group right after them («يسخر من اللاجئين»، «يهين المسلمين»).
AR_HOSTILE_TO_GROUP = [
    r"[يت]سخر\w{0,2} من", r"[يت]هين\w{0,2}", r"[يت]سب\w{0,2}", r"[يت]شتم\w{0,2}", r"[يت]ذم\w{0,2}",
    r"[يت]خوف\w{0,2} من", r"[يت]كره\w{0,2}", r"[يت]لوم\w{0,2}",
    r"[يت]هاجم\w{0,2}", r"[يت]تهم\w{0,2}", r"ضد", r"معادي\w{0,2}", r"[يت]عادي\w{0,2}",
]
# «اللاجئين حشرات»، «لازم يطردوا»: dehumanising or eliminationist predicates after a group.
AR_DEHUMANISING = [
    "حشرات", "حيوانات", "كلاب", "جرذان", "فئران", "خنازير", "قردة", "وباء", "سرطان", "طاعون", "مجرمين",
    "مجرمون", "إرهابيين", "إرهابيون", "غزاة", "خونة", "أعداء", "نجس", "أنجاس", "قذرين", "وسخين", "حثالة",
    "دون البشر", "أقل من البشر",
    r"(?:لازم|يجب أن|يجب|يستاهلوا|يستاهلو|يستحقون|يستحقوا|لازمهم|خاصهم) (?:ي)?"
    r"(?:موتوا|موتو|موتون|طردوا|طردو|"
    r"رحلوا|رجعوا|ذبحوا|قتلوا|حرقوا|بادوا|نطردوا|نقتلوا|الموت|القتل|الطرد|الذبح|الحرق|الإبادة)\w*",
]
# Verbs of praise that, followed by an attacker or an attack, glorify it.
AR_GLORIFY = [
    r"[يت]مجد\w{0,2}", r"تمجيد", r"[يت]مدح\w{0,2}", r"مدح", r"[يت]شيد\w{0,2} ب\w*", r"[يت]متدح\w{0,2}",
    r"[يت]حتفي\w{0,2} ب\w*", r"[يت]حتفل\w{0,2} ب\w*", r"[يت]عظم\w{0,2}", r"تعظيم", "رثاء", "تأبين",
    r"[يت]بارك\w{0,2}",
]
AR_HERO = ["بطل", "بطلا", "أبطال", "شهيد", "شهيدا", "شهداء", "قدوة", "رمز", "رمزا", "أسطورة", "مجاهد",
           "بطولة"]
EN_WRITE = [
    r"(?:please )?(?:write|draft|compose|create|generate|make|produce|design|craft|prepare|come up with|"
    r"put together|give|send|draw|film|script|post|publish|spin up|whip up|knock up|churn out|invent)",
    r"(?:help|can you help|could you help) (?:me|us) (?:to )?(?:write|draft|create|make|come up with|design)",
    r"(?:i|we) (?:want|need|would like|d like) (?:you to )?(?:write|have|get|make|create)?",
    r"(?:can|could|would|will) you (?:please )?(?:write|draft|create|make|give|generate|compose|produce)",
]
EN_CONTENT = [
    r"posts?", r"tweets?", r"threads?", r"articles?", r"speech(?:es)?", r"sermons?", r"statements?",
    r"messages?", r"slogans?", r"chants?", r"songs?", "lyrics", r"poems?", r"videos?", r"(?:video )?scripts?",
    "text", "content", "propaganda", r"posters?", r"flyers?", r"fliers?", r"leaflets?", r"pamphlets?",
    r"manifestos?", r"manifestoes", r"memes?", r"comments?", r"captions?", r"hashtags?", r"campaigns?",
    r"stor(?:y|ies)", r"essays?", r"letters?", r"blogs?", r"blog posts?", r"op eds?", r"newsletters?",
    r"rants?", r"calls? to action", r"pitch(?:es)?", r"banners?", r"stickers?", r"graffiti", r"jokes?",
    r"slurs?", r"insults?", r"nicknames?", r"tributes?", r"eulog(?:y|ies)", r"odes?", r"adverts?", r"ads?",
    r"recruitment (?:messages?|posts?|videos?|pitch|materials?|flyers?)",
]
EN_HOSTILE_ADJ = [
    "hateful", "hate filled", "hate", "racist", "inciting", "inflammatory", "incendiary", "violent",
    "jihadi", "jihadist", "extremist", "terrorist", "isis", "daesh", "nazi", "neo nazi",
    "white supremacist", "white nationalist", "antisemitic", "anti semitic", "islamophobic", "xenophobic",
    "homophobic", "transphobic", "sectarian", "genocidal", "dehumani[sz]ing", "bigoted", "supremacist",
    r"anti (?:muslim|muslims|jewish|jew|jews|semitic|immigrant|immigrants|immigration|migrant|migrants|"
    r"refugee|refugees|black|christian|christians|arab|arabs|gay|lgbtq?|trans|asian|roma|shia|sunni|"
    r"sikh|hindu|kurdish)",
    r"pro (?:isis|daesh|jihad|jihadi|al qaeda|nazi|terrorist|terror)", "recruiting", r"jihad",
]
EN_HOSTILE_CLAUSE = [
    r"incit(?:e|es|ing|ement)", r"call(?:s|ing)? for (?:the )?(?:violence|killing|death|deaths|murder|"
    r"expulsion|jihad|war|genocide|extermination|attacks?|lynching|burning)",
    r"urg(?:e|es|ing) (?:people |readers |followers |others |everyone )?to (?:attack|kill|burn|expel|hurt|"
    r"fight|join|harass|beat)", r"encourag(?:e|es|ing) (?:people |others |readers )?(?:to )?(?:violence|"
    r"attacks?|attack|kill|hurt|harass|join)",
    r"glorif(?:y|ies|ying)", r"celebrat(?:e|es|ing) (?:the )?(?:attack|attacks|"
    r"attackers?|shooters?|bombers?|massacre|shooting|bombing|killing|killers?|terrorists?|martyrs?)",
    r"to recruit", r"recruiting (?:for|people|youth|young)", r"to radicali[sz]e", r"radicali[sz]ing",
    r"to make (?:people|them|everyone|readers) hate",
    r"for (?:isis|isil|daesh|al qaeda|the caliphate|jihad|the jihad|our cause|the cause|the movement)",
    r"justif(?:y|ies|ying) (?:the )?(?:attack|violence|killing|terror|bombing|massacre)",
    r"for (?:a |an |the |our |my |their )?(?:white nationalist|white supremacist|jihadi|jihadist|terrorist|"
    r"terror|isis|neo nazi|nazi|extremist|violent|racist|accelerationist|race war) (?:attacks?|groups?|"
    r"movements?|cause|cells?|militias?|bombings?|shootings?|uprising|revolution|war)",
]
# Clauses that need a group right after them («mocking refugees», «saying that Muslims are ...»).
EN_HOSTILE_TO_GROUP = [
    r"against", r"targeting", r"targetting", r"attacking", r"dehumani[sz](?:e|es|ing)",
    r"demoni[sz](?:e|es|ing)", r"vilif(?:y|ies|ying)", r"mock(?:s|ing)?", r"blam(?:e|es|ing)",
    r"threaten(?:s|ing)?",
    r"insult(?:s|ing)?", r"ridicul(?:e|es|ing)", r"humiliat(?:e|es|ing)", r"hate on", r"hating",
    r"(?:jokes?|slurs?|insults?|nicknames?|memes?) (?:about|for|on|against|mocking|to call|to use against)",
    r"telling (?:people|everyone|readers) to (?:hate|attack|fear|avoid|expel)",
]
# Verbs of praise that, followed by an attacker or an attack, glorify it.
EN_GLORIFY = [
    r"glorif(?:y|ies|ying)", r"prais(?:e|es|ing)", r"celebrat(?:e|es|ing)", r"honou?r(?:s|ing)?",
    r"tributes? to", r"eulog(?:y|ies) (?:for|to)", r"odes? to", r"salut(?:e|es|ing)", r"admir(?:e|es|ing)",
    r"idoli[sz](?:e|es|ing)", r"lioni[sz](?:e|es|ing)", r"hero worship(?:ping)?",
]
# «refugees are vermin», «... should be deported»: dehumanising or eliminationist predicates.
EN_DEHUMANISING = [
    r"(?:are|is|r) (?:all |just |nothing but |a bunch of |like |the )?"
    r"(?:vermin|animals|rats|parasites|invaders|"
    r"criminals|terrorists|a disease|a plague|cockroaches|subhuman|dirty|scum|traitors|the enemy|a cancer|"
    r"filth|savages|apes|pigs|dogs|rapists|not human|less than human)",
    r"(?:should|must|need to|deserve to|ought to|have to|will) (?:all )?"
    r"(?:die|be killed|be deported|be expelled|go back|be removed|be exterminated|be shot|be burned|"
    r"be gassed|be banned|burn|hang|be hanged|be wiped out|"
    r"be eliminated|be purged|disappear)",
]
EN_HERO = [
    r"heroe?s?", r"heroic", r"martyrs?", r"legends?", r"saints?", r"role models?", r"icons?",
    r"brave", r"courageous", r"warriors?", r"freedom fighters?", r"patriots?",
]
# Attackers (people) and attacks (events) that someone may want glorified.
AR_ATTACKER = [
    r"منفذ\w{0,2}", r"المهاجم\w{0,2}", r"مهاجم\w{0,2}", r"الانتحاري\w{0,2}", r"انتحاري\w{0,2}",
    r"الإرهابي\w{0,2}", r"إرهابي\w{0,2}", "القاتل", "القتلة", "مطلق النار", r"الانغماسي\w{0,2}",
    r"المجاهد\w{0,2}", "أبو بكر البغدادي", "البغدادي", "بن لادن", "الزرقاوي", "تارانت", "بريفيك",
]
AR_ATTACK_EVENT = ["الهجوم", "العملية", "المجزرة", "التفجير", "الغزوة", "المذبحة", "العمليات", "الهجمات"]
EN_ATTACKER = [
    r"attackers?", r"shooters?", r"gunm[ae]n", r"bombers?", r"suicide bombers?", r"terrorists?",
    r"perpetrators?", r"killers?", r"murderers?", "breivik", "tarrant", "dylann roof", "bin laden",
    "baghdadi", "al baghdadi", "zarqawi", "mcveigh", "timothy mcveigh", r"mujahid(?:een|in)?",
]
EN_ATTACK_EVENT = [r"the (?:attack|attacks|massacre|bombing|shooting|killings|operation|martyrdom operation)"]
