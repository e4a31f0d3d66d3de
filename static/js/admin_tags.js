// Suggest existing tags while an editor types in the comma-separated tags field. The browser's
// own <datalist> shows the suggestions; each one is the whole field value with the last tag
// completed, so picking one keeps the tags already typed.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("id_tags");
    if (!input) return;
    var url = input.form.action.replace(/\/(add|\d+\/change)\/.*$/, "/tag-suggestions/");
    var list = document.createElement("datalist");
    list.id = "tag-suggestions";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.insertAdjacentElement("afterend", list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(",");
        var last = parts.pop().trim();
        if (!last) return;
        var head = parts.map(function (part) { return part.trim(); }).filter(Boolean);
        fetch(url + "?q=" + encodeURIComponent(last), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.tags.map(function (name) {
              var option = document.createElement("option");
              option.value = head.concat([name]).join(", ");
              return option;
            }));
          });
      }, 150);
    });
  });
})();
