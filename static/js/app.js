// Choosing a golongan fills the matching pangkat (the server checks it again).
document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("pangkat-by-golongan");
  if (!table) return;
  var pangkatByGolongan = JSON.parse(table.textContent);
  document.querySelectorAll("select[data-fills]").forEach(function (select) {
    var target = document.getElementById(select.dataset.fills);
    select.addEventListener("change", function () {
      if (target && pangkatByGolongan[select.value]) target.value = pangkatByGolongan[select.value];
    });
  });
});
