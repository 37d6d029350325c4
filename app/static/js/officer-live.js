/* The officer's phone page, live: a new assignment appears at once (and the phone vibrates
   if the officer turned that on here), changed ones update, closed ones go. An assignment
   the officer is typing in is left alone until they leave it. */
(function () {
  "use strict";
  var page = document.querySelector(".officer-page[data-live-stream]");
  if (!page || !window.EventSource || !window.DOMParser || !window.fetch) { return; }
  var KEY = "portal.officer.vibrate";
  var optIn = document.getElementById("vibrate-opt-in");
  var controls = document.getElementById("live-controls");
  var announcer = document.getElementById("assignment-announcer");
  if (controls && navigator.vibrate) { controls.hidden = false; }
  if (optIn) {
    try { optIn.checked = window.localStorage.getItem(KEY) === "on"; } catch (e) { /* ignore */ }
    optIn.addEventListener("change", function () {
      try { window.localStorage.setItem(KEY, optIn.checked ? "on" : "off"); } catch (e) { /* ignore */ }
    });
  }

  var timer = null, inFlight = false, again = false;
  function schedule() {
    if (!timer) { timer = window.setTimeout(function () { timer = null; refresh(); }, 100); }
  }
  document.addEventListener("live:ticket", schedule);
  document.addEventListener("live:officer", schedule);

  function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    var url = new URL(window.location.href);
    url.searchParams.set("auto_refresh", "1");
    window.fetch(url.toString(), { credentials: "same-origin" })
      .then(function (r) { if (r.redirected || !r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) { apply(new window.DOMParser().parseFromString(html, "text/html")); })
      .catch(function () { /* the stream's end event takes over */ })
      .then(function () { inFlight = false; if (again) { again = false; schedule(); } });
  }

  function items(root) {
    var map = {};
    Array.prototype.forEach.call(root.querySelectorAll("li[data-ticket-id]"), function (li) {
      map[li.getAttribute("data-ticket-id")] = li;
    });
    return map;
  }
  function inUse(el) { return el.contains(document.activeElement); }

  function apply(doc) {
    var label = doc.getElementById("my-status-label"), mine = document.getElementById("my-status-label");
    if (label && mine) { mine.textContent = label.textContent; }
    var list = page.querySelector(".assignment-list"), theirs = doc.querySelector(".assignment-list");
    var lead = page.querySelector(".lead"), theirLead = doc.querySelector(".officer-page .lead");
    if (!list || !theirs) {
      var region = list || page.querySelector("p.panel-ok");
      var fresh = theirs || doc.querySelector(".officer-page p.panel-ok");
      if (region && fresh && !inUse(region)) {
        var added = fresh.querySelectorAll ? fresh.querySelectorAll("li[data-ticket-id]").length : 0;
        region.replaceWith(document.importNode(fresh, true));
        if (lead && !theirLead) { lead.remove(); }
        if (!lead && theirLead) { page.querySelector("h1").after(document.importNode(theirLead, true)); }
        if (added) { told(added); }
      }
      return;
    }
    if (lead && theirLead) { lead.textContent = theirLead.textContent; }
    var current = items(list), next = items(theirs), fresh_count = 0, previous = null;
    Array.prototype.forEach.call(theirs.querySelectorAll("li[data-ticket-id]"), function (li) {
      var id = li.getAttribute("data-ticket-id"), have = current[id], node;
      if (!have) {
        node = document.importNode(li, true);
        node.classList.add("assignment-new");
        fresh_count += 1;
      } else if (!inUse(have) && have.innerHTML !== li.innerHTML) {
        node = document.importNode(li, true);
        have.replaceWith(node);
      } else {
        node = have;
      }
      if (!have) {
        if (previous) { previous.after(node); } else { list.prepend(node); }
      }
      previous = node;
    });
    Object.keys(current).forEach(function (id) {
      if (!next[id] && !inUse(current[id])) { current[id].remove(); }
    });
    if (fresh_count) { told(fresh_count); }
  }

  function told(count) {
    if (announcer) {
      announcer.textContent = count === 1 ? "New assignment." : count + " new assignments.";
    }
    if (optIn && optIn.checked && navigator.vibrate) { navigator.vibrate([200, 100, 200]); }
  }
})();
