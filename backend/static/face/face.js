/* The face page (/face/{token}): consent, the camera, the prompted moves, the upload of the frames.
   The one-time link's token comes from the page (<body data-token>); a file of its own, so the page's
   Content-Security-Policy can forbid inline scripts (backend/core/security_headers.py). */
(function () {
  "use strict";
  var token = document.body.dataset.token;
  var api = "/api/v1/liveness/sessions/" + encodeURIComponent(token);
  var prompts = [];
  var $ = function (id) { return document.getElementById(id); };
  function show(id) { ["consent", "camera", "outcome"].forEach(function (s) { $(s).classList.toggle("hidden", s !== id); }); }
  function say(text, ok) { $("result").textContent = text; $("result").className = ok ? "ok" : "bad"; show("outcome"); }
  function fail(body) { say(body && body.error ? body.error.message : "网络不好，请稍后再试。", false); }
  function post(path, body) {
    return fetch(api + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); });
  }
  // Upload the frames; tests call this directly with frames they prepared (the fake camera cannot carry a face).
  window.jiuzhuUpload = function (blobs) {
    var form = new FormData();
    blobs.forEach(function (b, i) { form.append("frames", b, "frame" + i + ".jpg"); });
    form.append("mirrored", "false");
    $("prompt").textContent = "正在核验，请稍等……";
    return fetch(api + "/frames", { method: "POST", body: form })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (!res.ok) { fail(res.body); return res.body; }
        if (res.body.passed) { say("认证通过，谢谢您！可以关掉这个页面了。", true); }
        else {
          say(res.body.message, false);
          if (res.body.retry_prompts) { prompts = res.body.retry_prompts; $("again").classList.remove("hidden"); }
        }
        return res.body;
      });
  };
  function capture(video) {
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth || 640; canvas.height = video.videoHeight || 480;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.9); });
  }
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function run() {
    var video = $("video"), frames = [];
    var chain = capture(video).then(function (b) { frames.push(b); });
    prompts.forEach(function (p) {
      chain = chain.then(function () { $("prompt").textContent = p; return wait(900); })
        .then(function () { return capture(video); }).then(function (b) { frames.push(b); return wait(500); })
        .then(function () { return capture(video); }).then(function (b) { frames.push(b); return wait(500); });
    });
    return chain.then(function () { return window.jiuzhuUpload(frames); });
  }
  function openCamera() {
    show("camera");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { $("hint").textContent = "这个手机打不开摄像头，请找工作人员帮忙。"; return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false })
      .then(function (stream) { $("video").srcObject = stream; })
      .catch(function () { $("hint").textContent = "摄像头没有打开。请允许使用摄像头，或找工作人员帮忙。"; });
  }
  $("agree").addEventListener("click", function () {
    post("/consent", { agree: true }).then(function (res) { if (res.ok) openCamera(); else fail(res.body); });
  });
  $("refuse").addEventListener("click", function () {
    post("/consent", { agree: false }).then(function (res) { say(res.ok ? res.body.message : "已记下。", false); });
  });
  $("start").addEventListener("click", function () { $("start").classList.add("hidden"); run(); });
  $("again").addEventListener("click", function () { $("again").classList.add("hidden"); $("start").classList.remove("hidden"); openCamera(); });
  fetch(api).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); }).then(function (res) {
    if (!res.ok) { fail(res.body); return; }
    prompts = res.body.prompts;
    $("who").textContent = (res.body.purpose === "authorization" ? "签署家庭经济状况核对授权书：" : "待遇资格认证：") + res.body.person_name;
    $("guardian").classList.toggle("hidden", !res.body.guardian_mode);
    if (res.body.needs_consent) show("consent"); else openCamera();
  });
})();
