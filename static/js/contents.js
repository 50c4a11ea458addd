/*
 * The article's contents box. The page sends it open, so without this script
 * every reader sees the list. Where the contents sit above the text rather
 * than beside it (narrower than the 64rem of the stylesheet's two columns),
 * it starts folded, so the article begins on the first screen; the reader
 * opens it with its summary. Turning a tablet or resizing the window across
 * that width folds or opens it again to suit.
 */
(function () {
  "use strict";

  var box = document.querySelector("details[data-contents]");
  if (!box || !window.matchMedia) {
    return;
  }
  var beside = window.matchMedia("(min-width: 64rem)");
  box.open = beside.matches;
  beside.addEventListener("change", function (event) {
    box.open = event.matches;
  });
})();
