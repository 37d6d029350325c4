/* Incident report form: hide the contact fields while "Report anonymously" is ticked.
   Optional enhancement: without JavaScript the fields stay visible and are ignored. */
(function () {
  "use strict";
  var box = document.getElementById("anonymous");
  var fields = document.querySelector("[data-anonymous-hides]");
  if (!box || !fields) { return; }
  function sync() { fields.hidden = box.checked; }
  box.addEventListener("change", sync);
  sync();
}());
