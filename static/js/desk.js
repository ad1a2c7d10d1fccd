// Review desk keys: v verify & next, r open the revision form, j/k next/previous.
// In the open revision form: 1–9 tick a reason, c writes the note, Enter sends
// (Shift+Enter is a new line in the note), Escape closes it.
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
  function send(form) {
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }
  function revisionKeys(event, revision) {
    var form = document.getElementById("revision-form");
    var note = document.getElementById("catatan");
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send(form);
      return;
    }
    if (event.target === note) return;  // the note takes every other key
    if (/^[1-9]$/.test(event.key)) {
      var box = form.querySelector("input[data-key='" + event.key + "']");
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
        box.focus();
      }
    } else if (event.key.toLowerCase() === "c") {
      event.preventDefault();
      note.focus();
    }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var revision = document.getElementById("revision");
    if (event.key === "Escape" && revision && revision.open) {
      revision.open = false;
      return;
    }
    if (revision && revision.open && revision.contains(event.target)) {
      revisionKeys(event, revision);
      return;
    }
    if (typing(event.target)) return;
    if (revision && revision.open) {
      revisionKeys(event, revision);
      return;
    }
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
      document.getElementById("revision-form").focus();
    } else if (key === "j") {
      follow("next");
    } else if (key === "k") {
      follow("previous");
    }
  });
})();
