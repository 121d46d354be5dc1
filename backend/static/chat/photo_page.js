/* The phone page of an upload link (backend/chat/photo_pages.py): the server filled the photo card; idphoto.js
   answers it (consent, the photo, what was wrong with it). Kept: the card gives way to "收到了，谢谢！", the server's
   words and, unless the photo waits for a caseworker, what to say in the chat next. */
(function () {
  "use strict";
  var form = document.getElementById("photo");
  var done = document.getElementById("done");
  if (!form || !window.jiuzhuIdPhotoWire) return;
  form.addEventListener("submit", function (e) { e.preventDefault(); });  // the photo goes by the script alone
  window.jiuzhuIdPhotoWire(form.querySelector(".idphoto"), form.getAttribute("action"), function (body) {
    done.querySelector(".said").textContent = body.message || "";
    var next = done.querySelector(".next");
    if (next && body.status === "pending") next.classList.add("hidden");
    form.classList.add("hidden");
    Array.prototype.forEach.call(document.querySelectorAll(".help"), function (p) { p.classList.add("hidden"); });
    done.classList.remove("hidden");
    done.scrollIntoView({ block: "start" });
  });
})();
