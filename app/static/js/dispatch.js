/* Dispatch queue: do not reload the board while someone is using the filter form.
   site.js pauses its data-refresh reload after any "input" event, so focusing a filter
   field sends one. */
(function () {
  "use strict";
  var form = document.getElementById("queue-filters");
  if (!form) { return; }
  form.addEventListener("focusin", function () {
    document.dispatchEvent(new Event("input"));
  });
})();
