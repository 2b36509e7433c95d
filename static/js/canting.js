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
