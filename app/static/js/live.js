/* Live updates: one Server-Sent Events stream per page, read from the server's event log.
   The element marked data-live-stream names the stream and data-live-since the point the
   page was rendered at. Each event is dispatched once as a "live:<type>" DOM event
   (live:ticket, live:officer) for the page's own script; a reconnect resumes after the
   last event received (the browser's Last-Event-ID), so nothing is missed or doubled.
   Without EventSource or JavaScript the page still works (refresh link, data-refresh). */
(function () {
  "use strict";
  var host = document.querySelector("[data-live-stream]");
  var live = window.portalLive = { loadedAt: Date.now(), received: [], delivered: [], state: "off" };
  if (!host || !window.EventSource) { return; }
  var url = host.getAttribute("data-live-stream");
  var last = host.getAttribute("data-live-since") || "";
  var renewed = null;
  var seen = {};
  var source = null;
  var reopenTimer = null;

  function setState(state) {
    live.state = state;
    document.dispatchEvent(new CustomEvent("live:state", { detail: { state: state } }));
  }

  function onEvent(event) {
    live.received.push(event.lastEventId);
    if (seen[event.lastEventId]) { return; }
    seen[event.lastEventId] = true;
    last = event.lastEventId;
    live.delivered.push(event.lastEventId);
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    document.dispatchEvent(new CustomEvent("live:" + event.type,
      { detail: { id: event.lastEventId, data: data } }));
  }

  function onEnd(event) {
    var reason = "session";
    try { reason = JSON.parse(event.data).reason; } catch (e) { /* keep "session" */ }
    close();
    if (reason === "ticket" && renewed) {
      url = renewed; renewed = null; open();
    } else if (reason === "session") {
      setState("ended");
      // The session is over: a reload shows the sign-in page (staff pages only).
      if (host.hasAttribute("data-live-staff")) { window.location.reload(); }
    }
  }

  function open() {
    var full = url + (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(last);
    source = new EventSource(full);
    source.addEventListener("open", function () { setState("live"); });
    source.addEventListener("ticket", onEvent);
    source.addEventListener("officer", onEvent);
    source.addEventListener("renew", function (event) {
      try { renewed = JSON.parse(event.data).url; } catch (e) { renewed = null; }
    });
    source.addEventListener("end", onEnd);
    source.onerror = function () {
      // The browser reconnects by itself (Last-Event-ID); if it gave up, start again.
      setState("reconnecting");
      if (source && source.readyState === EventSource.CLOSED) { refused(); }
    };
  }

  // The stream was refused (not a dropped connection). A staff page whose session ended or
  // whose role went reloads itself to show why; otherwise try again shortly.
  function refused() {
    if (!host.hasAttribute("data-live-staff") || !window.fetch) { scheduleOpen(3000); return; }
    var page = new URL(window.location.href);
    page.searchParams.set("auto_refresh", "1");
    window.fetch(page.toString(), { credentials: "same-origin" }).then(function (r) {
      if (r.redirected || r.status === 401 || r.status === 403) { window.location.reload(); }
      else { scheduleOpen(3000); }
    }).catch(function () { scheduleOpen(3000); });
  }

  function close() {
    if (source) { source.close(); source = null; }
  }

  function scheduleOpen(ms) {
    window.clearTimeout(reopenTimer);
    reopenTimer = window.setTimeout(function () { close(); open(); }, ms);
  }

  // Drop the connection as a network failure would, and reconnect after `ms`: used to show
  // that missed events are replayed.
  live.drop = function (ms) {
    close(); setState("reconnecting"); window.clearTimeout(reopenTimer);
    if (ms) { scheduleOpen(ms); }
  };
  live.resume = function () { scheduleOpen(0); };
  live.cursor = function () { return last; };
  window.addEventListener("pagehide", close);
  open();
})();
