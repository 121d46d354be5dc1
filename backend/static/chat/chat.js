/* The web chat page: what the person says goes to the backend's relay (POST /api/v1/chat/messages), the
   bot's replies come back as messages with buttons.

   Keeping up with the person:
   - one turn at a time: while the bot answers, a typing indicator shows and nothing else is sent (the send
     button, the box and every button wait); an error says so plainly and offers to send the same again;
   - a button row answers one question once: a tap closes it at once (a double tap sends once), and her next
     message or a newer question with buttons closes every older row, so an old button can never answer a later
     question, while the offer before a question asked again stays live in its reply;
   - after a reply the log scrolls so the last message and its buttons are on screen;
   - the conversation so far is kept in this browser (localStorage, under the conversation id the page
     keeps), so a reload or a reopened page shows it again; ID and phone numbers are kept masked;
   - a read-back whose buttons say "改<标签>" for its lines "<标签>：…" shows each such button at the end
     of its line. */
(function () {
  "use strict";
  var log = document.getElementById("log");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var WELCOME = "您好！我是救助助手，可以帮您查政策、看能申请什么、办申请、查进度。直接打字或点下面的按钮就行。";
  var NO_REPLY = "没有收到回复，可能是网络不好。请点“再发一次”；着急的话请拨打街道（乡镇）社会救助窗口电话。";
  var WAIT_MS = 45000;               // longer than the backend's own wait for the bot (30 s)
  var KEEP_MS = 24 * 3600 * 1000;    // a conversation untouched this long is not shown again
  var KEEP_ENTRIES = 120;

  var sender = localStorage.getItem("jiuzhu-sender");
  if (!sender) {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    sender = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    localStorage.setItem("jiuzhu-sender", sender);
  }
  var LOG_KEY = "jiuzhu-log-" + sender;
  var entries = [];  // {who: "me"|"bot"|"err", text, buttons, link, upload, then, retry, closed, used}
  var busy = false;
  var typing = null;
  var stuckToEnd = true;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // ---- keeping the conversation in this browser ----
  function masked(text) {
    return String(text || "").replace(/(\d{4})\d{10}(\d{3}[\dXx])/g, "$1**********$2")
                             .replace(/(^|\D)(1\d{2})\d{4}(\d{4})(?!\d)/g, "$1$2****$3");
  }
  function save() {
    var kept = entries.slice(-KEEP_ENTRIES).map(function (e) {
      var c = {};
      Object.keys(e).forEach(function (k) { if (k !== "nodes" && k !== "row") c[k] = e[k]; });
      c.text = masked(c.text);
      if (c.retry) c.retry = null;  // never keep what was typed unmasked
      return c;
    });
    try { localStorage.setItem(LOG_KEY, JSON.stringify({ at: Date.now(), entries: kept })); } catch (e) { /* full or private mode */ }
  }
  function restore() {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(LOG_KEY) || "null"); } catch (e) { stored = null; }
    if (!stored || !stored.entries || Date.now() - stored.at > KEEP_MS) { localStorage.removeItem(LOG_KEY); return; }
    entries = stored.entries;
    entries.forEach(function (entry, i) { render(entry, i === entries.length - 1); });
  }

  // ---- button rows ----
  function close(entry, used) {
    if (entry.closed) return;
    entry.closed = true;
    if (used) entry.used = used;
    (entry.nodes || []).forEach(function (b) {
      b.disabled = true;
      if (b.getAttribute("data-title") === used) b.classList.add("chosen");
    });
    if (entry.row) entry.row.classList.add("closed");
  }
  function closeAll() { entries.forEach(function (e) { close(e); }); }
  function button(entry, b, cls, label) {
    var btn = el("button", cls, label || b.title);
    btn.type = "button";
    btn.setAttribute("data-title", b.title);
    if (label) btn.setAttribute("aria-label", b.title);
    if (entry.closed) { btn.disabled = true; if (entry.used === b.title) btn.classList.add("chosen"); }
    btn.addEventListener("click", function () {
      if (busy || entry.closed) return;
      close(entry, b.title);
      save();
      if (entry.who === "err") post(b.payload);  // 再发一次: the same message, not shown twice
      else send(b.payload, b.title);
    });
    entry.nodes = (entry.nodes || []).concat([btn]);
    return btn;
  }

  // ---- showing one entry ----
  function lineOf(lines, label) {
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].indexOf(label + "：") === 0 || lines[i].indexOf(label + ":") === 0) return i;
    }
    return -1;
  }
  // The bubble of a bot message; the buttons that were not placed on its lines are returned.
  function botBubble(entry, div) {
    var lines = entry.text.split("\n");
    var onLine = {};
    var rest = (entry.buttons || []).filter(function (b) {
      var i = /^改./.test(b.title) ? lineOf(lines, b.title.slice(1)) : -1;
      if (i < 0 || onLine[i]) return true;
      onLine[i] = b;
      return false;
    });
    if (rest.length === (entry.buttons || []).length) {
      div.appendChild(document.createTextNode(entry.text));
    } else {
      div.classList.add("readback");
      lines.forEach(function (line, i) {
        // A blank line of the read-back is a gap between its parts, not an empty row with a rule.
        if (!line.trim() && !onLine[i]) { div.appendChild(el("div", "gap")); return; }
        var row = el("div", "line");
        row.appendChild(el("span", "", line || "\u00a0"));
        if (onLine[i]) row.appendChild(button(entry, onLine[i], "fix", "改"));
        div.appendChild(row);
      });
    }
    return rest;
  }
  // 朗读 beside a bot bubble (hidden without a Chinese voice: speech.js).
  function speakButton(entry) {
    var speak = el("button", "speak", "朗读");
    speak.type = "button";
    speak.setAttribute("aria-label", "朗读这条回复");
    speak.addEventListener("click", function () { if (window.jiuzhuSpeak) window.jiuzhuSpeak(speak, entry.text); });
    return speak;
  }
  function render(entry, latest) {
    var first = null;
    function put(node) { log.appendChild(node); first = first || node; return node; }
    var rest = entry.buttons || [];
    // A card's message carries the card in words too (its page's address, for the API and for SMS and WeChat:
    // backend/chat/cards.py); where the page shows the card itself, the words would only say it twice.
    var card = entry.upload && latest && window.jiuzhuIdPhotoCard;
    var words = card || entry.link ? "" : entry.text;
    if (words && entry.who === "bot") {
      var turn = put(el("div", "turn"));
      var bubble = turn.appendChild(el("div", "msg bot"));
      rest = botBubble(entry, bubble);
      turn.appendChild(speakButton(entry));
    } else if (words) {
      put(el("div", "msg " + entry.who, words));
    }
    if (entry.link) {
      var a = put(el("a", "msg bot", "点这里打开"));
      a.href = entry.link;
    }
    // An upload card is live only in the turn that asked for it (a reload shows it only as the last one).
    if (card) {
      put(window.jiuzhuIdPhotoCard(entry.upload, function () { if (entry.then) send(entry.then, "照片登记好了，继续"); }));
    }
    if (entry.who === "err" && entry.retry) rest = [{ title: "再发一次", payload: entry.retry }];
    if (rest.length) {
      entry.row = put(el("div", "buttons" + (entry.closed ? " closed" : "")));
      rest.forEach(function (b) { entry.row.appendChild(button(entry, b)); });
    }
    return first;
  }
  function add(entry) {
    // Her next message, or a newer question with choices of its own: every older button row is done. A reply's
    // later message without buttons (the question asked again after "找工作人员 / 先放一放") leaves them live.
    if (entry.who === "me" || (entry.buttons && entry.buttons.length)) closeAll();
    entries.push(entry);
    return render(entry, true);
  }

  // ---- scrolling ----
  // The end of the log on screen, unless that would push the top of `last` (the turn's last message)
  // above the top of the log: then `last` starts at the top.
  function reveal(last) {
    var bottom = log.scrollHeight - log.clientHeight;
    var top = last ? last.offsetTop - 8 : bottom;
    log.scrollTop = Math.max(0, Math.min(bottom, top));
    stuckToEnd = log.scrollTop >= bottom - 2;
  }
  log.addEventListener("scroll", function () { stuckToEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40; });
  // The phone's keyboard opening shrinks the log: what was at its end stays there.
  window.addEventListener("resize", function () { if (stuckToEnd) log.scrollTop = log.scrollHeight; });

  // ---- waiting for the bot ----
  function wait(on) {
    busy = on;
    input.readOnly = on;  // read-only, not disabled: the phone's keyboard stays open for the next answer
    input.setAttribute("aria-disabled", on ? "true" : "false");
    sendButton.disabled = on;
    Array.prototype.forEach.call(document.querySelectorAll("[data-say]"), function (b) { b.disabled = on; });
    if (on) {
      typing = el("div", "msg typing");
      typing.setAttribute("role", "status");
      typing.setAttribute("aria-live", "polite");
      typing.appendChild(document.createTextNode("正在输入"));
      var dots = el("span", "dots");
      dots.setAttribute("aria-hidden", "true");
      for (var i = 0; i < 3; i++) dots.appendChild(el("i", "", "."));
      typing.appendChild(dots);
      log.appendChild(typing);
      reveal();
    } else if (typing) {
      typing.parentNode.removeChild(typing);
      typing = null;
    }
  }
  function post(message) {
    wait(true);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, WAIT_MS) : null;
    fetch("/api/v1/chat/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message }),
      signal: controller ? controller.signal : undefined
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; }, function () { return { ok: false, body: {} }; });
    }).then(function (res) {
      if (!res.ok) throw { said: res.body.error && res.body.error.message };  // the backend's own words
      return res.body.messages;
    }).then(function (messages) {
      wait(false);
      var last = null;
      messages.forEach(function (m) {
        last = add({ who: "bot", text: m.text || "", buttons: m.buttons || [], link: m.link || null,
                     upload: m.upload || null, then: m.then || null }) || last;
      });
      save();
      reveal(last);
    }, function (err) {
      wait(false);
      var said = err && err.said;  // otherwise no answer at all: offline, or the wait ran out
      var last = add({ who: "err", text: said ? said + "可以点“再发一次”。" : NO_REPLY, retry: message });
      save();
      reveal(last);
    }).then(function () { if (timer) clearTimeout(timer); });
  }
  function send(message, shown) {
    if (!message || busy) return;
    add({ who: "me", text: shown || message });
    save();
    post(message);
  }

  // The box takes 1000 characters: a longer paste is cut by the browser without a word, so say so.
  var tooLong = document.getElementById("toolong");
  function lengthNote() {
    if (tooLong) tooLong.hidden = input.value.length < (input.maxLength > 0 ? input.maxLength : 1000);
  }
  input.addEventListener("input", lengthNote);
  input.addEventListener("paste", function (e) {
    var pasted = (e.clipboardData || window.clipboardData);
    var text = pasted ? pasted.getData("text") : "";
    if (tooLong && text && input.value.length + text.length > input.maxLength) tooLong.hidden = false;
    setTimeout(lengthNote, 0);
  });
  document.getElementById("form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (busy || !text) return;
    input.value = "";
    if (tooLong) tooLong.hidden = true;
    send(text);
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-say]"), function (b) {
    b.addEventListener("click", function () { send(b.getAttribute("data-say")); });
  });
  // The quick row scrolls sideways on a narrow phone: a fade on the side where more buttons are says so.
  var quick = document.querySelector(".quick");
  function edges() {
    if (!quick) return;
    quick.classList.toggle("more-right", quick.scrollLeft + quick.clientWidth < quick.scrollWidth - 2);
    quick.classList.toggle("more-left", quick.scrollLeft > 2);
  }
  if (quick) { quick.addEventListener("scroll", edges); window.addEventListener("resize", edges); edges(); }
  render({ who: "bot", text: WELCOME });
  restore();
  reveal();
})();
