/*
 * The article's contents box. The page sends it folded: on a phone, where the
 * contents sit above the text, the article then begins on the first screen
 * and nothing moves once the page has loaded (a box that folded itself after
 * the first paint pushed the whole text up). Where the contents sit beside
 * the text (at least the 64rem of the stylesheet's two columns), this script
 * opens it; opening it there moves nothing else. Without the script every
 * reader opens it with its summary. Turning a tablet or resizing the window
 * across that width opens or folds it again to suit.
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
