/* Phone photos shrunk in the browser before they are posted: a camera photo is often 4-12 MB, and a visit
   post may carry 12 MB in all. Each image whose longest side is over MAX_SIDE pixels is drawn on a canvas
   at MAX_SIDE and re-encoded as JPEG (QUALITY). The original is kept when it is already small, when the
   browser cannot draw it (e.g. HEIC outside Safari), or when the JPEG would not be smaller.
   Plain JavaScript, no library: window.JiuzhuPhotos.shrink(files) -> Promise of File[] (same order). */
(function () {
  "use strict";
  var MAX_SIDE = 1600;
  var QUALITY = 0.85;

  function decode(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("cannot decode")); };
      img.src = url;
    });
  }

  function jpeg(canvas) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
  }

  function shrinkOne(file) {
    if (file.type && file.type.indexOf("image/") !== 0) return Promise.resolve(file);
    return decode(file).then(function (img) {
      var w = img.naturalWidth, h = img.naturalHeight, side = Math.max(w, h);
      if (!side || side <= MAX_SIDE) return file;
      var scale = MAX_SIDE / side;
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";  // a transparent PNG becomes white, not black, in a JPEG
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      return jpeg(canvas).then(function (blob) {
        if (!blob || blob.size >= file.size) return file;
        var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
        return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified || Date.now() });
      });
    }).catch(function () { return file; });
  }

  window.JiuzhuPhotos = {
    MAX_SIDE: MAX_SIDE,
    shrink: function (files) { return Promise.all(Array.prototype.map.call(files || [], shrinkOne)); }
  };
})();
