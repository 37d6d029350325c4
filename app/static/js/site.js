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

  // The location field (PlaceField): a filter box above the list of places. Typing keeps the
  // places whose path holds every word typed; one match left is chosen. Without JavaScript
  // the plain list works as it is.
  Array.prototype.forEach.call(document.querySelectorAll("select[data-place-picker]"), function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "place-filter";
    box.setAttribute("autocomplete", "off");
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "hint";
    label.textContent = "Type to filter the list (building, floor, unit)";
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var matches = [];
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLowerCase();
        var keep = !option.value || words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !keep;
        if (keep && option.value) { matches.push(option); }
      });
      if (matches.length === 1 && select.value !== matches[0].value) {
        select.value = matches[0].value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
