/* The walk page: the time left ticks down, and the walker may share their location.

   Without JavaScript the page shows the time left when it loaded and every button works;
   this adds the ticking clock, and "Share my location" (the browser asks for consent;
   the last position is posted at most once a minute; "Stop" ends the watching and the
   form erases what was kept). */
(function () {
  "use strict";
  var page = document.querySelector("[data-walk-seconds]");
  if (!page) { return; }
  var clock = document.getElementById("walk-time");
  var expired = document.getElementById("walk-expired");
  var ends = Date.now() + parseInt(page.getAttribute("data-walk-seconds"), 10) * 1000;
  var reloadTimer = null;
  // The visible sentences come from the page (data-text-*), in the page's language.
  function said(name) { return page.getAttribute("data-text-" + name); }

  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0 && !reloadTimer) {
      expired.hidden = false;
      reloadTimer = window.setInterval(function () { window.location.reload(); }, 15000);
    }
  }
  tick();
  window.setInterval(tick, 1000);

  var share = document.getElementById("walk-share");
  var stopForm = document.getElementById("walk-stop-form");
  var status = document.getElementById("walk-location-status");
  if (!share || !("geolocation" in navigator)) { return; }
  share.hidden = false;
  var watch = null, lastSent = 0;
  var csrf = stopForm.querySelector("input[name=csrf_token]");  // absent only in tests

  function send(position) {
    if (Date.now() - lastSent < 60000) { return; }
    lastSent = Date.now();
    var body = new FormData();
    if (csrf) { body.append("csrf_token", csrf.value); }
    body.append("latitude", position.coords.latitude);
    body.append("longitude", position.coords.longitude);
    body.append("accuracy", position.coords.accuracy);
    fetch(share.getAttribute("data-url"), {method: "POST", body: body, credentials: "same-origin"})
      .then(function (response) {
        status.textContent = said(response.ok ? "shared" : "failed");
        if (response.ok) { stopForm.hidden = false; }
      })
      .catch(function () { status.textContent = said("failed"); });
  }

  share.addEventListener("click", function () {
    status.textContent = said("asking");
    watch = navigator.geolocation.watchPosition(send, function () {
      status.textContent = said("refused");
    }, {enableHighAccuracy: true, maximumAge: 30000});
    share.hidden = true;
  });
  stopForm.addEventListener("submit", function () {
    if (watch !== null) { navigator.geolocation.clearWatch(watch); }
  });
})();
