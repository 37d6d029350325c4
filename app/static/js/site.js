/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Move focus to the error summary so screen-reader and keyboard users hear the problem.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Pages marked data-refresh="SECONDS" reload themselves (the live queue, follow-up pages),
  // unless the person is typing in a form on the page.
  var refresh = document.querySelector("[data-refresh]");
  // A page with a live stream (live.js) updates in place instead of reloading.
  if (refresh && refresh.hasAttribute("data-live-stream") && window.EventSource) { refresh = null; }
  if (refresh) {
    var seconds = parseInt(refresh.getAttribute("data-refresh"), 10) || 30;
    var busy = false;
    document.addEventListener("input", function () { busy = true; });
    window.setInterval(function () {
      if (!busy && document.visibilityState === "visible") {
        // Marked as an automatic reload: it does not count as activity for the idle timeout.
        var url = new URL(window.location.href);
        url.searchParams.set("auto_refresh", "1");
        window.location.replace(url.toString());
      }
    }, seconds * 1000);
  }

  // Staff idle timeout: warn before the session ends and offer to extend it (WCAG 2.2.1).
  var body = document.body;
  var left = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var warnAt = parseInt(body.getAttribute("data-idle-warning"), 10) || 120;
  var dialog = document.getElementById("idle-warning");
  if (!isNaN(left) && dialog) {
    var deadline = Date.now() + left * 1000;
    var countdown = document.getElementById("idle-countdown");
    var form = document.getElementById("idle-extend-form");
    var tick = function () {
      var remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      // A little after the deadline, so the server has ended the session by then.
      if (Date.now() > deadline + 2000) { window.location.reload(); return; }
      if (remaining <= warnAt) {
        if (dialog.hidden) { dialog.hidden = false; form.querySelector("button").focus(); }
        var minutes = Math.floor(remaining / 60), secs = remaining % 60;
        countdown.textContent = minutes > 0 ? minutes + " min " + secs + " s" : secs + " seconds";
      }
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
        .then(function (data) { deadline = Date.now() + data.seconds_left * 1000; dialog.hidden = true; })
        .catch(function () { form.submit(); });
    });
    window.setInterval(tick, 1000);
  }
})();
