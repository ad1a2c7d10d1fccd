// Small enhancements; every page works without them (the server decides every rule).
document.addEventListener("DOMContentLoaded", function () {
  // Choosing a golongan fills the matching pangkat (the server checks it again).
  var table = document.getElementById("pangkat-by-golongan");
  if (table) {
    var pangkatByGolongan = JSON.parse(table.textContent);
    document.querySelectorAll("select[data-fills]").forEach(function (select) {
      var target = document.getElementById(select.dataset.fills);
      select.addEventListener("change", function () {
        if (target && pangkatByGolongan[select.value]) target.value = pangkatByGolongan[select.value];
      });
    });
  }

  // An image the worker is still making (the preview of a refused upload): asked for again
  // every second for up to a minute, shown once it arrives.
  document.querySelectorAll("img[data-retry-until-loaded]").forEach(function (image) {
    var tries = 0;
    var source = image.getAttribute("src");
    image.addEventListener("load", function () {
      image.hidden = false;
      var waiting = document.getElementById(image.id + "-waiting");
      if (waiting) waiting.hidden = true;
    });
    function retry() {
      if (++tries > 60) return;
      setTimeout(function () { image.src = source + (source.indexOf("?") < 0 ? "?" : "&") + "coba=" + tries; }, 1000);
    }
    image.addEventListener("error", retry);
    // It may have failed (or arrived) before this script ran.
    if (image.complete && image.naturalWidth === 0) retry();
    if (image.complete && image.naturalWidth > 0) image.dispatchEvent(new Event("load"));
  });

  // The error summary takes focus; each of its links focuses the field it names.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus]");
      if (!link) return;
      var field = document.getElementById(link.dataset.focus);
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }

  // "Akan tercetak": how the typed name will print, as profiles.names writes it.
  var preview = document.querySelector("[data-name-preview]");
  var nama = document.getElementById("id_nama");
  if (preview && nama) {
    var timer = null;
    var latest = 0;
    var show = function (printed, error) {
      preview.textContent = "";
      if (printed) {
        preview.appendChild(document.createTextNode("Akan tercetak: "));
        var strong = document.createElement("strong");
        strong.textContent = printed;
        preview.appendChild(strong);
      } else if (error) {
        var span = document.createElement("span");
        span.className = "text-danger";
        span.textContent = error;
        preview.appendChild(span);
      }
    };
    nama.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var ask = ++latest;
        var url = preview.dataset.namePreview + "?nama=" + encodeURIComponent(nama.value);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) { if (data && ask === latest) show(data.printed, data.error); })
          .catch(function () { /* offline: the server shows it after saving */ });
      }, 300);
    });
  }
});
