/* A live list that is simplest to show again whole (the advocates' queue): on each event
   the page is fetched again and the #live-swap region replaced, unless the person is in
   it (focus or pointer), then as soon as they leave it. */
(function () {
  "use strict";
  var region = document.querySelector("#live-swap[data-live-stream]");
  if (!region || !window.EventSource || !window.DOMParser || !window.fetch) { return; }
  var timer = null, inFlight = false, again = false, waiting = false;
  function inUse() { return region.contains(document.activeElement) || region.matches(":hover"); }
  function schedule() {
    if (!timer) { timer = window.setTimeout(function () { timer = null; refresh(); }, 120); }
  }
  function refresh() {
    if (inFlight) { again = true; return; }
    if (inUse()) {
      if (!waiting) {
        waiting = true;
        var release = function () {
          window.setTimeout(function () {
            if (inUse()) { return; }
            waiting = false;
            region.removeEventListener("mouseleave", release);
            region.removeEventListener("focusout", release);
            schedule();
          }, 50);
        };
        region.addEventListener("mouseleave", release);
        region.addEventListener("focusout", release);
      }
      return;
    }
    inFlight = true;
    var url = new URL(window.location.href);
    url.searchParams.set("auto_refresh", "1");
    window.fetch(url.toString(), { credentials: "same-origin" })
      .then(function (r) { if (r.redirected || !r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var fresh = new window.DOMParser().parseFromString(html, "text/html").getElementById("live-swap");
        if (fresh && fresh.innerHTML !== region.innerHTML) { region.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the stream's end event takes over */ })
      .then(function () { inFlight = false; if (again) { again = false; schedule(); } });
  }
  document.addEventListener("live:ticket", schedule);
})();
