"""Staff-page strings in Arabic (default) and English. ``?lang=en`` switches and is remembered."""

from __future__ import annotations

LANGS = ("ar", "en")
DEFAULT_LANG = "ar"

STRINGS: dict[str, tuple[str, str]] = {
    # layout
    "app_title": ("لوحة فريق المراجعة", "Staff area"),
    "brand": ("مساعد شبكة المدن القوية", "Strong Cities Network assistant"),
    "nav_review": ("قائمة المراجعة", "Review queue"),
    "nav_datasets": ("مجموعات التقييم", "Datasets"),
    "nav_runs": ("جولات التقييم", "Evaluation runs"),
    "nav_accounts": ("الحسابات", "Accounts"),
    "nav_insights": ("الاستخدام والثغرات", "Usage and gaps"),
    # accounts
    "accounts_title": ("حسابات فريق العمل", "Staff accounts"),
    "accounts_intro": (
        "للمشرفين: إنشاء الحسابات، وتغيير الدور، وتعطيل الحساب أو تفعيله، وتعيين كلمة مرور جديدة. "
        "تعطيل الحساب أو تغيير كلمة مروره يُنهي جلساته المفتوحة فورًا.",
        "For administrators: create accounts, change roles, disable or enable an account, set a new "
        "password. Disabling an account or changing its password ends its open sessions at once.",
    ),
    "account_role": ("الدور", "Role"),
    "account_active": ("نشط", "active"),
    "account_disabled_badge": ("معطّل", "disabled"),
    "enable": ("تفعيل", "Enable"),
    "disable": ("تعطيل", "Disable"),
    "you": ("أنت", "you"),
    "not_yourself": ("لا يمكنك تعطيل حسابك", "You cannot disable your own account"),
    "reset_password": ("تعيين كلمة مرور جديدة", "Set a new password"),
    "reset_password_hint": (
        "تنتهي كل الجلسات المفتوحة لهذا الحساب.",
        "Every open session of this account ends.",
    ),
    "new_password": ("كلمة المرور الجديدة", "New password"),
    "confirm_password": ("أعد كتابة كلمة المرور", "Repeat the password"),
    "create_account": ("إنشاء حساب", "Create an account"),
    "username_rules": (
        "من 3 إلى 64 حرفًا: حروف لاتينية وأرقام و . _ @ -",
        "3 to 64 characters: Latin letters, digits and . _ @ -",
    ),
    "password_rules": (
        "10 أحرف على الأقل، و4 أحرف مختلفة على الأقل، وليست اسم المستخدم.",
        "At least 10 characters, at least 4 different ones, not the username.",
    ),
    "account_created": ("أُنشئ الحساب:", "Account created:"),
    "account_role_changed": ("تغيّر دور الحساب:", "Role changed:"),
    "account_disabled": ("عُطّل الحساب وانتهت جلساته:", "Account disabled, its sessions ended:"),
    "account_enabled": ("فُعّل الحساب:", "Account enabled:"),
    "account_password_reset": ("عُيّنت كلمة مرور جديدة وانتهت الجلسات:", "New password set, sessions ended:"),
    "signed_in_as": ("مسجّل باسم", "Signed in as"),
    "role_reviewer": ("مراجع", "reviewer"),
    "role_admin": ("مشرف", "admin"),
    "sign_out": ("تسجيل الخروج", "Sign out"),
    "switch_lang": ("English", "العربية"),
    "skip_to_content": ("انتقل إلى المحتوى", "Skip to content"),
    # login
    "login_title": ("تسجيل الدخول", "Sign in"),
    "username": ("اسم المستخدم", "Username"),
    "password": ("كلمة المرور", "Password"),
    "sign_in": ("دخول", "Sign in"),
    "login_failed": ("اسم المستخدم أو كلمة المرور غير صحيحة.", "Wrong username or password."),
    "login_throttled": (
        "محاولات كثيرة غير ناجحة لهذا الحساب من عنوانك. حاول مجددًا بعد {wait}.",
        "Too many failed attempts for this account from your address. Try again in {wait}.",
    ),
    "login_hint": (
        "يُنشئ المشرف الحسابات بالأمر: assistant staff create",
        "Accounts are created by an administrator with: assistant staff create",
    ),
    "signed_out": ("تم تسجيل الخروج.", "You are signed out."),
    # errors
    "error_title": ("تعذّر إكمال الطلب", "The request could not be completed"),
    "forbidden_admin": (
        "هذا الإجراء متاح للمشرفين فقط.",
        "Only administrators can do this.",
    ),
    "csrf_failed": (
        "انتهت صلاحية النموذج أو لم يُرسَل من هذه الصفحة. أعد تحميل الصفحة وحاول مجددًا.",
        "The form expired or was not sent from this site. Reload the page and try again.",
    ),
    "not_found": ("الصفحة أو العنصر غير موجود.", "The page or item does not exist."),
    "server_error": ("حدث خطأ من جهتنا.", "Something went wrong on our side."),
    "back": ("رجوع", "Back"),
    # queue
    "queue_title": ("قائمة المراجعة", "Review queue"),
    "queue_intro": (
        "إجابات تستحق المراجعة: تقييمات سلبية من المستخدمين، ورفض الإجابة، وإجابات منخفضة الثقة، "
        "وعينة عشوائية يومية من الباقي.",
        "Answers worth a look: user thumbs-down, refusals, low-confidence answers, and a daily "
        "random sample of the rest.",
    ),
    "filters": ("تصفية", "Filters"),
    "date_from": ("من تاريخ", "From"),
    "date_to": ("إلى تاريخ", "To"),
    "document": ("الوثيقة", "Document"),
    "kind": ("السبب", "Kind"),
    "rating": ("التقييم", "Rating"),
    "status": ("الحالة", "Status"),
    "any": ("الكل", "Any"),
    "apply": ("تطبيق", "Apply"),
    "reset": ("إعادة الضبط", "Reset"),
    "kind_thumbs_down": ("تقييم سلبي", "Thumbs down"),
    "kind_refusal": ("رفض الإجابة", "Refusal"),
    "kind_low_confidence": ("ثقة منخفضة", "Low confidence"),
    "kind_sample": ("عينة عشوائية", "Random sample"),
    "status_unreviewed": ("لم تُراجَع", "Not reviewed"),
    "status_reviewed": ("روجعت", "Reviewed"),
    "status_all": ("الكل", "All"),
    "rating_1": ("صحيحة", "Correct"),
    "rating_0": ("صحيحة جزئيًا", "Partly correct"),
    "rating_-1": ("خاطئة", "Wrong"),
    "user_rating_1": ("👍 إعجاب", "👍 thumbs up"),
    "user_rating_-1": ("👎 عدم إعجاب", "👎 thumbs down"),
    "question": ("السؤال", "Question"),
    "answer": ("الإجابة", "Answer"),
    "date": ("التاريخ", "Date"),
    "confidence": ("الثقة", "Confidence"),
    "user_feedback": ("تقييم المستخدم", "User feedback"),
    "review": ("المراجعة", "Review"),
    "open": ("فتح", "Open"),
    "no_items": ("لا توجد عناصر تطابق التصفية.", "No items match these filters."),
    "items_total": ("عدد العناصر", "Items"),
    "page": ("صفحة", "Page"),
    "of": ("من", "of"),
    "previous": ("السابق", "Previous"),
    "next": ("التالي", "Next"),
    "search_text": ("بحث في النص", "Search the text"),
    "select": ("اختيار", "Select"),
    "bulk_title": ("مراجعة العناصر المختارة دفعة واحدة", "Review the selected items at once"),
    "bulk_apply": ("تطبيق على المختارة", "Apply to the selected"),
    "bulk_hint": (
        "يُسجَّل الحكم مراجعةً لكل إجابة مختارة (بلا إجابة مصحّحة)؛ حتى 100 عنصر.",
        "The verdict is saved as a review of each selected answer (without a correction); up to 100 items.",
    ),
    "bulk_saved": ("حُفظت المراجعات:", "Reviews saved:"),
    "bulk_failed": ("لم تُحفظ المراجعات:", "No reviews were saved:"),
    "queue_csv": ("القائمة (CSV)", "Queue (CSV)"),
    "queue_jsonl": ("القائمة (JSONL)", "Queue (JSONL)"),
    "feedback_csv": ("كل التقييمات (CSV)", "All feedback (CSV)"),
    "feedback_jsonl": ("كل التقييمات (JSONL)", "All feedback (JSONL)"),
    "first_page": ("الأولى", "First"),
    "last_page": ("الأخيرة", "Last"),
    "refused_badge": ("رُفضت", "refused"),
    # item
    "item_title": ("مراجعة إجابة", "Review an answer"),
    "standalone": ("السؤال بعد إعادة الصياغة", "Standalone question"),
    "generator": ("المولّد", "Generator"),
    "citations": ("الاقتباسات في سياقها", "Cited quotes in context"),
    "no_citations": ("لا توجد اقتباسات.", "No citations."),
    "chunk_missing": (
        "هذا المقطع لم يعد في الفهرس (أُعيدت الفهرسة)؛ الاقتباس وحده:",
        "This chunk is no longer in the index (re-ingested); the quote alone:",
    ),
    "retrieved": ("المقاطع المسترجعة", "Retrieved chunks"),
    "score": ("الدرجة", "Score"),
    "cited_as": ("مُستشهد به", "cited as"),
    "no_user_feedback": ("لا يوجد تقييم من المستخدم.", "No user feedback."),
    "reason": ("السبب", "Reason"),
    "comment": ("تعليق", "Comment"),
    "your_review": ("مراجعتك", "Your review"),
    "verdict": ("الحكم", "Verdict"),
    "correction": ("الإجابة المصحّحة", "Corrected answer"),
    "correction_hint": (
        "اكتب الإجابة الصحيحة كما ينبغي أن تكون (تصبح الإجابة المرجعية عند الإضافة إلى مجموعة تقييم).",
        "Write the answer as it should have been (it becomes the reference answer when promoted).",
    ),
    "expected_chunks": ("المقاطع التي كان ينبغي الاستشهاد بها", "Chunks that should have been cited"),
    "save_review": ("حفظ المراجعة", "Save review"),
    "review_saved": ("حُفظت المراجعة.", "Review saved."),
    "history": ("سجل المراجعات", "Review history"),
    "by": ("بواسطة", "by"),
    "promote_title": ("إضافة إلى مجموعة تقييم", "Promote to a dataset"),
    "promote_hint": (
        "تُضاف الإجابة المصحّحة كإجابة مرجعية والمقاطع المختارة كمقاطع مرجعية.",
        "The corrected answer becomes the reference answer and the picked chunks the reference chunks.",
    ),
    "promote_needs_review": ("احفظ مراجعة أولًا.", "Save a review first."),
    "promote_needs_dataset": (
        "لا توجد مجموعات تقييم بعد؛ يُنشئها المشرف من صفحة المجموعات.",
        "There are no datasets yet; an administrator creates them on the Datasets page.",
    ),
    "dataset": ("المجموعة", "Dataset"),
    "answerable": ("قابل للإجابة من الوثائق", "Answerable from the documents"),
    "tags": ("الوسوم", "Tags"),
    "tags_hint": ("مفصولة بفواصل", "comma-separated"),
    "promote": ("إضافة إلى المجموعة", "Promote to dataset"),
    "promoted": ("أُضيفت إلى المجموعة.", "Added to the dataset."),
    "promoted_to": ("أُضيفت إلى", "Promoted to"),
    "reason_wrong_facts": ("معلومات خاطئة", "Wrong facts"),
    "reason_incomplete": ("ناقصة", "Incomplete"),
    "reason_wrong_citation": ("استشهاد خاطئ", "Wrong citation"),
    "reason_should_refuse": ("كان ينبغي رفض الإجابة", "Should have refused"),
    "reason_should_answer": ("كان ينبغي أن تجيب", "Should have answered"),
    "reason_unclear": ("غير واضحة", "Unclear"),
    "reason_other": ("أخرى", "Other"),
    "reason_wrong": ("خاطئة", "Wrong"),
    "reason_no_source": ("بلا مصدر", "No source"),
    "none": ("—", "—"),
    # datasets
    "datasets_title": ("مجموعات التقييم", "Evaluation datasets"),
    "name": ("الاسم", "Name"),
    "description": ("الوصف", "Description"),
    "rows": ("الأسئلة", "Rows"),
    "created": ("أُنشئت", "Created"),
    "create_dataset": ("إنشاء مجموعة", "Create dataset"),
    "create": ("إنشاء", "Create"),
    "no_datasets": ("لا توجد مجموعات بعد.", "No datasets yet."),
    "dataset_created": ("أُنشئت المجموعة.", "Dataset created."),
    "dataset_deleted": ("حُذفت المجموعة مع أسئلتها وتشغيلاتها.", "Dataset deleted, with its rows and runs."),
    "delete_dataset": ("حذف المجموعة", "Delete dataset"),
    "delete_dataset_hint": (
        "يحذف الأسئلة وكل التشغيلات ونتائجها نهائياً. للتأكيد اكتب اسم المجموعة:",
        "Deletes its rows and every run with its results, for good. To confirm, type the dataset's name:",
    ),
    "import": ("استيراد", "Import"),
    "import_hint": (
        "ملف JSONL أو CSV (الأعمدة في evalsets/README.md)",
        "A JSONL or CSV file (columns in evalsets/README.md)",
    ),
    "file": ("الملف", "File"),
    "format": ("الصيغة", "Format"),
    "format_auto": ("حسب امتداد الملف", "from the file name"),
    "imported": ("استُوردت الأسئلة:", "Rows imported:"),
    "export": ("تصدير", "Export"),
    "edit": ("تعديل", "Edit"),
    "delete": ("حذف", "Delete"),
    "row_deleted": ("حُذف السؤال.", "Row deleted."),
    "row_saved": ("حُفظ السؤال.", "Row saved."),
    "row_added": ("أُضيف السؤال.", "Row added."),
    "add_row": ("إضافة سؤال", "Add a row"),
    "edit_row": ("تعديل سؤال", "Edit a row"),
    "reference_answer": ("الإجابة المرجعية", "Reference answer"),
    "key_facts": ("الحقائق الأساسية", "Key facts"),
    "first_sentence_hit": ("الجملة الأولى تجيب", "First sentence hit"),
    "span_f1": ("F1 للإجابة المختصرة", "Span F1"),
    "key_facts_hint": ("حقيقة في كل سطر", "one per line"),
    "reference_chunks": ("المقاطع المرجعية", "Reference chunks"),
    "reference_documents": ("الوثائق المرجعية", "Reference documents"),
    "ids_hint": ("معرّفات مفصولة بفواصل", "comma-separated ids"),
    "external_id": ("المعرّف", "Id"),
    "yes": ("نعم", "yes"),
    "no": ("لا", "no"),
    "save": ("حفظ", "Save"),
    "from_review": ("من مراجعة", "from a review"),
    "no_rows": ("لا توجد أسئلة في هذه المجموعة.", "This dataset has no rows."),
    "admin_only_note": ("(للمشرفين)", "(admins)"),
    "confirm_delete": ("تأكيد الحذف", "Confirm delete"),
    # runs
    "runs_title": ("جولات التقييم", "Evaluation runs"),
    "start_run": ("بدء جولة تقييم", "Start an evaluation run"),
    "label": ("التسمية", "Label"),
    "start": ("بدء", "Start"),
    "run": ("الجولة", "Run"),
    "run_status": ("الحالة", "Status"),
    "run_status_queued": ("في الانتظار", "queued"),
    "run_status_running": ("قيد التشغيل", "running"),
    "run_status_done": ("اكتملت", "done"),
    "run_status_failed": ("فشلت", "failed"),
    "run_status_cancelled": ("أُلغيت", "cancelled"),
    "cancel_run": ("إلغاء الجولة", "Cancel the run"),
    "run_cancelled": (
        "أُلغيت الجولة؛ احتُفظ بنتائج الأسئلة المنجزة.",
        "Run cancelled; the rows done so far are kept.",
    ),
    "run_not_cancelled": ("لم تُلغَ الجولة:", "The run was not cancelled:"),
    "run_cancelled_note": (
        "أُلغيت هذه الجولة قبل اكتمالها. ابدأ جولة جديدة لتقييم المجموعة من جديد.",
        "This run was cancelled before it finished. Start a new run to evaluate the dataset again.",
    ),
    "progress": ("التقدّم", "Progress"),
    "no_runs": ("لا توجد جولات بعد.", "No runs yet."),
    "run_running_note": (
        "تُحدَّث هذه الصفحة تلقائيًا؛ يظهر التقرير عند اكتمال الجولة.",
        "This page updates itself; the report appears when the run is done.",
    ),
    "run_failed": ("فشلت الجولة:", "The run failed:"),
    "report": ("التقرير", "Report"),
    "report_json": ("تصدير JSON", "Export JSON"),
    "summary": ("الملخص", "Summary"),
    "metric": ("المقياس", "Metric"),
    "this_run": ("هذه الجولة", "This run"),
    "previous_run": ("الجولة السابقة", "Previous run"),
    "metrics_chart": ("المقاييس", "Metrics"),
    "by_tag": ("حسب الوسم", "By tag"),
    "distribution": ("توزيع الدرجات", "Score distribution"),
    "per_row": ("النتائج لكل سؤال", "Per-row results"),
    "refused": ("رفض", "Refused"),
    "compare": ("مقارنة", "Compare"),
    "compare_title": ("مقارنة جولتين", "Compare two runs"),
    "compare_with_previous": ("مقارنة بالجولة السابقة", "Compare with the previous run"),
    "run_a": ("الجولة أ (الأساس)", "Run A (baseline)"),
    "run_b": ("الجولة ب (الجديدة)", "Run B (new)"),
    "regressions": ("التراجعات", "Regressions"),
    "improvements": ("التحسّنات", "Improvements"),
    "unchanged": ("دون تغيير", "Unchanged"),
    "delta": ("الفرق", "Delta"),
    "regression": ("تراجع", "regression"),
    "cmp_regression": ("تراجع", "regression"),
    "cmp_mixed": ("مختلط", "mixed"),
    "cmp_improvement": ("تحسّن", "improvement"),
    "cmp_unchanged": ("دون تغيير", "unchanged"),
    "cmp_only_a": ("في أ فقط", "only in A"),
    "cmp_only_b": ("في ب فقط", "only in B"),
    "no_regressions": ("لا توجد تراجعات.", "No regressions."),
    "started_at": ("بدأت", "Started"),
    "finished_at": ("انتهت", "Finished"),
    "show_answer": ("عرض الإجابة", "Show the answer"),
    "review_item": ("عنصر المراجعة", "review item"),
    "chart_no_data": ("لا توجد بيانات للرسم.", "No data to chart."),
    "count": ("العدد", "Count"),
    "lower_is_better": ("↓ القيمة الأقل أفضل", "↓ lower is better"),
    "lower_is_better_short": ("الأقل أفضل", "lower is better"),
    "table_region": ("جدول (يمكن تمريره أفقيًا)", "Table (scrolls sideways)"),
    "chart_region": ("رسم بياني (يمكن تمريره أفقيًا)", "Chart (scrolls sideways)"),
    "times_in_utc": ("الأوقات بالتوقيت العالمي المنسّق (UTC).", "Times are in UTC."),
    # insights (usage and content gaps)
    "insights_title": ("الاستخدام والثغرات في المحتوى", "Usage and content gaps"),
    "insights_intro": (
        "أرقام الأسئلة خلال فترة تختارها. تُحسب من أرقام كل إجابة دون نصها، فتبقى بعد حذف النصوص القديمة "
        "وفق مدة الاحتفاظ.",
        "Figures about the questions over a period you choose. They are computed from each answer's "
        "figures without its text, so they stay after old text is deleted under the retention setting.",
    ),
    "insights_usage": ("الاستخدام", "Usage"),
    "insights_gaps": ("الثغرات في المحتوى", "Content gaps"),
    "period": ("الفترة", "Period"),
    "days": ("يومًا", "days"),
    "days_in_utc": ("الأيام بالتوقيت العالمي المنسّق (UTC).", "Days are UTC days."),
    "last_30_days": ("آخر 30 يومًا", "Last 30 days"),
    "totals": ("المجاميع", "Totals"),
    "questions": ("الأسئلة", "Questions"),
    "answered": ("أُجيب عنها", "Answered"),
    "refused_plural": ("رُفضت", "Refused"),
    "thumbs_up": ("👍 إعجاب", "👍 Thumbs up"),
    "thumbs_down": ("👎 عدم إعجاب", "👎 Thumbs down"),
    "latency_p50": ("زمن الإجابة الوسيط", "Median latency"),
    "latency_p95": ("زمن الإجابة p95", "Latency p95"),
    "latency_note": (
        "زمن الإجابة مقيس لعدد من الإجابات فقط (الأقدم خُزّنت قبل قياسه):",
        "Latency is measured for some answers only (older ones were stored before it was):",
    ),
    "questions_per_day": ("الأسئلة في اليوم", "Questions per day"),
    "chart_daily": ("الأسئلة في اليوم: أُجيب عنها ورُفضت", "Questions per day: answered and refused"),
    "daily_table": ("الأرقام اليومية", "Daily figures"),
    "daily_csv": ("الأرقام اليومية (CSV)", "Daily figures (CSV)"),
    "daily_jsonl": ("الأرقام اليومية (JSONL)", "Daily figures (JSONL)"),
    "refusal_reasons": ("أسباب الرفض", "Refusal reasons"),
    "share_of_refusals": ("النسبة من حالات الرفض", "Share of refusals"),
    "share_of_questions": ("النسبة من الأسئلة", "Share of questions"),
    "no_refusals": ("لا توجد حالات رفض في هذه الفترة.", "No refusals in this period."),
    "refusal_weak_evidence": ("الأدلة في الوثائق ضعيفة", "Weak evidence in the documents"),
    "refusal_not_answered": ("الوثائق لا تجيب عن السؤال", "The documents do not answer it"),
    "refusal_llm_no_answer": ("النموذج لم يجد إجابة", "The language model found no answer"),
    "refusal_harmful": ("طلب ضار", "Harmful request"),
    "refusal_injection": ("محاولة حقن تعليمات", "Prompt injection"),
    "refusal_unknown": ("غير مسجّل (إجابة أقدم)", "Not recorded (older answer)"),
    "language_mix": ("اللغة واللهجة", "Language and dialect"),
    "language": ("اللغة", "Language"),
    "language_mix_note": (
        "تقدير تقريبي من نص السؤال عند تخزينه (docs/staff.md).",
        "A coarse estimate from the question text when it was stored (docs/staff.md).",
    ),
    "lang_ar_msa": ("العربية الفصحى", "Arabic (MSA)"),
    "lang_ar_dialect": ("العربية العامية", "Arabic (dialect)"),
    "lang_en": ("الإنجليزية", "English"),
    "lang_other": ("أخرى", "Other"),
    "most_cited": ("الوثائق الأكثر استشهادًا", "Most cited documents"),
    "answers_citing": ("الإجابات التي تستشهد بها", "Answers citing it"),
    "document_removed": ("الوثيقة محذوفة", "document removed"),
    "no_citations_period": ("لا توجد استشهادات في هذه الفترة.", "No citations in this period."),
    "gaps_intro": (
        "الأسئلة التي رُفضت أو نالت تقييمًا سلبيًا في الفترة، مجمّعة حسب الموضوع، مع أقرب الوثائق إليها: "
        "ما ينقص المكتبة. بعد إضافة وثيقة، يعيد «تمت التغطية» طرح أسئلة المجموعة ويبيّن كم منها صار له جواب.",
        "Questions refused or rated thumbs down in the period, grouped by topic, with the closest "
        "documents: what the library lacks. After adding a document, \"Mark covered\" re-asks the "
        "group's questions and shows how many are now answered.",
    ),
    "gap_questions": ("أسئلة بلا جواب مُرضٍ", "Questions without a good answer"),
    "gap_groups": ("المجموعات", "Groups"),
    "gaps_grouped_recent": ("جُمّعت الأحدث منها:", "the most recent grouped:"),
    "gaps_retention": (
        "لا تظهر نصوص الأسئلة الأقدم من مدة الاحتفاظ:",
        "Question text older than the retention setting is not shown:",
    ),
    "group": ("المجموعة", "Group"),
    "examples": ("أمثلة", "Examples"),
    "closest_documents": ("أقرب الوثائق", "Closest documents"),
    "checked_on": ("أُعيد الطرح في", "Re-asked on"),
    "now_answered": ("صار لها جواب", "now answered"),
    "mark_covered": ("تمت التغطية: أعد طرح الأسئلة", "Mark covered: re-ask the questions"),
    "mark_covered_hint": (
        "يعيد طرح أسئلة المجموعة على المساعد كما هو الآن ويحفظ عدد ما صار له جواب.",
        "Re-asks the group's questions to the assistant as it is now and stores how many are answered.",
    ),
    "mark_covered_admins": (
        "إعادة طرح الأسئلة متاحة للمشرفين.",
        "Re-asking the questions is for administrators.",
    ),
    "more_groups": ("مجموعات أخرى غير معروضة:", "More groups not shown:"),
    "no_gaps": (
        "لا توجد أسئلة مرفوضة أو ذات تقييم سلبي في هذه الفترة.",
        "No refused or thumbs-down questions in this period.",
    ),
    "recent_checks": ("آخر عمليات إعادة الطرح", "Recent checks"),
    "reasked": ("أُعيد طرحها", "Re-asked"),
    "no_checks": ("لم تُعِد طرح أي مجموعة بعد.", "No group has been checked yet."),
    "gap_checked": ("أُعيد طرح الأسئلة؛ صار لها جواب:", "Questions re-asked; now answered:"),
    "gap_check_failed": ("لم يُعَد طرح الأسئلة:", "The questions were not re-asked:"),
    # metric names (the code is shown next to them)
    "metric_hit@1": ("الإصابة في أول نتيجة", "Hit at 1"),
    "metric_hit@5": ("الإصابة في أول 5 نتائج", "Hit at 5"),
    "metric_recall@5": ("الاستدعاء في أول 5", "Recall at 5"),
    "metric_recall@10": ("الاستدعاء في أول 10", "Recall at 10"),
    "metric_mrr@10": ("متوسط الرتبة العكسية (أول 10)", "Mean reciprocal rank (top 10)"),
    "metric_ndcg@10": ("جودة الترتيب nDCG (أول 10)", "Ranking quality nDCG (top 10)"),
    "metric_key_facts": ("الحقائق الأساسية الواردة", "Key facts found"),
    "metric_f1": ("تطابق الكلمات F1", "Token overlap F1"),
    "metric_citation_precision": ("دقة الاستشهاد", "Citation precision"),
    "metric_faithfulness": ("الالتزام بالمصادر", "Faithfulness"),
    "metric_refusal_accuracy": ("دقة قرار الرفض", "Refusal accuracy"),
    "metric_correct_refusals": ("الرفض الصائب", "Correct refusals"),
    "metric_false_refusals": ("الرفض الخاطئ", "False refusals"),
    "metric_support": ("متوسط درجة الدعم", "Mean support"),
    "metric_rows": ("الأسئلة", "Rows"),
    "metric_answerable": ("القابلة للإجابة", "Answerable"),
    "metric_unanswerable": ("غير القابلة للإجابة", "Unanswerable"),
    "metric_errors": ("الأخطاء", "Errors"),
    "metric_latency_ms_p50": ("زمن الإجابة الوسيط (م.ث)", "Latency p50 (ms)"),
    "metric_latency_ms_p95": ("زمن الإجابة p95 (م.ث)", "Latency p95 (ms)"),
}


def pick_lang(value: str | None) -> str | None:
    return value if value in LANGS else None


def translate(key: str, lang: str) -> str:
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "ar" else pair[1]


def metric_name(key: str, lang: str) -> str:
    """The translated name of a report metric (the key itself when there is none)."""
    return translate(f"metric_{key}", lang) if f"metric_{key}" in STRINGS else key


def metric_labels(keys, lang: str) -> dict[str, str]:
    return {key: metric_name(key, lang) for key in keys}


# Messages raised in English by the stores (assistant/…), for the Arabic pages: (pattern, Arabic).
# Groups of the pattern are filled into the Arabic text. An unknown message stays in English (and
# the templates mark it lang="en").
ERRORS_AR: tuple[tuple[str, str], ...] = (
    (r"(From|To) must be a date \(YYYY-MM-DD\)\.", "يجب أن يكون التاريخ بالصيغة YYYY-MM-DD."),
    (r"The start date is after the end date\.", "تاريخ البداية بعد تاريخ النهاية."),
    (r"Choose correct, partly correct or wrong\.", "اختر: صحيحة أو صحيحة جزئيًا أو خاطئة."),
    (r"Save a review before promoting the answer\.", "احفظ مراجعة قبل إضافة الإجابة إلى مجموعة."),
    (r"Choose a dataset\.", "اختر مجموعة تقييم."),
    (r"The (comment|corrected answer) is (\d+) characters long; the limit is (\d+)\.",
     "النص طويل ({2} حرفًا)؛ الحد الأقصى {3}."),
    (r"The dataset name is empty\.", "اسم المجموعة فارغ."),
    (r"The dataset name is longer than 200 characters\.", "اسم المجموعة أطول من 200 حرف."),
    (r"A dataset named '(.*)' already exists\.", "توجد مجموعة بالاسم «{1}» من قبل."),
    (r"Type the dataset's name exactly \('(.*)'\) to confirm; nothing was deleted\.",
     "اكتب اسم المجموعة كما هو («{1}») للتأكيد؛ لم يُحذف شيء."),
    (r"A run of this dataset is still in progress; wait for it to finish, then delete\.",
     "ما زالت جولة تقييم لهذه المجموعة قيد التشغيل؛ انتظر انتهاءها ثم احذف."),
    (r"The dataset '(.*)' has no rows to evaluate\.", "لا توجد أسئلة في المجموعة «{1}» لتقييمها."),
    (r"This answer is already in the dataset '(.*)'\.", "هذه الإجابة موجودة من قبل في المجموعة «{1}»."),
    (r"The file holds no rows\.", "لا يحتوي الملف على أي سؤال."),
    (r"The file is not UTF-8 text\.", "الملف ليس نصًا بترميز UTF-8."),
    (r"The file is larger than (\d+) MB\.", "الملف أكبر من {1} ميغابايت."),
    (r"Nothing was imported; fix these rows: (.*)", "لم يُستورد شيء؛ صحّح هذه الأسطر: {1}"),
    (r"The dataset already has rows with id\(s\) (.*)\.", "في المجموعة من قبل أسئلة بالمعرّفات {1}."),
    (r"Invalid value: (.*)\.", "قيمة غير صالحة: {1}."),
    (r"Only administrators can do this\.", "هذا الإجراء متاح للمشرفين فقط."),
    (r"Sign in to use the staff area\.", "سجّل الدخول لاستخدام لوحة الفريق."),
    (r"No (dataset|row|evaluation run|answer) with id '(.*)'.*", "لا يوجد عنصر بالمعرّف «{2}»."),
    (r"Error id ([0-9a-f]+)\.", "رقم الخطأ {1}."),
    (r"The two passwords differ\.", "كلمتا المرور مختلفتان."),
    (r"The run is already (\w+); only a queued or running run can be cancelled\.",
     "لا يمكن إلغاء جولة انتهت أو أُلغيت؛ يُلغى فقط ما هو في الانتظار أو قيد التشغيل."),
    (r"Select at least one answer\.", "اختر إجابة واحدة على الأقل."),
    (r"Select at most (\d+) answers at a time\.", "اختر {1} إجابة على الأكثر في كل مرة."),
    (r"The search text is longer than (\d+) characters\.", "نص البحث أطول من {1} حرفًا."),
    (r"You cannot (disable|demote) your own account\.", "لا يمكنك تعطيل حسابك أو خفض دوره."),
    (r"An account named '(.*)' already exists\.", "يوجد حساب بالاسم «{1}» من قبل."),
    (r"No account named '(.*)'\.", "لا يوجد حساب بالاسم «{1}»."),
    (r"The username must be 3 to 64 characters.*", "اسم المستخدم 3 إلى 64 حرفًا لاتينيًا أو رقمًا أو . _ @ -"),
    (r"The password must be at least (\d+) characters long\.", "يجب ألا تقل كلمة المرور عن {1} أحرف."),
    (r"The password must use at least 4 different characters\.", "في كلمة المرور 4 أحرف مختلفة على الأقل."),
    (r"The password must not be the username\.", "يجب ألا تكون كلمة المرور هي اسم المستخدم."),
    (r"The role must be one of: .*", "الدور إما مراجع أو مشرف."),
    (r"Choose a period of at most (\d+) days\.", "اختر فترة لا تزيد على {1} يومًا."),
    (r"Select a group of questions to check\.", "اختر مجموعة أسئلة لإعادة طرحها."),
    (r"A check re-asks at most (\d+) questions; this group has (\d+)\.",
     "يُعاد طرح {1} سؤالًا على الأكثر في كل مرة؛ في هذه المجموعة {2}."),
    (r"These questions are no longer stored \(retention\); nothing was re-asked\.",
     "لم تعد هذه الأسئلة مخزّنة (مدة الاحتفاظ)؛ لم يُعَد طرح شيء."),
)


def translate_error(message: str | None, lang: str) -> tuple[str, str]:
    """(text, its language) of an error message for a page in ``lang``."""
    import re

    if not message:
        return "", lang
    if lang != "ar":
        return message, "en"
    for pattern, arabic in ERRORS_AR:
        found = re.fullmatch(pattern, message.strip(), flags=re.S)
        if found:
            return arabic.format(message, *found.groups()), "ar"
    return message, "en"


def _add_documents_strings() -> None:
    """The documents page's strings live in their own module (api/staff/i18n_documents.py)."""
    global ERRORS_AR
    from api.staff.i18n_documents import DOCUMENT_ERRORS_AR, DOCUMENT_STRINGS

    STRINGS.update(DOCUMENT_STRINGS)
    ERRORS_AR = ERRORS_AR + DOCUMENT_ERRORS_AR


_add_documents_strings()
