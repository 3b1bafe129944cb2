"""The calm decline texts, in Modern Standard Arabic and English.

Each reply says briefly that the assistant cannot help with the request and what it is for. A harmful
request that states an intent to hurt people also points to local emergency services.
"""

from __future__ import annotations

_PURPOSE = {
    "ar": (
        "أنا هنا للإجابة عن الأسئلة المتعلقة بوثائق شبكة المدن القوية حول منع الكراهية والتطرف والاستقطاب "
        "في المدن، ويسعدني أن أساعدك في أي سؤال من هذا النوع."
    ),
    "en": (
        "I am here to answer questions about the Strong Cities Network's documents on preventing hate, "
        "extremism and polarisation in cities, and I am happy to help with any question of that kind."
    ),
}
_DECLINE = {
    ("harmful", "ar"): "عذرًا، لا أستطيع المساعدة في هذا الطلب.",
    ("harmful", "en"): "Sorry, I can't help with that request.",
    ("injection", "ar"): "عذرًا، لا أستطيع تجاوز التعليمات التي أعمل بها أو تغيير دوري.",
    ("injection", "en"): (
        "Sorry, I can't set aside the instructions I work under or take on a different role."
    ),
}
_EMERGENCY = {
    "ar": "إذا كان أحد في خطر أو كنت تفكر في إيذاء نفسك أو غيرك، فيُرجى الاتصال فورًا بخدمات الطوارئ المحلية.",
    "en": (
        "If anyone is in danger, or you are thinking of harming yourself or others, please contact your "
        "local emergency services now."
    ),
}


def decline_reply(category: str, language: str, *, emergency: bool = False) -> str:
    """The reply for a declined question: decline, emergency pointer (when asked for), purpose."""
    parts = [_DECLINE[(category, language)]]
    if emergency and category == "harmful":
        parts.append(_EMERGENCY[language])
    parts.append(_PURPOSE[language])
    return " ".join(parts)
