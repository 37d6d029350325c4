/* The live dispatch board: rows update in place from the stream (live.js).
   On each event the board asks the server for itself again (the same URL, so the same
   filters and the same order: P1 first, then age) and patches only what changed. While
   the pointer or the focus is on the table, nothing moves: changes wait until it leaves.
   A new P1 gets a banner, a highlighted row marked "NEW P1" (not colour alone), an
   announcement, a count in the tab title and, if the dispatcher turned it on, a sound. */
(function () {
  "use strict";
  var board = document.querySelector(".dispatch-board[data-live-stream]");
  if (!board || !window.EventSource || !window.DOMParser || !window.fetch) { return; }
  var baseTitle = document.title;
  var SOUND_KEY = "portal.board.p1-sound";
  var banner = document.getElementById("p1-banner");
  var bannerText = document.getElementById("p1-banner-text");
  var announcer = document.getElementById("board-announcer");
  var sound = document.getElementById("p1-sound");
  var controls = document.getElementById("live-controls");
  var stateText = document.getElementById("live-state");
  var newP1 = {};      // ticket id -> true: announced, highlighted until acknowledged
  var pendingP1 = {};  // ticket id -> true: a new P1 event whose row is not shown yet
  var waiting = false; // changes held back while the table is in use

  if (controls) { controls.hidden = false; }
  if (sound) {
    try { sound.checked = window.localStorage.getItem(SOUND_KEY) === "on"; } catch (e) { /* private mode */ }
    sound.addEventListener("change", function () {
      try { window.localStorage.setItem(SOUND_KEY, sound.checked ? "on" : "off"); } catch (e) { /* ignore */ }
    });
  }
  if (banner) {
    document.getElementById("p1-banner-dismiss").addEventListener("click", function () { banner.hidden = true; });
  }
  var STATES = { live: "Live updates: on", reconnecting: "Live updates: reconnecting…",
                 ended: "Live updates: stopped (refresh the board)" };
  document.addEventListener("live:state", function (e) {
    if (stateText) { stateText.textContent = STATES[e.detail.state] || ""; }
  });

  document.addEventListener("live:ticket", function (e) {
    var d = e.detail.data;
    if (d.priority === 1 && !d.acknowledged && d.open && (d.kind === "created" || d.kind === "priority")
        && !newP1[d.ticket_id] && !pendingP1[d.ticket_id]) {
      pendingP1[d.ticket_id] = true;
      announce(d.reference, null);  // at once, even while the table is in use
    }
    schedule();
  });
  document.addEventListener("live:officer", function () { schedule(); });

  // --- fetching the board again, one request at a time -------------------------------
  var timer = null, inFlight = false, again = false;
  function schedule() {
    if (!timer) { timer = window.setTimeout(function () { timer = null; refresh(); }, 120); }
  }
  function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    var url = new URL(window.location.href);
    url.searchParams.set("auto_refresh", "1");  // not the dispatcher's activity
    window.fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (r.redirected || !r.ok) { throw new Error("board " + r.status); } return r.text(); })
      .then(function (html) {
        apply(new window.DOMParser().parseFromString(html, "text/html"));
        // How many fetched boards were applied (or held back): what a test waits on.
        if (window.portalLive) { window.portalLive.applied = (window.portalLive.applied || 0) + 1; }
      })
      .catch(function () { /* the stream's end event or the refresh link take over */ })
      .then(function () { inFlight = false; if (again) { again = false; schedule(); } });
  }

  // --- patching -------------------------------------------------------------------------
  function tableInUse() {
    var table = board.querySelector("table.queue");
    if (!table) { return false; }
    return table.contains(document.activeElement) || table.matches(":hover");
  }
  function swap(selector, doc) {
    var mine = board.querySelector(selector), theirs = doc.querySelector(".dispatch-board " + selector);
    if (mine && theirs && !mine.contains(document.activeElement) && mine.innerHTML !== theirs.innerHTML) {
      mine.innerHTML = theirs.innerHTML;
    }
  }
  function queueRegion(root) {
    return root.querySelector(".table-wrap") || root.querySelector(".dispatch-board > p.panel-ok");
  }
  function apply(doc) {
    swap(".queue-counts", doc);
    swap("#officer-panel", doc);
    var held = tableInUse();
    var mineBody = board.querySelector("table.queue tbody");
    var theirBody = doc.querySelector(".dispatch-board table.queue tbody");
    if (!mineBody || !theirBody) {
      if (held) { wait(); return; }
      var region = queueRegion(board), fresh = queueRegion(doc);
      if (region && fresh) { region.replaceWith(document.importNode(fresh, true)); }
    } else if (held) {
      patchInPlace(mineBody, theirBody);
      wait();
    } else {
      reorder(mineBody, theirBody);
    }
    afterPatch();
  }
  function rowsById(body) {
    var map = {};
    Array.prototype.forEach.call(body.querySelectorAll("tr[data-ticket-id]"), function (tr) {
      map[tr.getAttribute("data-ticket-id")] = tr;
    });
    return map;
  }
  function same(a, b) { return a.innerHTML === b.innerHTML && a.className === b.className; }
  function patchInPlace(mineBody, theirBody) {
    // Only rows that stay where they are change; nothing is added, removed or moved.
    var theirs = rowsById(theirBody);
    Array.prototype.forEach.call(mineBody.querySelectorAll("tr[data-ticket-id]"), function (tr) {
      var next = theirs[tr.getAttribute("data-ticket-id")];
      if (next && !tr.contains(document.activeElement) && !tr.matches(":hover") && !same(tr, next)) {
        tr.replaceWith(document.importNode(next, true));
      }
    });
  }
  function reorder(mineBody, theirBody) {
    var mine = rowsById(mineBody), order = [];
    Array.prototype.forEach.call(theirBody.querySelectorAll("tr[data-ticket-id]"), function (next) {
      var current = mine[next.getAttribute("data-ticket-id")];
      order.push(current && same(current, next) ? current : document.importNode(next, true));
    });
    order.forEach(function (tr, i) {
      if (mineBody.children[i] !== tr) { mineBody.insertBefore(tr, mineBody.children[i] || null); }
    });
    while (mineBody.children.length > order.length) { mineBody.lastElementChild.remove(); }
  }
  function wait() {
    if (waiting) { return; }
    waiting = true;
    var table = board.querySelector("table.queue");
    var release = function () {
      window.setTimeout(function () {
        if (tableInUse()) { return; }
        waiting = false;
        table.removeEventListener("mouseleave", release);
        table.removeEventListener("focusout", release);
        schedule();
      }, 50);
    };
    table.addEventListener("mouseleave", release);
    table.addEventListener("focusout", release);
  }

  // --- new P1s ----------------------------------------------------------------------------
  function afterPatch() {
    Object.keys(pendingP1).forEach(function (id) {
      var tr = board.querySelector('tr[data-ticket-id="' + id + '"]');
      if (!tr) { return; }
      delete pendingP1[id];
      newP1[id] = true;
      announce(tr.getAttribute("data-reference"), tr);
    });
    Object.keys(newP1).forEach(function (id) {
      var tr = board.querySelector('tr[data-ticket-id="' + id + '"]');
      if (tr && tr.hasAttribute("data-p1-unack")) { tr.classList.add("row-new-p1"); } else { delete newP1[id]; }
    });
    var count = board.querySelectorAll("tr[data-p1-unack]").length;
    document.title = (count ? "(" + count + " P1) " : "") + baseTitle;
  }
  function announce(reference, tr) {
    // First from the event (the reference), then again with the row's summary and place
    // once the row is on the board; the sound and the announcement only the first time.
    var text = reference;
    if (tr) {
      var cells = tr.querySelectorAll("td");
      text += ": " + (cells[4] ? cells[4].textContent.trim() : "") +
        (cells[3] ? " at " + cells[3].textContent.trim() : "");
    }
    if (banner) { bannerText.textContent = text; banner.hidden = false; }
    if (tr) { return; }
    if (announcer) { announcer.textContent = "New P1 ticket " + text; }
    if (sound && sound.checked) { beep(); }
  }
  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var ctx = beep.ctx || (beep.ctx = new Context());
      var tone = ctx.createOscillator(), gain = ctx.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.15;
      tone.connect(gain); gain.connect(ctx.destination);
      tone.start(); tone.stop(ctx.currentTime + 0.35);
    } catch (e) { /* no audio here */ }
  }

  // --- acknowledgement clocks tick from the server's deadline -------------------------
  function human(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if (seconds < 60) { return seconds + "s"; }
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) { return minutes + "m " + pad(seconds % 60) + "s"; }
    var hours = Math.floor(minutes / 60);
    if (hours < 24) { return hours + "h " + pad(minutes % 60) + "m"; }
    return Math.floor(hours / 24) + "d " + (hours % 24) + "h";
  }
  function tick() {
    var now = Date.now();
    Array.prototype.forEach.call(board.querySelectorAll("td[data-ack-deadline]"), function (td) {
      var left = (Date.parse(td.getAttribute("data-ack-deadline")) - now) / 1000;
      if (isNaN(left)) { return; }
      var overdue = left < 0;
      var text = overdue ? "Overdue by " + human(-left) : human(left) + " left";
      var badge = td.querySelector(".badge-overdue");
      if (overdue && !badge) {
        td.textContent = "";
        badge = document.createElement("span");
        badge.className = "badge badge-overdue";
        td.appendChild(badge);
        td.parentNode.classList.add("row-overdue");
      }
      var target = badge || td;
      if (target.textContent !== text) { target.textContent = text; }
    });
  }
  window.setInterval(tick, 1000);
  afterPatch();
})();
