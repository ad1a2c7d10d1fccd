// Review desk keys: v verify & next, r open the revision form, j/k next/previous.
// Ignored while typing, and v/j/k while the revision form is open (Escape closes it).
(function () {
  "use strict";
  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.closest("textarea, select, [contenteditable=''], [contenteditable='true']")) return true;
    var input = target.closest("input");
    return !!input && ["checkbox", "radio", "button", "submit", "hidden"].indexOf(input.type) === -1;
  }
  function follow(id) {
    var link = document.getElementById(id);
    if (link) window.location.assign(link.href);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var revision = document.getElementById("revision");
    if (event.key === "Escape" && revision && revision.open) {
      revision.open = false;
      return;
    }
    if (typing(event.target)) return;
    if (revision && revision.open) return;
    var key = event.key.toLowerCase();
    if (key === "v") {
      var form = document.getElementById("verify-form");
      if (form) {
        event.preventDefault();
        var button = document.getElementById("verify");
        if (button) button.disabled = true;  // one keystroke, one verification
        form.submit();
      }
    } else if (key === "r" && revision) {
      event.preventDefault();
      revision.open = true;
      var first = revision.querySelector("input[type=checkbox]");
      if (first) first.focus();
    } else if (key === "j") {
      follow("next");
    } else if (key === "k") {
      follow("previous");
    }
  });
})();
