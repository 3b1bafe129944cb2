/*! SCN assistant widget — one plain-JS file, no dependencies, no build step. Docs: docs/widget.md
 *  <script src="https://HOST/widget.js" defer data-assistant-url="https://HOST" data-lang="ar"></script>
 *  Everything the server or the model says is rendered as text (textContent / text nodes), never HTML. */
(() => {
  'use strict';

  const SCRIPT = document.currentScript;
  const originOf = (src) => { try { return new URL(src, location.href).origin; } catch (e) { return location.origin; } };
  const DEFAULT_URL = originOf(SCRIPT && SCRIPT.src ? SCRIPT.src : location.href);

  const FONT = '"Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro", "Arabic Typesetting", "DejaVu Sans", system-ui, sans-serif';
  const REASONS = ['wrong', 'incomplete', 'no_source', 'other'];
  const STORE_VERSION = 1;
  const MAX_STORED = 60;

  // The pages of quotes from a paged document (PDF, slides), shown next to the title: "ص 3" / "p. 3, 5".
  const pageLabel = (cites, dir) => {
    const pages = [...new Set(cites.map((c) => Number(c.page)).filter((p) => p > 0))].sort((a, b) => a - b);
    return pages.length ? h('span', { class: 'page', 'data-testid': 'citation-page',
      text: (dir === 'rtl' ? 'ص ' : 'p. ') + pages.join(dir === 'rtl' ? '، ' : ', ') }) : null;
  };

  const STRINGS = {
    ar: {
      title: 'مساعد شبكة المدن القوية',
      greeting: 'مرحبًا! اسألني عن إعلانات شبكة المدن القوية وموجزات السياسات وتقارير الفعاليات. أجيب من الوثائق فقط، وأذكر مصادري بأرقام مثل [1].',
      placeholder: 'اكتب سؤالك هنا…',
      inputLabel: 'سؤالك',
      send: 'إرسال',
      open: 'افتح المساعد',
      close: 'أغلق المساعد',
      newChat: 'محادثة جديدة',
      log: 'المحادثة',
      you: 'أنت:',
      bot: 'المساعد:',
      thinking: 'يبحث المساعد في الوثائق…',
      refusal: 'لا تغطي الوثائق هذا السؤال',
      sources: 'المصادر',
      source: 'المصدر',
      closeSource: 'أغلق المصدر',
      kind: 'النوع', date: 'التاريخ', place: 'المكان', quote: 'المقطع المقتبس',
      kinds: { declaration: 'إعلان', brief: 'موجز سياسات', event_report: 'تقرير فعالية', about: 'تعريف بالشبكة', other: 'وثيقة' },
      helpful: 'إجابة مفيدة',
      notHelpful: 'إجابة غير مفيدة',
      feedbackTitle: 'ملاحظة على الإجابة',
      whatWrong: 'ما المشكلة في هذه الإجابة؟',
      reasons: { wrong: 'معلومة خاطئة', incomplete: 'إجابة ناقصة', no_source: 'بلا مصدر أو المصدر لا يدعمها', other: 'سبب آخر' },
      comment: 'تفاصيل إضافية (اختياري)',
      submitFeedback: 'أرسل الملاحظة',
      cancel: 'إلغاء',
      thanks: 'شكرًا لك! وصلتنا ملاحظتك.',
      feedbackError: 'تعذّر إرسال الملاحظة. حاول مرة أخرى.',
      errNetwork: 'تعذّر الاتصال بالمساعد. تحقّق من اتصالك بالإنترنت ثم حاول مرة أخرى.',
      errForbidden: 'هذا الموقع غير مسموح له باستخدام المساعد.',
      errNotReady: 'المساعد غير جاهز بعد: لم تُفهرس الوثائق على الخادم (يلزم تشغيل assistant ingest).',
      errInvalid: 'تعذّر قبول السؤال:',
      errBusy: 'المساعد مشغول الآن. انتظر قليلًا ثم حاول مرة أخرى.',
      errInterrupted: 'انقطع الرد قبل اكتماله. حاول مرة أخرى.',
      errGeneric: 'حدث خطأ غير متوقع. حاول مرة أخرى.',
      errTimeout: 'لا يردّ المساعد منذ مدة. أعد المحاولة أو ألغِ السؤال.',
      retry: 'أعد المحاولة',
      cancelQuestion: 'إلغاء السؤال',
      confirmNew: 'بدء محادثة جديدة؟ ستُمحى الرسائل الحالية.',
      confirmYes: 'نعم، محادثة جديدة',
      keep: 'لا، أبقِها',
      openSource: 'افتح المصدر',
      newTab: '(في نافذة جديدة)',
      passages: 'المقاطع',
      refusalText: 'عذرًا، لا تتضمن الوثائق المتاحة لديّ معلومات كافية للإجابة عن هذا السؤال. يمكنك إعادة صياغة السؤال أو السؤال عن موضوع تغطيه وثائق شبكة المدن القوية.',
      dateLocale: 'ar-u-nu-latn',
      scope: 'نطاق البحث:',
      scopeOnly: 'فقط',
      scopeKinds: { declaration: 'الإعلانات', brief: 'موجزات السياسات', event_report: 'تقارير الفعاليات', about: 'التعريف بالشبكة', other: 'الوثائق الأخرى' },
      scopeFrom: 'من', scopeTo: 'إلى', scopeSince: 'منذ', scopeUntil: 'حتى', scopeIn: 'في', scopeLanguage: 'باللغة',
      languages: { ar: 'العربية', en: 'الإنجليزية', fr: 'الفرنسية' },
      and: ' و', listSep: '، ', partSep: '؛ ',
    },
    en: {
      title: 'Strong Cities Network assistant',
      greeting: 'Hello! Ask me about the Strong Cities Network’s declarations, policy briefs and event reports. I answer only from the documents and cite my sources like [1].',
      placeholder: 'Type your question…',
      inputLabel: 'Your question',
      send: 'Send',
      open: 'Open the assistant',
      close: 'Close the assistant',
      newChat: 'New conversation',
      log: 'Conversation',
      you: 'You:',
      bot: 'Assistant:',
      thinking: 'The assistant is searching the documents…',
      refusal: 'Not covered by the documents',
      sources: 'Sources',
      source: 'Source',
      closeSource: 'Close the source',
      kind: 'Kind', date: 'Date', place: 'Place', quote: 'Quoted passage',
      kinds: { declaration: 'Declaration', brief: 'Policy brief', event_report: 'Event report', about: 'About the network', other: 'Document' },
      helpful: 'Helpful answer',
      notHelpful: 'Unhelpful answer',
      feedbackTitle: 'Feedback on the answer',
      whatWrong: 'What was wrong with this answer?',
      reasons: { wrong: 'Wrong information', incomplete: 'Incomplete', no_source: 'No source, or the source does not support it', other: 'Something else' },
      comment: 'More details (optional)',
      submitFeedback: 'Send feedback',
      cancel: 'Cancel',
      thanks: 'Thank you! Your feedback was received.',
      feedbackError: 'The feedback could not be sent. Please try again.',
      errNetwork: 'Could not reach the assistant. Check your connection and try again.',
      errForbidden: 'This site is not allowed to use the assistant.',
      errNotReady: 'The assistant is not ready yet: no documents are indexed on the server (run assistant ingest).',
      errInvalid: 'The question could not be accepted:',
      errBusy: 'The assistant is busy. Please wait a moment and try again.',
      errInterrupted: 'The answer was interrupted. Please try again.',
      errGeneric: 'Something went wrong. Please try again.',
      errTimeout: 'The assistant has not answered for a while. Try again, or cancel the question.',
      retry: 'Try again',
      cancelQuestion: 'Cancel the question',
      confirmNew: 'Start a new conversation? The current messages will be cleared.',
      confirmYes: 'Yes, start afresh',
      keep: 'No, keep them',
      openSource: 'Open the source',
      newTab: '(opens in a new tab)',
      passages: 'Passages',
      refusalText: 'Sorry, the documents available to me do not hold enough information to answer this question. You can rephrase it, or ask about a topic the Strong Cities Network documents cover.',
      dateLocale: 'en-GB',
      scope: 'Search scope:',
      scopeOnly: 'only',
      scopeKinds: { declaration: 'declarations', brief: 'policy briefs', event_report: 'event reports', about: 'about the network', other: 'other documents' },
      scopeFrom: 'from', scopeTo: 'to', scopeSince: 'since', scopeUntil: 'until', scopeIn: 'in', scopeLanguage: 'in',
      languages: { ar: 'Arabic', en: 'English', fr: 'French' },
      and: ' and ', listSep: ', ', partSep: '; ',
    },
  };

  /* Icons (Feather, MIT) drawn with DOM APIs. */
  const ICONS = {
    chat: 'M21 11.5a8.38 8.38 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.38 8.38 0 0 1-3.8-.9L3 21l1.9-5.7a8.38 8.38 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.38 8.38 0 0 1 3.8-.9h.5a8.48 8.48 0 0 1 8 8v.5z',
    x: 'M18 6L6 18M6 6l12 12',
    send: 'M22 2L11 13M22 2l-7 20-4-9-9-4 20-7z',
    up: 'M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3',
    down: 'M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7a2.31 2.31 0 0 1-2.33 2H17',
    info: 'M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20zM12 16v-4M12 8h.01',
    plus: 'M12 5v14M5 12h14',
  };
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function icon(name) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    const attrs = { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false' };
    for (const k in attrs) svg.setAttribute(k, attrs[k]);
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.append(path);
    return svg;
  }

  /* h('div', {class: 'x', text: 'safe text', onclick: fn}, child, 'text child') — strings become text nodes. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c != null && c !== false) el.append(c);
    return el;
  }

  /* Text with URLs, e-mail addresses, `code`, [n] markers and Latin numbers isolated as LTR runs, so they keep their order
   * inside Arabic sentences. `marker(n)` may return an element for a citation marker. */
  const TOKENS = /(https?:\/\/[^\s<>"'«»]+)|`([^`\n]+)`|\[(\d{1,3})\]|([\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})|(\d+(?:[.,:/\-–]\d+)*%?)/g;
  function renderRich(box, text, marker) {
    box.replaceChildren();
    text = String(text || '');
    let last = 0;
    let m;
    TOKENS.lastIndex = 0;
    while ((m = TOKENS.exec(text))) {
      let end = m.index + m[0].length;
      if (m.index > last) box.append(text.slice(last, m.index));
      if (m[1]) {
        const url = m[1].replace(/[.,;:!?)\]}،؛؟]+$/, '');
        end = m.index + url.length;
        box.append(h('bdi', { dir: 'ltr' }, h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text: url })));
      } else if (m[2] != null) {
        box.append(h('code', { dir: 'ltr', text: m[2] }));
      } else if (m[3]) {
        box.append((marker && marker(Number(m[3]))) || h('bdi', { dir: 'ltr', text: m[0] }));
      } else if (m[4]) {
        box.append(h('bdi', { dir: 'ltr' }, h('a', { href: 'mailto:' + m[4], text: m[4] })));
      } else {
        box.append(h('bdi', { dir: 'ltr', text: m[0] }));
      }
      last = end;
      TOKENS.lastIndex = end;
    }
    if (last < text.length) box.append(text.slice(last));
  }

  /* The language of a piece of text, for its lang attribute: 'ar' when Arabic letters are at least a
   * third of its letters, 'en' when Latin letters dominate, null when it cannot tell (no letters). */
  function langOf(text) {
    const sample = String(text || '').slice(0, 400);
    const arabic = (sample.match(/[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/g) || []).length;
    const latin = (sample.match(/[A-Za-z\u00C0-\u024F]/g) || []).length;
    if (!arabic && !latin) return null;
    return arabic >= (arabic + latin) / 3 ? 'ar' : 'en';
  }

  const safeUrl = (url) => (typeof url === 'string' && /^https?:\/\/[^\s]+$/i.test(url) ? url : null);

  function formatDate(value, locale) {
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(String(value || ''));
    if (!m) return value || '';
    const opts = { timeZone: 'UTC', year: 'numeric' };
    if (m[2]) opts.month = 'long';
    if (m[3]) opts.day = 'numeric';
    try {
      return new Intl.DateTimeFormat(locale, opts).format(new Date(Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1)));
    } catch (e) {
      return value;
    }
  }

  /* Server-Sent Events over fetch (EventSource cannot POST): yields {event, data}; frames may be split
   * anywhere across chunks, lines may end in \n, \r\n or \r. */
  async function* readSSE(response, onChunk) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder('utf-8');
    let buf = '';
    let event = '';
    let data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (onChunk) onChunk();
        buf += done ? decoder.decode() + '\n\n' : decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.search(/[\r\n]/)) >= 0) {
          if (buf[i] === '\r' && i === buf.length - 1 && !done) break; // maybe half of \r\n
          const line = buf.slice(0, i);
          buf = buf.slice(buf[i] === '\r' && buf[i + 1] === '\n' ? i + 2 : i + 1);
          if (line === '') {
            if (data.length) yield { event: event || 'message', data: data.join('\n') };
            event = '';
            data = [];
          } else if (line[0] !== ':') {
            const c = line.indexOf(':');
            const field = c < 0 ? line : line.slice(0, c);
            let val = c < 0 ? '' : line.slice(c + 1);
            if (val[0] === ' ') val = val.slice(1);
            if (field === 'event') event = val;
            else if (field === 'data') data.push(val);
          }
        }
        if (done) return;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  const docsCache = new Map(); // assistant URL -> Promise<Map<document_id, document>>
  function loadDocuments(url) {
    if (!docsCache.has(url)) {
      const p = fetch(url + '/v1/documents', { credentials: 'omit' })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
        .then((d) => new Map((d.documents || []).map((doc) => [doc.id, doc])))
        .catch(() => { docsCache.delete(url); return new Map(); });
      docsCache.set(url, p);
    }
    return docsCache.get(url);
  }

  /* The search scope an embedding site sets with data attributes on the script tag (or the element):
   * data-kind, data-language and data-documents are comma-separated lists; data-place is a list
   * separated by "|" (place names hold commas); data-date-from / data-date-to are YYYY-MM-DD.
   * Returns the API's filter object, or null when nothing is set. The server checks the values
   * (an unknown kind or a bad date is a 422, shown in the widget with the server's message). */
  function scopeOf(d) {
    const list = (value, sep) => String(value || '').split(sep).map((v) => v.trim()).filter(Boolean);
    const f = {};
    const kinds = list(d.kind, ',');
    const languages = list(d.language, ',');
    const documents = list(d.documents, ',');
    const places = list(d.place, '|');
    if (kinds.length) f.kind = kinds;
    if (languages.length) f.language = languages;
    if (documents.length) f.document_ids = documents;
    if (places.length) f.place = places;
    if ((d.dateFrom || '').trim()) f.date_from = d.dateFrom.trim();
    if ((d.dateTo || '').trim()) f.date_to = d.dateTo.trim();
    return Object.keys(f).length ? f : null;
  }

  /* «نطاق البحث: الإعلانات فقط» — the scope in words; document ids become titles once known. */
  function describeScope(f, t, docs) {
    const join = (items) => (items.length < 2 ? items.join('') : items.slice(0, -1).join(t.listSep) + t.and + items[items.length - 1]);
    const parts = [];
    if (f.kind) parts.push(join(f.kind.map((k) => t.scopeKinds[k] || k)));
    if (f.document_ids) parts.push(join(f.document_ids.map((id) => '«' + ((docs && docs.get(id) && docs.get(id).title) || id) + '»')));
    if (f.place) parts.push(t.scopeIn + ' ' + join(f.place));
    const date = (v) => formatDate(v, t.dateLocale);
    if (f.date_from && f.date_to) parts.push(t.scopeFrom + ' ' + date(f.date_from) + ' ' + t.scopeTo + ' ' + date(f.date_to));
    else if (f.date_from) parts.push(t.scopeSince + ' ' + date(f.date_from));
    else if (f.date_to) parts.push(t.scopeUntil + ' ' + date(f.date_to));
    if (f.language) parts.push(t.scopeLanguage + ' ' + join(f.language.map((l) => t.languages[l] || l)));
    return t.scope + ' ' + parts.join(t.partSep) + ' ' + t.scopeOnly;
  }

  const STYLES = `
:host { all: initial; display: block; }
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
.root {
  --p: var(--scn-primary, #0f6e5a); --on-p: var(--scn-on-primary, #ffffff);
  --bg: var(--scn-background, #ffffff); --fg: var(--scn-text, #1d2430); --muted: var(--scn-muted, #5b6472);
  --border: var(--scn-border, #d5dbe3); --user-bg: var(--scn-user-bubble, #e3f1ec); --bot-bg: var(--scn-assistant-bubble, #f3f5f8);
  --ref-bg: var(--scn-refusal-bubble, #fff6e0); --ref-border: var(--scn-refusal-border, #c98a00); --ref-fg: var(--scn-refusal-text, #6f4600);
  --focus: var(--scn-focus, #1a5fd0); --radius: var(--scn-radius, 14px);
  font-family: var(--scn-font, ${FONT}); font-size: var(--scn-font-size, 15px); line-height: var(--scn-line-height, 1.7);
  color: var(--fg); font-weight: 400; font-style: normal; letter-spacing: normal; word-spacing: normal;
  text-align: start; text-transform: none; text-indent: 0; text-shadow: none; white-space: normal; box-sizing: border-box;
}
.root *, .root *::before, .root *::after { box-sizing: border-box; letter-spacing: normal; }
button, input, textarea { font: inherit; color: inherit; margin: 0; }
button { cursor: pointer; border: 0; background: none; padding: 0; }
button:disabled { cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
svg { width: 20px; height: 20px; display: block; }
/* "You:" / "Assistant:" for screen readers, kept out of the text content (and of dir=auto detection). */
.msg[data-who]::before { content: attr(data-who) " "; position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
[dir=rtl] .msg[data-who]::before { direction: rtl; unicode-bidi: isolate; }
[dir=ltr] .msg[data-who]::before { direction: ltr; unicode-bidi: isolate; }
.launcher { position: fixed; bottom: 20px; z-index: var(--scn-z-index, 2147483000); width: 58px; height: 58px; border-radius: 50%;
  background: var(--p); color: var(--on-p); display: grid; place-items: center; box-shadow: 0 6px 20px rgba(0,0,0,.25); }
.launcher svg { width: 28px; height: 28px; }
[data-side=left] .launcher, [data-side=left][data-mode=floating] .panel { left: 20px; }
[data-side=right] .launcher, [data-side=right][data-mode=floating] .panel { right: 20px; }
.panel { display: flex; flex-direction: column; background: var(--bg); color: var(--fg); border: 1px solid var(--border);
  border-radius: var(--radius); overflow: hidden; }
[data-mode=floating] .panel { position: fixed; bottom: 90px; z-index: var(--scn-z-index, 2147483000);
  width: var(--scn-panel-width, 390px); max-width: calc(100vw - 40px); height: min(640px, calc(100vh - 120px)); box-shadow: 0 12px 40px rgba(0,0,0,.22); }
[data-mode=inline] .panel { width: 100%; height: var(--scn-inline-height, 520px); }
.header { display: flex; align-items: center; gap: 6px; padding: 8px 12px; background: var(--p); color: var(--on-p); }
.scope { margin: 0; padding: 6px 12px; font-size: .88em; line-height: 1.5; background: var(--bot-bg); color: var(--fg);
  border-bottom: 1px solid var(--border); }
.title { flex: 1; margin: 0; font: inherit; font-size: 1.05em; font-weight: 700; line-height: 1.4; color: inherit; }
.icon-btn { width: 36px; height: 36px; flex: none; border-radius: 50%; display: inline-grid; place-items: center; color: inherit; }
.icon-btn:hover:not(:disabled) { background: rgba(127,127,127,.18); }
.log { flex: 1; overflow-y: auto; overscroll-behavior: contain; padding: 14px; display: flex; flex-direction: column; gap: 12px; }
.msg { position: relative; max-width: 90%; padding: 8px 14px; border-radius: var(--radius); overflow-wrap: anywhere; }
.msg.user { align-self: flex-end; background: var(--user-bg); white-space: pre-wrap; }
.msg.assistant { align-self: flex-start; background: var(--bot-bg); }
.msg.failed { opacity: .7; }
.text { white-space: pre-wrap; }
.text a { color: var(--p); }
code { font-family: ui-monospace, "DejaVu Sans Mono", Consolas, monospace; font-size: .9em; background: rgba(127,127,127,.14); padding: 0 4px; border-radius: 4px; }
.msg.refused { background: var(--ref-bg); border: 1px solid var(--ref-border); border-inline-start-width: 5px; }
.refusal-label { display: flex; align-items: center; gap: 6px; font-weight: 700; font-size: .85em; color: var(--ref-fg); }
.refusal-label svg { width: 18px; height: 18px; }
.msg.error { align-self: stretch; max-width: none; background: #fdecec; color: #8b1a1a; border: 1px solid #efb3b3; }
.msg.error p { margin: 0; }
.msg.error .detail { font-size: .85em; }
.marker { color: var(--p); font-weight: 700; font-size: .85em; padding: 0 2px; border-radius: 4px; text-decoration: underline dotted; }
.marker[aria-expanded=true] { background: var(--p); color: var(--on-p); text-decoration: none; }
.sources { margin-top: 8px; }
.sources-label { font-size: .8em; font-weight: 700; color: var(--muted); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 2px 0 0; padding: 0; list-style: none; }
.chip { display: inline-flex; align-items: center; gap: 6px; max-width: 100%; padding: 2px 4px; padding-inline-end: 10px;
  border: 1px solid var(--border); border-radius: 999px; background: var(--bg); font-size: .82em; line-height: 1.5; }
.chip:hover, .chip[aria-expanded=true] { border-color: var(--p); }
.chip[aria-expanded=true] { box-shadow: inset 0 0 0 1px var(--p); }
.num { display: inline-grid; place-items: center; min-width: 1.7em; height: 1.7em; padding: 0 4px; border-radius: 999px; background: var(--p); color: var(--on-p); font-size: .85em; font-weight: 700; }
.page { white-space: nowrap; opacity: .75; font-size: .9em; }
.chip-title { display: inline-block; max-width: 15em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: start; }
/* the whole title in a tip over the chip on hover and keyboard focus (no layout shift) */
.chips li { position: relative; }
.chip-tip { display: none; position: absolute; z-index: 3; bottom: calc(100% + 4px); inset-inline-start: 0; width: max-content;
  max-width: min(22em, 80vw); padding: 4px 8px; border-radius: 6px; background: var(--fg); color: var(--bg); font-size: .8em;
  line-height: 1.5; white-space: normal; box-shadow: 0 2px 8px rgba(0,0,0,.25); pointer-events: none; }
.chip:hover + .chip-tip, .chip:focus-visible + .chip-tip { display: block; }
.chip .nums { display: inline-flex; gap: 2px; flex: none; }
.passages { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.passage { display: flex; align-items: flex-start; gap: 6px; border-radius: 8px; padding: 2px; }
.passage[aria-current=true] { background: rgba(15,110,90,.08); box-shadow: inset 0 0 0 1px var(--p); }
.passage .quote { margin: 0; flex: 1; }
.source-link { display: inline-flex; align-items: center; gap: 4px; margin-top: 8px; color: var(--p); font-weight: 700; }
.confirm { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 8px 12px; background: var(--ref-bg); border-bottom: 1px solid var(--ref-border); color: var(--fg); font-size: .9em; }
.confirm p { margin: 0; flex: 1 1 100%; }
.err-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }
.err-actions .btn { color: #8b1a1a; border-color: #efb3b3; }
.popover { margin-top: 8px; padding: 8px 12px 10px; border: 1px solid var(--border); border-radius: 10px; background: var(--bg); box-shadow: 0 2px 10px rgba(0,0,0,.08); font-size: .9em; }
.pop-head { display: flex; align-items: flex-start; gap: 8px; }
.pop-title { flex: 1; font-weight: 700; line-height: 1.5; padding-top: 4px; }
.pop-head .icon-btn { width: 30px; height: 30px; }
.pop-head .icon-btn svg { width: 16px; height: 16px; }
.pop-meta { display: flex; flex-wrap: wrap; gap: 0 14px; margin: 4px 0 0; color: var(--muted); font-size: .9em; }
.pop-meta div { display: flex; gap: 4px; }
.pop-meta dt { font-weight: 700; }
.pop-meta dt::after { content: ":"; }
.pop-meta dd { margin: 0; }
.quote { margin: 6px 0 0; padding: 0; padding-inline-start: 10px; border-inline-start: 3px solid var(--p); white-space: pre-wrap; }
.feedback { display: flex; align-items: center; flex-wrap: wrap; gap: 2px; margin-top: 6px; color: var(--muted); }
.thumb { width: 32px; height: 32px; }
.thumb svg { width: 17px; height: 17px; }
.thumb[aria-pressed=true] { color: var(--p); background: rgba(15,110,90,.12); box-shadow: inset 0 0 0 1px var(--p); }
.thumb:disabled:not([aria-pressed=true]) { opacity: .45; }
.thanks { font-size: .85em; margin-inline-start: 6px; color: var(--p); font-weight: 700; }
.fb-error { margin: 4px 0 0; font-size: .85em; color: #8b1a1a; }
.fb-form { margin-top: 6px; padding: 10px 12px; border: 1px solid var(--border); border-radius: 10px; background: var(--bg); font-size: .92em; }
fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
legend { padding: 0; margin-bottom: 2px; font-weight: 700; }
.radio { display: flex; align-items: center; gap: 8px; padding: 2px 0; cursor: pointer; }
input[type=radio] { width: 18px; height: 18px; flex: none; accent-color: var(--p); }
.fb-comment { display: block; margin-top: 6px; }
textarea { display: block; width: 100%; border: 1px solid var(--border); border-radius: 10px; padding: 6px 10px; background: #fff; color: var(--fg); line-height: 1.6; }
.fb-comment textarea { margin-top: 2px; resize: vertical; min-height: 3.5em; }
.fb-actions { display: flex; gap: 8px; margin-top: 8px; }
.btn { padding: 4px 14px; border-radius: 8px; border: 1px solid var(--border); background: var(--bg); }
.btn.primary { background: var(--p); color: var(--on-p); border-color: var(--p); font-weight: 700; }
.typing { display: flex; align-items: center; gap: 8px; padding: 0 16px 8px; color: var(--muted); font-size: .88em; }
.dots { display: inline-flex; gap: 4px; }
.dots i { width: 7px; height: 7px; border-radius: 50%; background: currentColor; animation: scn-blink 1.2s infinite ease-in-out both; }
.dots i:nth-child(2) { animation-delay: .2s; } .dots i:nth-child(3) { animation-delay: .4s; }
@keyframes scn-blink { 0%, 80%, 100% { opacity: .2; } 40% { opacity: 1; } }
.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px; border-top: 1px solid var(--border); background: var(--bg); }
.composer textarea { flex: 1; resize: none; border-radius: 12px; padding: 8px 12px; min-height: 2.9em; max-height: 9.5em; overflow-y: auto; }
.send { width: 44px; height: 44px; flex: none; border-radius: 50%; background: var(--p); color: var(--on-p); display: grid; place-items: center; }
[dir=rtl] .send svg { transform: scaleX(-1); }
.composer textarea:disabled, .send:disabled { opacity: .55; }
@media (prefers-reduced-motion: reduce) { .dots i { animation: none; opacity: .6; } }
@media (max-width: 480px) {
  .root[data-mode=floating] .panel { left: 0; right: 0; top: 0; bottom: 0; width: 100%; max-width: none; height: 100%; border: 0; border-radius: 0; }
  [data-mode=floating][data-open] .launcher { display: none; }
  .msg { max-width: 96%; }
  .composer textarea { font-size: max(16px, 1em); }
}
`;

  let uid = 0;
  const nextId = (prefix) => 'scn-' + prefix + '-' + ++uid;

  class SCNAssistantElement extends HTMLElement {
    connectedCallback() { this._build(); }

    _build() {
      if (this._built) return;
      this._built = true;
      const d = this.dataset;
      this.lang_ = (d.lang || '').toLowerCase().slice(0, 2) === 'en' ? 'en' : 'ar';
      this.dir_ = this.lang_ === 'ar' ? 'rtl' : 'ltr';
      const t = (this.t = STRINGS[this.lang_]);
      this.url = (d.assistantUrl || DEFAULT_URL).trim().replace(/\/+$/, '') || DEFAULT_URL;
      this.inline = d.mode === 'inline';
      const pos = (d.position || 'end').toLowerCase();
      const side = pos === 'left' || pos === 'right' ? pos : (pos === 'start') === (this.dir_ === 'rtl') ? 'right' : 'left';
      this.filters = scopeOf(d);
      // a scoped instance keeps its own conversation (another instance of the same assistant may be unscoped)
      this.storageKey = 'scn-assistant:' + this.url + (d.storageKey ? '|' + d.storageKey : this.inline ? '|inline' : '')
        + (this.filters ? '|scope:' + JSON.stringify(this.filters) : '');
      this.busy = false;
      this.openPop = null;
      this.failed = null; // {userEl, errorEl, text} of the last question that got no answer
      const timeout = Number(d.timeout);
      this.timeoutMs = (Number.isFinite(timeout) && timeout > 0 ? timeout : 30) * 1000;
      this.setAttribute('lang', this.lang_);
      this.setAttribute('dir', this.dir_);
      if (!d.mode) d.mode = 'floating';
      const color = (d.primaryColor || '').trim();
      if (color && window.CSS && window.CSS.supports('color', color)) this.style.setProperty('--scn-primary', color);

      const titleId = nextId('title');
      const panelId = nextId('panel');
      this.log = h('div', { class: 'log', part: 'messages', 'data-testid': 'messages', role: 'log', 'aria-live': 'polite', 'aria-label': t.log, tabindex: '-1' });
      this.typing = h('div', { class: 'typing', part: 'typing', 'data-testid': 'typing', role: 'status', hidden: true },
        h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), h('span', { text: t.thinking }));
      this.input = h('textarea', { part: 'input', 'data-testid': 'input', rows: '1', maxlength: '4000', dir: 'auto',
        placeholder: t.placeholder, 'aria-label': t.inputLabel, enterkeyhint: 'send', autocomplete: 'off' });
      this.sendBtn = h('button', { type: 'submit', class: 'send', part: 'send', 'data-testid': 'send', 'aria-label': t.send, title: t.send }, icon('send'));
      this.newBtn = h('button', { type: 'button', class: 'icon-btn', part: 'new-conversation', 'data-testid': 'new-conversation',
        'aria-label': t.newChat, title: t.newChat, onclick: () => this._confirmReset() }, icon('plus'));
      const closeBtn = this.inline ? null : h('button', { type: 'button', class: 'icon-btn', part: 'close', 'data-testid': 'close',
        'aria-label': t.close, title: t.close, onclick: () => this.close(true) }, icon('x'));
      const form = h('form', { class: 'composer', part: 'composer', onsubmit: (e) => { e.preventDefault(); this._submit(); } }, this.input, this.sendBtn);
      const scopeId = nextId('scope');
      this.scopeEl = this.filters ? h('p', { class: 'scope', part: 'scope', 'data-testid': 'scope', id: scopeId,
        text: describeScope(this.filters, t, null) }) : null;
      this.panel = h('section', { class: 'panel', part: 'panel', 'data-testid': 'panel', id: panelId, role: this.inline ? 'region' : 'dialog',
        'aria-labelledby': titleId, 'aria-describedby': this.filters ? scopeId : null, hidden: !this.inline },
        h('div', { class: 'header', part: 'header' }, h('h2', { class: 'title', id: titleId, text: d.title || t.title }), this.newBtn, closeBtn),
        this.scopeEl,
        this.confirmSlot = h('div', { class: 'confirm-slot' }), this.log, this.typing, form);
      this.launcher = this.inline ? null : h('button', { type: 'button', class: 'launcher', part: 'launcher', 'data-testid': 'launcher',
        'aria-label': t.open, title: t.open, 'aria-expanded': 'false', 'aria-controls': panelId, onclick: () => (this.isOpen ? this.close(true) : this.open()) }, icon('chat'));
      this.rootEl = h('div', { class: 'root', part: 'root', dir: this.dir_, lang: this.lang_, 'data-mode': this.inline ? 'inline' : 'floating', 'data-side': side },
        this.launcher, this.panel);
      const shadow = this.attachShadow({ mode: 'open' });
      shadow.append(h('style', { text: STYLES }), this.rootEl);

      this.rootEl.addEventListener('keydown', (e) => this._onKey(e));
      this.input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); this._submit(); }
      });
      this.input.addEventListener('input', () => this._autosize());

      if (this.filters && this.filters.document_ids) {
        loadDocuments(this.url).then((docs) => { this.scopeEl.textContent = describeScope(this.filters, t, docs); });
      }
      this.state = this._load();
      this._renderAll();
      if (!this.inline && d.open === 'true') this.open(false);
      this.dispatchEvent(new CustomEvent('scn-assistant:ready', { bubbles: true, composed: true }));
    }

    get isOpen() { return this.inline || (this.panel ? !this.panel.hidden : false); }

    open(focus = true) {
      this._build();
      if (!this.inline) {
        this.panel.hidden = false;
        this.rootEl.setAttribute('data-open', '');
        this.launcher.setAttribute('aria-expanded', 'true');
        this.launcher.setAttribute('aria-label', this.t.close);
        this.launcher.title = this.t.close;
        this.launcher.replaceChildren(icon('x'));
        // full screen on a phone: the page behind is out of reach, so the dialog is modal (focus stays in)
        if (this._fullScreen()) this.panel.setAttribute('aria-modal', 'true');
        else this.panel.removeAttribute('aria-modal');
      }
      this._scrollEnd(true);
      if (focus) (this.input.disabled ? this.log : this.input).focus();
    }

    close(restoreFocus) {
      this._build();
      if (this.inline || this.panel.hidden) return;
      const hadFocus = !!this.shadowRoot.activeElement;
      if (this.openPop) this.openPop.close(false);
      this.panel.removeAttribute('aria-modal');
      this.panel.hidden = true;
      this.rootEl.removeAttribute('data-open');
      this.launcher.setAttribute('aria-expanded', 'false');
      this.launcher.setAttribute('aria-label', this.t.open);
      this.launcher.title = this.t.open;
      this.launcher.replaceChildren(icon('chat'));
      if (restoreFocus || hadFocus) this.launcher.focus();
    }

    /** Opens the panel and sends `text`; resolves true once an answer arrived, false otherwise. */
    ask(text) {
      this._build();
      this.open();
      return this.send(text);
    }

    /** Forgets the conversation (server id and transcript) and starts afresh. */
    reset() {
      if (this.busy) return;
      this._closeConfirm(false);
      this.failed = null;
      this.state = { v: STORE_VERSION, conversation_id: null, messages: [] };
      this._save();
      this._renderAll();
      this.input.focus();
    }

    /* The "+" button: asks first when there is a conversation to lose. */
    _confirmReset() {
      if (this.busy) return;
      if (!this.state.messages.length && !this.failed) { this.reset(); return; }
      if (this.confirmEl) { this.confirmEl.querySelector('button').focus(); return; }
      const t = this.t;
      const textId = nextId('confirm');
      const yes = h('button', { type: 'button', class: 'btn primary', 'data-testid': 'confirm-new-yes', text: t.confirmYes, onclick: () => this.reset() });
      const no = h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-new-no', text: t.keep, onclick: () => this._closeConfirm(true) });
      this.confirmEl = h('div', { class: 'confirm', part: 'confirm-new', 'data-testid': 'confirm-new', role: 'alertdialog', 'aria-describedby': textId },
        h('p', { id: textId, text: t.confirmNew }), yes, no);
      this.confirmSlot.replaceChildren(this.confirmEl);
      no.focus();
    }

    _closeConfirm(focusBack) {
      if (!this.confirmEl) return;
      this.confirmEl.remove();
      this.confirmEl = null;
      if (focusBack) this.newBtn.focus();
    }

    _fullScreen() {
      return !this.inline && !!window.matchMedia && window.matchMedia('(max-width: 480px)').matches;
    }

    /* Full screen (phones), Tab and Shift+Tab cycle inside the panel instead of reaching the hidden page. */
    _trapTab(e) {
      if (!this.isOpen || !this._fullScreen()) return;
      const items = Array.from(this.panel.querySelectorAll('button, a[href], input, textarea, select, [tabindex]:not([tabindex="-1"])'))
        .filter((el) => !el.disabled && el.getClientRects().length > 0);
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      const active = this.shadowRoot.activeElement;
      const inside = active && this.panel.contains(active);
      if (e.shiftKey && (!inside || active === first)) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && (!inside || active === last)) { e.preventDefault(); first.focus(); }
    }

    _onKey(e) {
      if (e.key === 'Tab') { this._trapTab(e); return; }
      if (e.key !== 'Escape') return;
      if (this.confirmEl && e.target.closest && e.target.closest('.confirm')) { e.preventDefault(); e.stopPropagation(); this._closeConfirm(true); return; }
      const fbForm = e.target.closest && e.target.closest('.fb-form');
      if (fbForm && fbForm._cancel) { e.preventDefault(); e.stopPropagation(); fbForm._cancel(); return; }
      if (this.openPop) { e.preventDefault(); e.stopPropagation(); this.openPop.close(true); return; }
      if (!this.inline && this.isOpen) { e.preventDefault(); e.stopPropagation(); this.close(true); }
    }

    _autosize() {
      this.input.style.height = 'auto';
      this.input.style.height = Math.min(this.input.scrollHeight + 2, 150) + 'px';
    }

    _scrollEnd(force) {
      const l = this.log;
      if (force || l.scrollHeight - l.scrollTop - l.clientHeight < 120) l.scrollTop = l.scrollHeight;
    }

    /* ---------- persistence (sessionStorage, one key per assistant URL) ---------- */
    _load() {
      try {
        const s = JSON.parse(sessionStorage.getItem(this.storageKey) || 'null');
        if (s && s.v === STORE_VERSION && Array.isArray(s.messages)) {
          s.messages = s.messages.filter((m) => m && (m.role === 'user' || m.role === 'assistant') && typeof m.text === 'string');
          s.messages.forEach((m) => { if (!Array.isArray(m.citations)) m.citations = []; });
          return s;
        }
      } catch (e) { /* storage disabled or corrupt */ }
      return { v: STORE_VERSION, conversation_id: null, messages: [] };
    }

    _save() {
      try {
        this.state.messages = this.state.messages.slice(-MAX_STORED);
        sessionStorage.setItem(this.storageKey, JSON.stringify(this.state));
      } catch (e) { /* quota or disabled storage: the conversation just won't survive a reload */ }
    }

    /* ---------- rendering ---------- */
    _renderAll() {
      this.openPop = null;
      const greetingText = this.dataset.greeting || this.t.greeting;
      const greeting = h('div', { class: 'msg assistant greeting', part: 'message greeting', 'data-testid': 'greeting', dir: 'auto',
        lang: langOf(greetingText) || this.lang_ },
        h('div', { class: 'text', text: greetingText }));
      this.log.replaceChildren(greeting, ...this.state.messages.map((m) => this._messageEl(m)));
      if (this.state.messages.some((m) => m.citations && m.citations.length)) loadDocuments(this.url);
      this._scrollEnd(true);
    }

    _messageEl(m) {
      if (m.role === 'user') {
        return h('div', { class: 'msg user', part: 'message message-user', 'data-testid': 'message-user', 'data-who': this.t.you, dir: 'auto',
          lang: langOf(m.text) }, m.text);
      }
      return this._assistantEl(m);
    }

    _assistantEl(m) {
      const t = this.t;
      const refused = !!m.refused;
      // A refusal in another language than the widget's (the server's is Arabic) is shown in the widget's own.
      const text = refused && !m.streaming && langOf(m.text) && langOf(m.text) !== this.lang_ ? t.refusalText : m.text;
      const el = h('div', { class: 'msg assistant' + (refused ? ' refused' : ''), part: 'message message-assistant' + (refused ? ' refusal' : ''),
        'data-testid': 'message-assistant', 'data-refused': String(refused), 'data-answer-id': m.answer_id || null, 'data-who': t.bot, dir: 'auto' });
      if (refused) el.append(h('div', { class: 'refusal-label', part: 'refusal', 'data-testid': 'refusal', dir: this.dir_, lang: this.lang_ }, icon('info'), h('span', { text: t.refusal })));
      const body = h('div', { class: 'text', part: 'answer-text', 'data-testid': 'answer-text', lang: langOf(text) });
      el.append(body);
      const cites = refused || m.streaming ? [] : (m.citations || []).filter((c) => c && Number.isFinite(Number(c.n)));
      const marker = cites.length ? this._citations(el, cites) : null;
      renderRich(body, text, marker);
      if (m.answer_id && !m.streaming) el.append(this._feedbackEl(m));
      return el;
    }

    /* One chip per cited document (its passage numbers, its title: cut short, whole on hover and focus);
     * a chip or an [n] marker opens the message's source popover on that document, with every passage
     * cited from it and a link to the source page when the document has one. */
    _citations(el, cites) {
      const t = this.t;
      const groups = [];
      for (const c of cites) {
        const key = c.document_id || 'n' + c.n;
        let g = groups.find((x) => x.key === key);
        if (!g) groups.push((g = { key, document_id: c.document_id, title: c.title || c.document_id || '', cites: [] }));
        g.cites.push(c);
      }
      const groupOf = (n) => groups.find((g) => g.cites.some((c) => Number(c.n) === n));
      const popId = nextId('pop');
      const pop = h('div', { class: 'popover', part: 'citation-popover', 'data-testid': 'citation-popover', id: popId, role: 'group', dir: this.dir_, hidden: true });
      const triggers = [];
      let current = null; // the open group
      let lastTrigger = null;
      const sync = () => triggers.forEach((b) => b.setAttribute('aria-expanded', String(!!current && groupOf(Number(b.dataset.n)) === current)));
      const ctl = {
        close: (focusBack) => {
          if (!current) return;
          current = null;
          pop.hidden = true;
          sync();
          if (this.openPop === ctl) this.openPop = null;
          if (focusBack && lastTrigger) lastTrigger.focus();
        },
      };
      const show = (n, trigger) => {
        const g = groupOf(n);
        if (!g) return;
        if (this.openPop && this.openPop !== ctl) this.openPop.close(false);
        current = g;
        lastTrigger = trigger;
        const fill = (docs) => this._fillPopover(pop, g, n, docs, () => ctl.close(true));
        fill(null);
        pop.hidden = false;
        sync();
        this.openPop = ctl;
        loadDocuments(this.url).then((docs) => { if (current === g) fill(docs); });
        if (pop.scrollIntoView) pop.scrollIntoView({ block: 'nearest' });
      };
      const trigger = (n, b) => {
        b.dataset.n = String(n);
        b.setAttribute('aria-expanded', 'false');
        b.setAttribute('aria-controls', popId);
        b.addEventListener('click', () => {
          if (current && current === groupOf(n) && (b.classList.contains('chip') || pop.dataset.n === String(n))) ctl.close(false);
          else show(n, b);
        });
        triggers.push(b);
        return b;
      };
      const chips = groups.map((g) => {
        const numbers = g.cites.map((c) => Number(c.n));
        const label = t.source + ' ' + numbers.join(this.lang_ === 'ar' ? '، ' : ', ') + ': ' + g.title;
        const tipId = nextId('tip');
        return h('li', {}, trigger(numbers[0], h('button', { type: 'button', class: 'chip', part: 'chip', 'data-testid': 'chip',
          'data-document-id': g.document_id || null, 'aria-label': label, 'aria-describedby': tipId },
          h('span', { class: 'nums', 'aria-hidden': 'true' }, numbers.map((n) => h('span', { class: 'num', text: String(n) }))),
          h('bdi', { class: 'chip-title', 'data-testid': 'chip-title', lang: langOf(g.title), text: g.title }),
          pageLabel(g.cites, this.dir_))),
        h('span', { class: 'chip-tip', part: 'chip-tip', 'data-testid': 'chip-tip', id: tipId, role: 'tooltip', dir: 'auto', lang: langOf(g.title), text: g.title }));
      });
      el.append(h('div', { class: 'sources', part: 'sources', dir: this.dir_ },
        h('span', { class: 'sources-label', text: t.sources }), h('ul', { class: 'chips', 'aria-label': t.sources }, chips), pop));
      return (n) => (groupOf(n)
        ? trigger(n, h('button', { type: 'button', class: 'marker', part: 'marker', 'data-testid': 'marker', dir: 'ltr', 'aria-label': t.source + ' ' + n, text: '[' + n + ']' }))
        : null);
    }

    _fillPopover(pop, g, n, docs, onClose) {
      const t = this.t;
      const doc = docs && docs.get(g.document_id);
      const titleId = nextId('pt');
      const title = (doc && doc.title) || g.title;
      const meta = h('dl', { class: 'pop-meta', 'data-testid': 'citation-meta' });
      const row = (label, value, testid) => meta.append(h('div', {}, h('dt', { text: label }), h('dd', { dir: 'auto', lang: langOf(value), 'data-testid': testid, text: value })));
      if (doc) {
        row(t.kind, t.kinds[doc.kind] || t.kinds.other, 'citation-kind');
        if (doc.date) row(t.date, formatDate(doc.date, t.dateLocale), 'citation-date');
        if (doc.place) row(t.place, doc.place, 'citation-place');
      }
      const passages = h('ol', { class: 'passages', 'aria-label': t.passages },
        g.cites.map((c) => {
          const quote = h('blockquote', { class: 'quote', dir: 'auto', lang: langOf(c.quote), 'data-testid': 'citation-quote', 'aria-label': t.quote + ' ' + c.n });
          renderRich(quote, c.quote || '', null);
          return h('li', { class: 'passage', 'data-testid': 'citation-passage', 'data-n': String(c.n), 'aria-current': Number(c.n) === n ? 'true' : null },
            h('span', { class: 'num', 'aria-hidden': 'true', text: String(c.n) }), pageLabel([c], this.dir_), quote);
        }));
      const url = doc && safeUrl(doc.source_url);
      const link = url ? h('a', { class: 'source-link', part: 'citation-source', 'data-testid': 'citation-source', href: url, target: '_blank',
        rel: 'noopener noreferrer', 'aria-label': t.openSource + ': ' + title + ' ' + t.newTab }, t.openSource, h('span', { 'aria-hidden': 'true', text: '↗' })) : null;
      pop.dataset.n = String(n);
      pop.setAttribute('aria-labelledby', titleId);
      pop.replaceChildren(
        h('div', { class: 'pop-head' },
          h('span', { class: 'pop-title', id: titleId, dir: 'auto', lang: langOf(title), 'data-testid': 'citation-title', text: title }),
          h('button', { type: 'button', class: 'icon-btn', 'data-testid': 'citation-close', 'aria-label': t.closeSource, title: t.closeSource, onclick: onClose }, icon('x'))),
        meta, passages, link);
      const currentPassage = pop.querySelector('[aria-current=true]');
      if (currentPassage && currentPassage.scrollIntoView && g.cites.length > 1) currentPassage.scrollIntoView({ block: 'nearest' });
    }

    _feedbackEl(m) {
      const t = this.t;
      const fb = m.feedback || null;
      const sent = !!(fb && fb.sent);
      const formId = nextId('fb');
      const up = h('button', { type: 'button', class: 'icon-btn thumb', part: 'thumbs-up', 'data-testid': 'thumbs-up', 'aria-label': t.helpful, title: t.helpful,
        'aria-pressed': String(!!fb && fb.rating === 1), disabled: sent }, icon('up'));
      const down = h('button', { type: 'button', class: 'icon-btn thumb', part: 'thumbs-down', 'data-testid': 'thumbs-down', 'aria-label': t.notHelpful, title: t.notHelpful,
        'aria-pressed': String(!!fb && fb.rating === -1), 'aria-expanded': 'false', 'aria-controls': formId, disabled: sent }, icon('down'));
      const row = h('div', { class: 'feedback', part: 'feedback' }, up, down);
      if (sent) row.append(h('span', { class: 'thanks', part: 'feedback-thanks', 'data-testid': 'feedback-thanks', tabindex: '-1', text: t.thanks }));
      const wrap = h('div', { class: 'fb-wrap', dir: this.dir_ }, row);
      if (sent) return wrap;
      let form = null;
      const closeForm = (focusBack) => {
        if (!form) return;
        form.remove();
        form = null;
        down.setAttribute('aria-pressed', 'false');
        down.setAttribute('aria-expanded', 'false');
        if (focusBack) down.focus();
      };
      up.addEventListener('click', () => {
        closeForm(false);
        up.setAttribute('aria-pressed', 'true');
        this._sendFeedback(m, wrap, { rating: 1, reason: null, comment: null }).then((ok) => { if (!ok) up.setAttribute('aria-pressed', 'false'); });
      });
      down.addEventListener('click', () => {
        if (form) { closeForm(true); return; }
        const name = nextId('reason');
        const comment = h('textarea', { name: 'comment', rows: '2', maxlength: '2000', dir: 'auto', part: 'feedback-comment', 'data-testid': 'feedback-comment' });
        form = h('form', { class: 'fb-form', part: 'feedback-form', 'data-testid': 'feedback-form', id: formId, 'aria-label': t.feedbackTitle },
          h('fieldset', {}, h('legend', { text: t.whatWrong }),
            REASONS.map((r) => h('label', { class: 'radio' },
              h('input', { type: 'radio', name, value: r, part: 'feedback-reason', 'data-testid': 'feedback-reason' }), h('span', { text: t.reasons[r] })))),
          h('label', { class: 'fb-comment' }, h('span', { text: t.comment }), comment),
          h('div', { class: 'fb-actions' },
            h('button', { type: 'submit', class: 'btn primary', part: 'feedback-submit', 'data-testid': 'feedback-submit', text: t.submitFeedback }),
            h('button', { type: 'button', class: 'btn', 'data-testid': 'feedback-cancel', text: t.cancel, onclick: () => closeForm(true) })));
        form._cancel = () => closeForm(true);
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          const checked = form.querySelector('input[type=radio]:checked');
          const text = comment.value.trim();
          this._sendFeedback(m, wrap, { rating: -1, reason: checked ? checked.value : null, comment: text || null });
        });
        down.setAttribute('aria-pressed', 'true');
        down.setAttribute('aria-expanded', 'true');
        wrap.append(form);
        form.querySelector('input').focus();
        this._scrollEnd(false);
      });
      return wrap;
    }

    async _sendFeedback(m, wrap, body) {
      const buttons = Array.from(wrap.querySelectorAll('button, input, textarea'));
      buttons.forEach((b) => { b.disabled = true; });
      let err = null;
      try {
        const res = await this._post('/v1/feedback', Object.assign({ answer_id: m.answer_id }, body));
        if (!res.ok) err = await this._errorOf(res);
      } catch (e) {
        err = { network: true };
      }
      const old = wrap.querySelector('.fb-error');
      if (old) old.remove();
      if (!err) {
        m.feedback = { rating: body.rating, reason: body.reason, sent: true };
        this._save();
        const fresh = this._feedbackEl(m);
        const hadFocus = !!this.shadowRoot.activeElement || document.activeElement === document.body;
        wrap.replaceWith(fresh);
        if (hadFocus) fresh.querySelector('.thanks').focus();
        return true;
      }
      buttons.forEach((b) => { b.disabled = false; });
      wrap.insertBefore(h('p', { class: 'fb-error', part: 'feedback-error', 'data-testid': 'feedback-error', role: 'alert' },
        this.t.feedbackError, err.message ? h('bdi', { dir: 'auto', text: ' ' + err.message }) : null), wrap.children[1] || null);
      return false;
    }

    /* ---------- talking to the API ---------- */
    _post(path, body) {
      return fetch(this.url + path, { method: 'POST', mode: 'cors', credentials: 'omit',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream, application/json' }, body: JSON.stringify(body) });
    }

    async _errorOf(res) {
      let data = {};
      try { data = await res.json(); } catch (e) { /* not JSON */ }
      return { status: res.status, code: typeof data.error === 'string' ? data.error : '', message: typeof data.message === 'string' ? data.message : '' };
    }

    _errorLines(err) {
      const t = this.t;
      if (err.network) return [t.errNetwork];
      if (err.timeout) return [t.errTimeout];
      if (err.interrupted) return [t.errInterrupted];
      const is = (status, code) => err.status === status || err.code === code;
      // Refused origin: the reader gets a plain sentence; the configuration hint in the server's message
      // is for the site's owner and goes to the browser console.
      if (is(403, 'origin_not_allowed')) {
        if (err.message && window.console) console.warn('[scn-assistant] ' + err.message);
        return [t.errForbidden];
      }
      let head = t.errGeneric;
      if (is(503, 'index_not_ready')) head = t.errNotReady;
      else if (is(422, 'invalid_request')) head = t.errInvalid;
      else if (is(429, 'rate_limited')) head = t.errBusy;
      return [head, err.message];
    }

    /* An error bubble; a question worth asking again (no answer, busy server, interruption) gets
     * "try again" and "cancel the question" buttons. Returns the bubble. */
    _showError(err, question) {
      const t = this.t;
      const [head, detail] = this._errorLines(err);
      const retryable = question && (err.network || err.timeout || err.interrupted || err.status === 429 || err.status >= 500 || err.status === 0);
      const actions = retryable ? h('div', { class: 'err-actions', dir: this.dir_ },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'retry', text: t.retry, onclick: () => this._retry() }),
        h('button', { type: 'button', class: 'btn', 'data-testid': 'cancel-question', text: t.cancelQuestion, onclick: () => this._cancelFailed() })) : null;
      const el = h('div', { class: 'msg error', part: 'error', 'data-testid': 'error', 'data-status': err.status || null, 'data-code': err.code || null,
        'data-kind': err.timeout ? 'timeout' : err.network ? 'network' : err.interrupted ? 'interrupted' : null, role: 'alert', lang: this.lang_ },
        h('p', { text: head }), detail ? h('p', { class: 'detail', dir: 'auto', lang: langOf(detail), text: detail }) : null, actions);
      this.log.append(el);
      this._scrollEnd(true);
      return el;
    }

    /* The failed question and its error leave the log (they were never in the stored transcript). */
    _dropFailed() {
      const f = this.failed;
      this.failed = null;
      if (!f) return null;
      f.userEl.remove();
      f.errorEl.remove();
      return f;
    }

    _retry() {
      if (this.busy || !this.failed) return;
      const f = this._dropFailed();
      if (this.input.value.trim() === f.text) { this.input.value = ''; this._autosize(); }
      this.input.focus();
      this.send(f.text);
    }

    _cancelFailed() {
      const f = this._dropFailed();
      if (f && this.input.value.trim() === f.text) { this.input.value = ''; this._autosize(); }
      this.input.focus();
    }

    _setBusy(busy) {
      this.busy = busy;
      this.input.disabled = busy;
      this.sendBtn.disabled = busy;
      this.newBtn.disabled = busy;
      this.typing.hidden = !busy;
      this.log.setAttribute('aria-busy', String(busy));
      this.rootEl.toggleAttribute('data-busy', busy);
    }

    _submit() {
      const text = this.input.value;
      if (!text.trim() || this.busy) return;
      this.input.value = '';
      this._autosize();
      this.send(text);
    }

    /* Keep a growing answer in view: follow it down, but never scroll its question out of the top. */
    _follow(userEl, el) {
      const l = this.log;
      if (!userEl.isConnected || !el.isConnected) return;
      const box = l.getBoundingClientRect();
      const offset = (node) => node.getBoundingClientRect().top - box.top + l.scrollTop;
      const questionTop = offset(userEl) - 8;
      const answerEnd = offset(el) + el.getBoundingClientRect().height + 12 - l.clientHeight;
      const target = Math.max(0, Math.min(answerEnd, questionTop));
      if (target > l.scrollTop) l.scrollTop = target;
    }

    /** Sends a question and streams the answer in. Resolves true when an answer was received. */
    async send(question) {
      this._build();
      const text = String(question == null ? '' : question).trim();
      if (!text || this.busy) return false;
      this._closeConfirm(false);
      this._dropFailed(); // asking again: the earlier failed attempt is not kept beside it
      const refocus = this.shadowRoot.activeElement === this.input || this.shadowRoot.activeElement === this.sendBtn;
      const user = { role: 'user', text };
      const userEl = this._messageEl(user);
      this.log.append(userEl);
      this.state.messages.push(user);
      this._save();
      this._scrollEnd(true);
      this._setBusy(true);

      const msg = { role: 'assistant', text: '', citations: [], refused: false, answer_id: null, streaming: true };
      let live = null;
      let frame = 0;
      let shown = 0; // characters of msg.text on screen: a burst is revealed over a few frames
      let revealed = null; // resolves once everything received is on screen
      const quick = document.hidden || (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
      const draw = () => {
        frame = 0;
        if (!msg.text && !live) return;
        this.typing.hidden = true;
        if (!live) { live = this._assistantEl(msg); this.log.append(live); }
        const total = msg.text.length;
        if (shown > total) shown = 0; // a reset
        shown = quick ? total : Math.min(total, shown + Math.max(8, Math.ceil((total - shown) / 8)));
        if (shown < total) { const space = msg.text.indexOf(' ', shown); if (space > 0 && space - shown < 16) shown = space; }
        const body = live.querySelector('.text');
        renderRich(body, msg.text.slice(0, shown), null);
        body.setAttribute('lang', langOf(msg.text) || this.lang_);
        this._follow(userEl, live);
        if (shown < total) schedule();
        else if (revealed) { revealed(); revealed = null; }
      };
      const schedule = () => { if (!frame) frame = requestAnimationFrame(draw); };
      const onScreen = () => new Promise((resolve) => {
        if (shown >= msg.text.length) { resolve(); return; }
        revealed = resolve;
        schedule();
        setTimeout(resolve, 1500); // never wait on animation frames that do not come (background tab)
      });

      // A server that accepts the request and then says nothing: give up after timeoutMs of silence.
      const abort = window.AbortController ? new AbortController() : null;
      let timedOut = false;
      let timer = 0;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => { timedOut = true; if (abort) abort.abort(); }, this.timeoutMs);
      };
      let ok = false;
      try {
        arm();
        let res = await this._chat(text, abort);
        if (res.status === 404 && this.state.conversation_id) { // the server forgot our conversation: start a new one
          this.state.conversation_id = null;
          this._save();
          arm();
          res = await this._chat(text, abort);
        }
        arm();
        if (!res.ok) throw await this._errorOf(res);
        if ((res.headers.get('content-type') || '').includes('application/json')) { // a server that ignored "stream"
          const data = await res.json();
          Object.assign(msg, { text: data.answer || '', citations: data.citations || [], refused: data.refused === true, answer_id: data.answer_id || null });
          if (data.conversation_id) this.state.conversation_id = data.conversation_id;
        } else {
          let done = false;
          for await (const ev of readSSE(res, arm)) {
            let data = {};
            try { data = JSON.parse(ev.data); } catch (e) { continue; }
            if (ev.event === 'delta') msg.text += typeof data.text === 'string' ? data.text : '';
            else if (ev.event === 'reset') msg.text = '';
            else if (ev.event === 'citations') { msg.citations = Array.isArray(data.citations) ? data.citations : []; loadDocuments(this.url); }
            else if (ev.event === 'error') throw { status: 0, code: data.error || '', message: data.message || '' };
            else if (ev.event === 'done') {
              done = true;
              Object.assign(msg, { answer_id: data.answer_id || null, refused: data.refused === true, generator: data.generator || null, fallback_reason: data.fallback_reason || null });
              if (data.conversation_id) this.state.conversation_id = data.conversation_id;
            }
            schedule();
          }
          if (!done) throw { interrupted: true };
          clearTimeout(timer);
          await onScreen();
        }
        clearTimeout(timer);
        delete msg.streaming;
        if (frame) cancelAnimationFrame(frame);
        const final = this._assistantEl(msg);
        if (live) live.replaceWith(final); else this.log.append(final);
        this.state.messages.push(msg);
        this._follow(userEl, final);
        ok = true;
      } catch (caught) {
        let err = caught;
        if (timedOut) err = { timeout: true };
        if (frame) cancelAnimationFrame(frame);
        if (live) live.remove();
        const known = err && typeof err === 'object' && !(err instanceof Error);
        if (!known && window.console) console.warn('[scn-assistant]', err);
        this.state.messages = this.state.messages.filter((x) => x !== user);
        userEl.classList.add('failed');
        const errorEl = this._showError(known ? err : { network: true }, text);
        this.failed = { userEl, errorEl, text };
        if (!this.input.value) { this.input.value = text; this._autosize(); }
      } finally {
        clearTimeout(timer);
        this._save();
        this._setBusy(false);
        if (!ok) this._scrollEnd(false);
        const active = document.activeElement;
        if (refocus && this.isOpen && (!active || active === document.body || active === this)) this.input.focus();
      }
      return ok;
    }

    _chat(message, abort) {
      return fetch(this.url + '/v1/chat', { method: 'POST', mode: 'cors', credentials: 'omit', signal: abort ? abort.signal : undefined,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream, application/json' },
        body: JSON.stringify({ message, conversation_id: this.state.conversation_id || null, stream: true,
          ...(this.filters ? { filters: this.filters } : {}) }) });
    }
  }

  if (!customElements.get('scn-assistant')) customElements.define('scn-assistant', SCNAssistantElement);

  /* window.SCNAssistant drives the first floating instance (or the first instance of any kind). */
  if (!window.SCNAssistant) {
    const all = () => Array.from(document.querySelectorAll('scn-assistant'));
    const main = () => { const list = all(); return list.find((el) => el.dataset.mode !== 'inline') || list[0] || null; };
    window.SCNAssistant = {
      open() { const w = main(); if (w) w.open(); },
      close() { const w = main(); if (w) w.close(); },
      ask(text) { const w = main(); return w ? w.ask(text) : Promise.resolve(false); },
      reset() { const w = main(); if (w) w.reset(); },
      instances: all,
    };
  }

  /* The <script> tag's data-* attributes configure one instance: floating, or inline in data-mount. */
  function mountFrom(script) {
    if (!script || script.hasAttribute('data-scn-mounted')) return;
    script.setAttribute('data-scn-mounted', '');
    const el = document.createElement('scn-assistant');
    for (const [k, v] of Object.entries(script.dataset)) if (k !== 'mount' && k !== 'scnMounted') el.dataset[k] = v;
    if (!el.dataset.assistantUrl) el.dataset.assistantUrl = originOf(script.src);
    const place = () => {
      const selector = script.dataset.mount;
      if (!selector) { el.dataset.mode = 'floating'; document.body.append(el); return; }
      let target = null;
      try { target = document.querySelector(selector); } catch (e) { /* invalid selector */ }
      if (!target) { if (window.console) console.warn('[scn-assistant] data-mount matches nothing:', selector); return; }
      el.dataset.mode = 'inline';
      if (!el.dataset.storageKey) el.dataset.storageKey = selector;
      target.append(el);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', place, { once: true });
    else place();
  }
  if (SCRIPT && SCRIPT.src) mountFrom(SCRIPT);
})();
