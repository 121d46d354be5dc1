/* The photo card (an ID card; or a signed 授权委托书, as its link says): the consent text (its own version) is shown and
   answered first; only then the camera button appears. A bad photo says why and keeps the button ("再拍一张"), so
   nothing is lost; a link that is gone or done (409, 410) says so and takes no more photos.
   Two uses, one card (backend/chat/templates/chat/_photo_card.html):
   - the web chat (chat.js shows it when a reply carries an upload link): the card is cloned from the page's
     <template> and filled from its link's info (GET);
   - the phone page of the link (backend/chat/photo_pages.py): the server filled the card, photo_page.js wires it. */
(function () {
  "use strict";
  function readJson(r) {
    return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; },
                         function () { return { ok: r.ok, status: r.status, body: {} }; });
  }
  function errorText(body) { return body && body.error ? body.error.message : "网络好像断了，请稍后再试。"; }

  // The card's answers: `url` is its upload link; `done(body)` is called once the photo is kept.
  function wire(card, url, done) {
    var $ = function (sel) { return card.querySelector(sel); };
    var input = $("input[type=file]");
    function status(text, cls) { $(".status").textContent = text; $(".status").className = "status " + (cls || ""); }
    function ready() { $(".ask").classList.add("hidden"); $(".take").classList.remove("hidden"); }
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
        if (!res.ok) {
          status(errorText(res.body), "bad");
          if (res.status === 409 || res.status === 410) $(".take").classList.add("hidden");  // nothing more to take
          else $(".shoot").firstChild.textContent = "再拍一张";
          return;
        }
        $(".take").classList.add("hidden");
        status(res.body.message, "ok");
        done(res.body);
      }).catch(function () { input.value = ""; status("网络好像断了，请再拍一次。", "bad"); });
    });
    return card;
  }
  window.jiuzhuIdPhotoWire = wire;

  // The web chat's card for one upload link, filled from the link's info.
  window.jiuzhuIdPhotoCard = function (url, done) {
    var card = document.getElementById("idphoto-tpl").content.firstElementChild.cloneNode(true);
    var $ = function (sel) { return card.querySelector(sel); };
    fetch(url).then(readJson).then(function (res) {
      if (!res.ok) { $(".ask").classList.add("hidden"); $(".status").textContent = errorText(res.body); $(".status").className = "status bad"; return; }
      // The same card uploads a signed 授权委托书 (its link says what to photograph and how).
      $(".who").textContent = res.body.who_line || $(".who").getAttribute("data-prefix") + res.body.person_name;
      if (res.body.shoot_label) $(".shoot").firstChild.textContent = res.body.shoot_label;
      if (res.body.note) $(".take .note").textContent = res.body.note;
      $(".consent").textContent = res.body.consent_text;
      if (!res.body.needs_consent) { $(".ask").classList.add("hidden"); $(".take").classList.remove("hidden"); }
      card.scrollIntoView({ block: "start" });
    });
    return wire(card, url, done);
  };
})();
