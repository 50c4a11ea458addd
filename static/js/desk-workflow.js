/*
 * The word count on the article's change form, kept current as the editor
 * types. The server counts the saved text; this counts what is in the
 * section headings and bodies now, rows marked for deletion left out, with
 * Markdown's link addresses dropped as readers never see them. Without
 * this script the count of the saved text stays.
 */
(function () {
  "use strict";

  var output = document.getElementById("desk-word-count");
  var form = output && output.closest("form");
  if (!form) {
    return;
  }
  var FIELD = /^sections-\d+-(heading|body)$/;
  var WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
  var LINK_TARGET = /\]\([^)]*\)/g;

  function removed(field) {
    var row = field.closest(".inline-related, .form-row");
    var box = row && row.querySelector('input[name$="-DELETE"]');
    return Boolean(box && box.checked);
  }

  function count() {
    var words = 0;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!FIELD.test(field.name) || removed(field)) {
        return;
      }
      var found = field.value.replace(LINK_TARGET, "]").match(WORD);
      words += found ? found.length : 0;
    });
    output.textContent = words.toLocaleString("en-GB");
  }

  // Editable sections, or at least the blank one "Add another" copies.
  var editable = Array.prototype.some.call(form.elements, function (field) {
    return /^sections-(\d+|__prefix__)-body$/.test(field.name);
  });
  if (!editable) {
    return; // a read-only view: the saved count stands
  }
  form.addEventListener("input", count);
  form.addEventListener("change", count);
  // The admin's inline script announces added and removed rows.
  document.addEventListener("formset:added", count);
  document.addEventListener("formset:removed", count);
  count();
})();
