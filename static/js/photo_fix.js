// "Perbaiki foto otomatis": ask the server every second how the fix is going and swap in
// the result. Without this script the page's "Muat ulang" link does the same by hand.
(function () {
  var body = document.getElementById("fix-body");
  if (!body || body.dataset.pending !== "1" || !window.fetch) return;
  var url = body.dataset.statusUrl;
  var attempts = 0;
  // The server itself says when a job has waited too long; this only stops a tab left open.
  var maxAttempts = 600;

  function poll() {
    attempts += 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) {
        if (status.pending && attempts < maxAttempts) {
          window.setTimeout(poll, 1000);
          return;
        }
        body.innerHTML = status.html;
        body.dataset.pending = "0";
      })
      .catch(function () {
        // A dropped connection on a phone: keep trying, a little slower.
        if (attempts < maxAttempts) window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
