/*
 * The "Copy link" button next to a review link that was just made. Without
 * this script the link stays in its read-only box, to select and copy by
 * hand.
 */
(function () {
  "use strict";

  var field = document.querySelector("[data-share-url]");
  var button = document.querySelector("[data-copy-link]");
  var status = document.querySelector("[data-copy-status]");
  if (!field || !button || !status) {
    return;
  }

  function selectLink() {
    field.focus();
    field.select();
  }

  field.addEventListener("focus", function () {
    field.select();
  });

  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () {
          status.textContent = "Copied.";
        },
        function () {
          selectLink();
          status.textContent = "Selected: press Ctrl+C or ⌘C to copy.";
        }
      );
      return;
    }
    selectLink();
    status.textContent = "Selected: press Ctrl+C or ⌘C to copy.";
  });
})();
