/* The home visit form keeps a draft in this browser (localStorage, keyed by the case number) while the
   caseworker types, so a lost connection or a reload loses nothing; restored on load, cleared once the
   server says the visit was recorded. Photos cannot be kept in a draft: they are picked again.
   Without JavaScript the form posts as it is. */
(function () {
  "use strict";
  var KEEP = ["investigator_1", "investigator_2", "investigator_3", "visited_on", "note", "video"];
  var done = document.getElementById("done");
  if (done && done.dataset.done === "record_home_visit") {
    try { localStorage.removeItem("jiuzhu-draft-visit-" + done.dataset.number); } catch (e) { /* private mode */ }
  }
  var form = document.getElementById("visit-form");
  if (!form) return;
  var key = "jiuzhu-draft-" + form.dataset.draft;
  var status = form.querySelector(".draft-status");
  function say(text) { if (status) status.textContent = text; }
  function fields() {
    return KEEP.map(function (n) { return form.elements[n]; }).filter(Boolean);
  }
  function save() {
    var draft = {};
    fields().forEach(function (el) { draft[el.name] = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value; });
    draft.saved = new Date().toISOString();
    try { localStorage.setItem(key, JSON.stringify(draft)); say("草稿已保存在本机（" + new Date().toLocaleTimeString("zh-CN") + "），断网也不会丢。"); }
    catch (e) { say("这台手机不能保存草稿，请尽快提交。"); }
  }
  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  var serverKept = form.querySelector(".error");  // a refused post already shows what was typed
  if (stored && !serverKept) {
    fields().forEach(function (el) {
      if (!(el.name in stored)) return;
      if (el.type === "checkbox") el.checked = stored[el.name] === "1";
      else if (stored[el.name]) el.value = stored[el.name];
    });
    var details = form.closest("details");
    if (details) details.open = true;
    say("已恢复上次没有提交的草稿。照片需要重新选择。");
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (ev) {
    save();
    if (navigator.onLine === false) {
      ev.preventDefault();
      say("现在没有网络。草稿已保存，有网络后再点提交。");
    }
  });
})();
