/* Quick exit for the confidential support pages.
 *
 * The "Quick exit" link (first in the page) and Shift pressed three times in a row (within
 * 1.5 s, no other key between) leave at once: the page is blanked and its forms cleared
 * first, then the current history entry is replaced by the exit endpoint, which marks the
 * browser (a short-lived cookie) and redirects to the neutral site. Every page of this
 * section asked for again with that mark (Back, Forward) redirects to the neutral site too,
 * and a page restored from the back/forward cache leaves at once. Links between pages of
 * this section also replace the history entry, and so do its forms: they are sent with
 * fetch and the page that answers (after the server's redirect) is written in place of this
 * one, so the whole visit is one history entry, which the exit replaces. Without JavaScript
 * the link, the server's redirects and post/redirect/get still keep Back away from here.
 */
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  var neutral = link.href;
  var leaving = false;

  function leave(event) {
    if (event) { event.preventDefault(); }
    if (leaving) { return; }
    leaving = true;
    Array.prototype.forEach.call(document.forms, function (form) { form.reset(); });
    document.title = "";
    document.body.hidden = true;
    document.body.innerHTML = "";
    try { history.replaceState(null, "", "/"); } catch (e) { /* ignore */ }
    window.location.replace(neutral);
  }

  link.addEventListener("click", leave);

  // Restored from the back/forward cache after an exit: do not show it, leave again.
  window.addEventListener("pageshow", function (event) {
    var mark = (link.getAttribute("data-quick-exit") || "qx") + "=1";
    if (event.persisted && document.cookie.split("; ").indexOf(mark) !== -1) {
      document.body.hidden = true;
      window.location.replace(neutral);
    }
  });

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = []; return; }
    if (event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 1500; });
    presses.push(now);
    if (presses.length >= 3) { leave(event); }
  });
  // The shortcut works from here on: only now do the pages mention it (without JavaScript
  // pressing Shift does nothing, and a person must not be told to rely on it).
  var hints = document.querySelectorAll("[data-shift-hint]");
  for (var i = 0; i < hints.length; i++) { hints[i].hidden = false; }

  // Forms of this section: send, then show the answer in this same history entry.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !window.fetch || !window.URL ||
        (form.method || "").toLowerCase() !== "post") { return; }
    var action = new URL(form.action, window.location.href);
    if (action.origin !== window.location.origin || action.pathname.indexOf("/support/") !== 0) { return; }
    event.preventDefault();
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) { body.append(event.submitter.name, event.submitter.value); }
    fetch(action.href, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" })
      .then(function (response) {
        var landed = new URL(response.url);
        if (landed.origin !== window.location.origin) { window.location.replace(response.url); return null; }
        return response.text().then(function (html) {
          history.replaceState(null, "", landed.pathname + landed.search + landed.hash);
          document.open();
          document.write(html);
          document.close();
        });
      })
      .catch(function () { form.submit(); });
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a[href]") : null;
    if (!target || target === link || event.defaultPrevented) { return; }
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (target.origin !== window.location.origin || target.pathname.indexOf("/support/") !== 0) { return; }
    event.preventDefault();
    window.location.replace(target.href);
  });
})();
