/* Canting: small enhancements only; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The language menu switches as soon as a language is picked.
  document.querySelectorAll("form.lang select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // A hold's countdown: the page already says the expiry time in WIB; this adds minutes:seconds.
  document.querySelectorAll("[data-expires]").forEach(function (el) {
    var end = Date.parse(el.getAttribute("data-expires"));
    var out = el.querySelector(".countdown");
    if (isNaN(end) || !out) return;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      out.hidden = false;
      if (left === 0) {
        el.classList.add("expired");
        var msg = el.querySelector("[data-expired-text]");
        if (msg) msg.hidden = false;
        return;
      }
      setTimeout(tick, 1000);
    }
    tick();
  });
})();

// One tap, one hold: a second tap while the first request travels would ask for the seats twice.
document.querySelectorAll("form[method=post]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    // A slow network or a page restored from history must not leave the form locked forever.
    setTimeout(function () { delete form.dataset.sent; }, 8000);
  });
});

// A destructive button (removing a member) asks once before the form goes.
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  }, true);
});

// The roster's print button: only shown when a script can press it.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

// Check-in by QR: the phone's camera and the browser's own BarcodeDetector, no library.
// Without BarcodeDetector or a camera the typed-code form above stays the way in.
(function () {
  var box = document.querySelector("[data-scan]");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var form = box.closest("form"), input = form.querySelector("input[name=code]");
  var video = box.querySelector("[data-scan-video]"), status = box.querySelector("[data-scan-status]");
  var start = box.querySelector("[data-scan-start]"), stop = box.querySelector("[data-scan-stop]");
  var stream = null, detector = null;
  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    box.hidden = false;
  }).catch(function () {});

  function say(key) {
    status.textContent = status.getAttribute(key);
    status.hidden = false;
  }
  function end() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true; stop.hidden = true; start.hidden = false;
  }
  function look() {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        input.value = codes[0].rawValue;
        end();
        // requestSubmit keeps the button's name=action value, as a tap would.
        var button = form.querySelector("button[name=action]");
        if (form.requestSubmit) form.requestSubmit(button); else button.click();
        return;
      }
      setTimeout(look, 250);
    }).catch(function () { setTimeout(look, 500); });
  }
  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false; stop.hidden = false; start.hidden = true;
        say("data-text-looking");
        return video.play().then(look);
      })
      .catch(function () { end(); say("data-text-error"); });
  });
  stop.addEventListener("click", end);
})();
