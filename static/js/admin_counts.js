// Live character counts for the headline and SEO description in the article admin.
(function () {
  "use strict";
  var limits = { id_headline: 110, id_seo_description: 160 };
  function attach(input, limit) {
    var counter = document.createElement("p");
    counter.className = "char-count help";
    counter.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", counter);
    function update() {
      var length = input.value.length;
      counter.textContent = length + " / " + limit;
      counter.classList.toggle("over-limit", length > limit);
    }
    input.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Object.keys(limits).forEach(function (id) {
      var input = document.getElementById(id);
      if (input) attach(input, limits[id]);
    });
  });
})();
