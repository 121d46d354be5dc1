/* The home visit form keeps a draft in this browser while the caseworker works, so a lost connection or a
   reload loses nothing: the text and the photos (already shrunk by photo_shrink.js), both under the case
   number, kept by drafts.js (only for this sign-in; cleared at sign-out); restored on load, cleared once the
   server says the visit was recorded. Without JavaScript the form posts as it is (full-size photos, no draft). */
(function () {
  "use strict";
  var KEEP = ["investigator_1", "investigator_2", "investigator_3", "visited_on", "note", "video"];
  var drafts = window.JiuzhuDrafts;
  if (!drafts) return;
  drafts.dropOthers().catch(function () { /* nothing kept */ });

  function canSetFiles() {
    try { return typeof DataTransfer === "function" && !!new DataTransfer().items; } catch (e) { return false; }
  }
  function setFiles(input, files) {
    var dt = new DataTransfer();
    files.forEach(function (f) { dt.items.add(f); });
    input.files = dt.files;
  }
  function mb(n) { return (n / 1048576).toFixed(1) + "MB"; }

  var done = document.getElementById("done");
  if (done && done.dataset.done === "record_home_visit") {
    drafts.dropText("visit-" + done.dataset.number);
    drafts.dropPhotos("visit-" + done.dataset.number).catch(function () { /* nothing kept */ });
  }
  var form = document.getElementById("visit-form");
  if (!form) return;
  var key = form.dataset.draft;
  var input = form.elements.photos;
  var keepPhotos = !!input && canSetFiles();
  var status = form.querySelector(".draft-status");
  var working = null;  // the photos being shrunk and kept: the post waits for them
  function say(text) { if (status) status.textContent = text; }
  function track(promise) {
    var settled = function () { working = null; };
    working = promise.then(settled, settled);
  }
  function fields() {
    return KEEP.map(function (n) { return form.elements[n]; }).filter(Boolean);
  }
  function save() {
    var draft = {};
    fields().forEach(function (el) { draft[el.name] = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value; });
    draft.saved = new Date().toISOString();
    try { drafts.saveText(key, draft); say("草稿已保存在本机（" + new Date().toLocaleTimeString("zh-CN") + "），断网也不会丢。"); }
    catch (e) { say("这台手机不能保存草稿，请尽快提交。"); }
  }
  var stored = drafts.readText(key);
  var serverKept = form.querySelector(".error");  // a refused post already shows what was typed
  var restoredText = false;
  if (stored && !serverKept) {
    fields().forEach(function (el) {
      if (!(el.name in stored)) return;
      if (el.type === "checkbox") el.checked = stored[el.name] === "1";
      else if (stored[el.name]) el.value = stored[el.name];
    });
    restoredText = true;
  }
  function opened() { var details = form.closest("details"); if (details) details.open = true; }
  if (restoredText) { opened(); say("已恢复上次没有提交的草稿。"); }
  if (keepPhotos) {
    // The photos come back also after a refused post (the server cannot send files back).
    drafts.loadPhotos(key).then(function (files) {
      if (!files.length || input.files.length) return;
      setFiles(input, files);
      opened();
      say((restoredText ? "已恢复上次没有提交的草稿，" : "已恢复") + "包括" + files.length + "张照片。");
    }).catch(function () { /* no draft photos */ });
  } else if (restoredText && input) {
    say("已恢复上次没有提交的草稿。照片需要重新选择。");
  }

  if (input && window.JiuzhuPhotos) {
    input.addEventListener("change", function (ev) {
      ev.stopPropagation();  // the text draft is saved below, once the photos are ready
      var picked = Array.prototype.slice.call(input.files);
      if (!picked.length) { if (keepPhotos) track(drafts.savePhotos(key, [])); return; }
      var before = picked.reduce(function (n, f) { return n + f.size; }, 0);
      say("正在压缩照片，请稍等…");
      track(window.JiuzhuPhotos.shrink(picked).then(function (files) {
        if (canSetFiles()) setFiles(input, files);
        var after = files.reduce(function (n, f) { return n + f.size; }, 0);
        save();
        var text = files.length + "张照片，" + (after < before ? "已从" + mb(before) + "压缩到" + mb(after) : "共" + mb(after));
        if (!keepPhotos) { say(text + "。"); return; }
        return drafts.savePhotos(key, files).then(function () { say(text + "，已和草稿一起保存在本机。"); },
                                                function () { say(text + "。这台手机不能保存照片草稿，请尽快提交。"); });
      }));
    });
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (ev) {
    if (working) {  // wait for the shrunk photos, then post
      ev.preventDefault();
      say("正在压缩照片，压缩好就提交…");
      working.then(function () { if (form.requestSubmit) form.requestSubmit(); else form.submit(); });
      return;
    }
    save();
    if (navigator.onLine === false) {
      ev.preventDefault();
      say("现在没有网络。草稿和照片已保存，有网络后再点提交。");
    }
  });
})();
