// Click the image preview to set the focal point fields that drive crops.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var preview = document.querySelector(".focal-preview");
    var x = document.getElementById("id_focal_x");
    var y = document.getElementById("id_focal_y");
    if (!preview || !x || !y) return;
    var marker = preview.querySelector(".focal-marker");
    // Positioned from data attributes: the CSP allows no inline style attributes.
    marker.style.left = marker.dataset.left + "%";
    marker.style.top = marker.dataset.top + "%";
    preview.addEventListener("click", function (event) {
      var box = preview.querySelector("img").getBoundingClientRect();
      var fx = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      var fy = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
      x.value = fx.toFixed(3);
      y.value = fy.toFixed(3);
      marker.style.left = fx * 100 + "%";
      marker.style.top = fy * 100 + "%";
    });
  });
})();
