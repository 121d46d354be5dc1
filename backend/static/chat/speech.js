/* 朗读: a reply read aloud by the browser's own speech synthesis, in Mandarin. Only where the device has a
   Chinese voice: without one (or without speechSynthesis) the body never gets `can-speak`, and the CSS keeps
   every 朗读 button hidden. Voices arrive late on many phones (Chrome fills getVoices() after
   `voiceschanged`), so the choice is made again whenever the list changes. */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var voice = null;
  var current = null;  // the button whose text is being read

  // Mainland Mandarin first, then any other Chinese voice (a zh-TW or zh-HK voice still reads the text).
  function rank(v) {
    var lang = String(v.lang || "").replace(/_/g, "-").toLowerCase();
    if (lang === "zh-cn" || lang.indexOf("cmn-hans") === 0 || lang === "cmn-cn") return 1;
    if (/^(zh|cmn)(-|$)/.test(lang)) return (lang.indexOf("-hk") > 0 || lang.indexOf("yue") === 0) ? 3 : 2;
    return 0;
  }
  function pick() {
    var best = null;
    (synth.getVoices() || []).forEach(function (v) {
      var r = rank(v);
      if (r && (!best || r < rank(best))) best = v;
    });
    voice = best;
    document.body.classList.toggle("can-speak", !!voice);
  }
  function reset() {
    if (current) { current.textContent = "朗读"; current.setAttribute("aria-pressed", "false"); }
    current = null;
  }
  if (synth && window.SpeechSynthesisUtterance) {
    pick();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", pick);
    else synth.onvoiceschanged = pick;
  }

  // Reads `text` aloud; the same button again stops it.
  window.jiuzhuSpeak = function (button, text) {
    if (!voice) return;
    var again = current === button;
    synth.cancel();
    reset();
    if (again) return;
    var say = new window.SpeechSynthesisUtterance(text);
    say.lang = "zh-CN";
    say.voice = voice;
    say.rate = 0.9;  // a little slower than the default: older listeners
    say.onend = say.onerror = function () { if (current === button) reset(); };
    current = button;
    button.textContent = "停止";
    button.setAttribute("aria-pressed", "true");
    synth.speak(say);
  };
})();
