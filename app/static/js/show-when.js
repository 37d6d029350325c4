/* Progressive enhancement for long forms: a block marked data-show-when="FIELD=VALUE" is
   shown only while that field has that value. Without JavaScript every block stays visible,
   and a block is never hidden while it holds an error message. */
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-show-when]");
  if (!blocks.length) { return; }

  function valueOf(form, name) {
    var field = form.elements[name];
    if (!field) { return null; }
    if (field.length !== undefined && field.tagName !== "SELECT") {
      for (var i = 0; i < field.length; i++) { if (field[i].checked) { return field[i].value; } }
      return null;
    }
    return field.value;
  }

  function update() {
    blocks.forEach(function (block) {
      var rule = block.getAttribute("data-show-when").split("=");
      var form = block.closest("form");
      var hasError = block.querySelector(".field-error") !== null;
      block.hidden = !hasError && valueOf(form, rule[0]) !== rule[1];
    });
  }

  document.addEventListener("change", update);
  update();
})();
