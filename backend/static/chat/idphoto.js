/* The photo card of the web chat (an ID card; or a signed 授权委托书, as its link says) (chat.js shows it when a reply carries an upload link): the
   consent text (its own version) is shown and answered first; only then the camera button appears. A bad
   photo says why and keeps the button, so nothing is lost. */
(function () {
  "use strict";
  function readJson(r) {
    return r.json().then(function (b) { return { ok: r.ok, body: b }; }, function () { return { ok: r.ok, body: {} }; });
  }
  function errorText(body) { return body && body.error ? body.error.message : "网络好像断了，请稍后再试。"; }

  // The card for one upload link; `done()` is called once the photo is kept.
  window.jiuzhuIdPhotoCard = function (url, done) {
    var card = document.getElementById("idphoto-tpl").content.firstElementChild.cloneNode(true);
    var $ = function (sel) { return card.querySelector(sel); };
    var input = $("input[type=file]");
    function status(text, cls) { $(".status").textContent = text; $(".status").className = "status " + (cls || ""); }
    function ready() { $(".ask").classList.add("hidden"); $(".take").classList.remove("hidden"); }
    fetch(url).then(readJson).then(function (res) {
      if (!res.ok) { $(".ask").classList.add("hidden"); status(errorText(res.body), "bad"); return; }
      // The same card uploads a signed 授权委托书 (its link says what to photograph and how).
      $(".who").textContent = res.body.who_line || "登记照片的人：" + res.body.person_name;
      if (res.body.shoot_label) $(".shoot").firstChild.textContent = res.body.shoot_label;
      if (res.body.note) $(".take .note").textContent = res.body.note;
      $(".consent").textContent = res.body.consent_text;
      if (!res.body.needs_consent) ready();
      card.scrollIntoView({ block: "start" });
    });
    function consent(agree) {
      return fetch(url + "/consent", { method: "POST", headers: { "Content-Type": "application/json" },
                                       body: JSON.stringify({ agree: agree }) }).then(readJson);
    }
    $(".agree").addEventListener("click", function () {
      consent(true).then(function (res) { if (res.ok) { ready(); status(res.body.message); } else status(errorText(res.body), "bad"); });
    });
    $(".refuse").addEventListener("click", function () {
      consent(false).then(function (res) { $(".ask").classList.add("hidden"); status(res.ok ? res.body.message : errorText(res.body), "bad"); });
    });
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var form = new FormData();
      form.append("image", file, file.name || "photo.jpg");
      status("正在识别照片，请稍等……");
      fetch(url, { method: "POST", body: form }).then(readJson).then(function (res) {
        input.value = "";
        if (!res.ok) { status(errorText(res.body), "bad"); return; }
        $(".take").classList.add("hidden");
        status(res.body.message, "ok");
        done();
      }).catch(function () { input.value = ""; status("网络好像断了，请再拍一次。", "bad"); });
    });
    return card;
  };
})();
