/* The requester's follow-up page (and a DV request's private page), live: status, officer,
   expected time and messages appear as they happen; a question from dispatch (or the
   advocate's message) shows as a banner at the top. Only text nodes
   are written (never HTML), and the reply form is never touched, so typing goes on. */
(function () {
  "use strict";
  var page = document.querySelector(".follow-page[data-live-stream]");
  if (!page) { return; }
  var timeline = page.querySelector("ol.timeline");
  var zone = timeline ? timeline.getAttribute("data-timezone") : undefined;

  function fmt(iso, options) {
    try {
      return new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: zone }, options)).format(new Date(iso));
    } catch (e) { return new Date(iso).toLocaleString(); }
  }
  function text(el, value) { if (el && el.textContent !== value) { el.textContent = value; } }

  function addStep(step) {
    if (!timeline || !step) { return; }
    var li = document.createElement("li");
    li.className = "step-" + step.kind + " step-live";
    var time = document.createElement("time");
    time.setAttribute("datetime", step.at);
    time.textContent = fmt(step.at, { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit" });
    var strong = document.createElement("strong");
    strong.textContent = step.text;
    li.appendChild(time);
    li.appendChild(document.createElement("br"));
    li.appendChild(strong);
    if (step.body) {
      var quote = document.createElement("blockquote");
      quote.className = "follow-message";
      quote.textContent = step.body;
      li.appendChild(quote);
    }
    timeline.appendChild(li);
  }

  function question(body) {
    var banner = document.getElementById("live-question");
    if (!banner) { return; }
    banner.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = banner.getAttribute("data-asker") || "Dispatch asks: ";
    banner.appendChild(strong);
    banner.appendChild(document.createTextNode(body + " "));
    var reply = document.querySelector("form textarea");
    if (reply && reply.id) {
      var link = document.createElement("a");
      link.href = "#" + reply.id;
      link.textContent = "Reply below";
      banner.appendChild(link);
    }
    banner.hidden = false;
  }

  document.addEventListener("live:ticket", function (e) {
    var d = e.detail.data;
    if (d.step && d.step.kind === "status") { text(page.querySelector(".follow-status strong"), d.step.text); }
    var officer = page.querySelector(".follow-officer");
    if (officer) {
      officer.hidden = !d.officer;
      text(officer.querySelector("strong"), d.officer || "");
    }
    var expected = page.querySelector(".follow-expected");
    if (expected) {
      expected.hidden = !d.expected;
      if (d.expected) {
        text(expected, d.expected.text + " " + fmt(d.expected.at, { hour: "2-digit", minute: "2-digit" }) +
          " (" + fmt(d.expected.at, { weekday: "short", day: "2-digit", month: "short" }) + ").");
      }
    }
    text(page.querySelector(".follow-state"), d.status_label);
    addStep(d.step);
    if (d.kind === "message_out" && d.step && d.step.body) { question(d.step.body); }
    if (!d.open) { text(page.querySelector(".follow-page > section .muted"), "This request is now closed."); }
  });
})();
