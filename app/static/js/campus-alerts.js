// Hiding a campus alert without leaving the page. Without JavaScript the same form posts
// and comes back to this page; here it posts in the background, removes the alert and
// moves focus to the next alert, or to the main content when none is left.
(function () {
  "use strict";
  document.querySelectorAll("form[data-hide-alert]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { form.submit(); return; }
          var alert = form.closest("[data-campus-alert]");
          var next = alert.nextElementSibling;
          var region = alert.parentElement;
          alert.remove();
          if (next) {
            next.querySelector("button").focus();
          } else {
            region.remove();
            document.getElementById("main").focus();
          }
        })
        .catch(function () { form.submit(); });
    });
  });
})();
