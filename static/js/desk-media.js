/* Pictures at the desk: the focal point picker, and names for the library's
 * search boxes.
 *
 * The focal point of a picture: a marker on the picture.
 *
 * The form has two numbers (per cent across and down) that work without this
 * script. With it, the picture is shown with a marker on the focal point:
 * click or tap the subject, drag the marker, or focus it and use the arrow
 * keys (5 % a press, 1 % with Shift). A second picture shows the crop a card
 * makes. A file chosen but not yet uploaded is shown too, so a new picture's
 * focal point is set before the first save.
 *
 * The admin's autocomplete boxes (Select2) show a combobox that leaves the
 * field's label behind: screen readers announce it without a name. Each is
 * named by its field's label.
 */
(() => {
  "use strict";

  const STEP = 5;
  const FINE_STEP = 1;

  function clamp(value) {
    const number = Math.round(Number(value));
    return Number.isFinite(number) ? Math.min(100, Math.max(0, number)) : 50;
  }

  function make(tag, className, attributes = {}) {
    const element = document.createElement(tag);
    element.className = className;
    Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
    return element;
  }

  function setUp(box) {
    if (box.dataset.focalReady || box.closest(".empty-form")) {
      return;
    }
    const [across, down] = box.querySelectorAll('input[type="number"]');
    if (!across || !down) {
      return;
    }
    box.dataset.focalReady = "true";
    const base = across.id.replace(/focal_point_0$/, "");
    const source = document.getElementById(base + box.dataset.source);
    const row = box.closest(".form-row");

    const frame = make("div", "focal-point-frame");
    const picture = make("img", "focal-point-picture", { alt: "", draggable: "false" });
    const marker = make("span", "focal-point-marker", {
      role: "slider",
      tabindex: "0",
      "aria-label": "Focal point",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-describedby": base + "focal_point_hint",
    });
    frame.append(picture, marker);
    const hint = make("p", "focal-point-hint", { id: base + "focal_point_hint" });
    hint.textContent =
      "Click or tap the subject, or focus the marker and use the arrow keys (Shift for finer steps).";
    const cropBox = make("figure", "focal-point-crop");
    const crop = make("img", "focal-point-crop-picture", { alt: "" });
    const cropCaption = make("figcaption", "");
    cropCaption.textContent = "As a card crops it";
    cropBox.append(crop, cropCaption);
    const view = make("div", "focal-point-view");
    view.append(frame, cropBox, hint);
    view.hidden = true;
    box.prepend(view);

    function current() {
      return [clamp(across.value), clamp(down.value)];
    }

    function show() {
      const [x, y] = current();
      marker.style.left = x + "%";
      marker.style.top = y + "%";
      marker.setAttribute("aria-valuenow", String(x));
      marker.setAttribute("aria-valuetext", x + "% across, " + y + "% down");
      crop.style.objectPosition = x + "% " + y + "%";
    }

    function place(x, y) {
      across.value = String(clamp(x));
      down.value = String(clamp(y));
      show();
      across.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function load(url) {
      view.hidden = !url;
      if (url) {
        picture.src = url;
        crop.src = url;
      } else {
        picture.removeAttribute("src");
        crop.removeAttribute("src");
      }
      // A new figure's focal point matters only once a file is chosen.
      if (row && box.dataset.source === "upload" && !row.classList.contains("errors")) {
        row.hidden = !url;
      }
    }

    marker.addEventListener("keydown", (event) => {
      const step = event.shiftKey ? FINE_STEP : STEP;
      const moves = {
        ArrowLeft: [-step, 0],
        ArrowRight: [step, 0],
        ArrowUp: [0, -step],
        ArrowDown: [0, step],
      };
      const move = moves[event.key];
      if (!move) {
        return;
      }
      event.preventDefault();
      const [x, y] = current();
      place(x + move[0], y + move[1]);
    });

    let dragging = null;
    function pointAt(event) {
      const bounds = picture.getBoundingClientRect();
      if (!bounds.width || !bounds.height) {
        return;
      }
      place(
        ((event.clientX - bounds.left) / bounds.width) * 100,
        ((event.clientY - bounds.top) / bounds.height) * 100,
      );
    }
    frame.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" && event.button !== 0) {
        return;
      }
      event.preventDefault();
      dragging = event.pointerId;
      frame.setPointerCapture(event.pointerId);
      pointAt(event);
      marker.focus();
    });
    frame.addEventListener("pointermove", (event) => {
      if (dragging === event.pointerId) {
        pointAt(event);
      }
    });
    ["pointerup", "pointercancel"].forEach((type) =>
      frame.addEventListener(type, () => {
        dragging = null;
      }),
    );

    [across, down].forEach((input) => input.addEventListener("input", show));
    if (source) {
      source.addEventListener("change", () => {
        const file = source.files && source.files[0];
        if (!file) {
          load(box.dataset.preview || "");
          return;
        }
        // A data: address, which the Content Security Policy allows for images.
        const reader = new FileReader();
        reader.addEventListener("load", () => load(String(reader.result)));
        reader.readAsDataURL(file);
      });
    }
    load(box.dataset.preview || "");
    show();
  }

  function nameSearchBoxes(scope) {
    scope.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = select.id && document.querySelector('label[for="' + select.id + '"]');
      const container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) {
        return;
      }
      label.id = label.id || select.id + "-label";
      const box = container.querySelector('[role="combobox"]');
      const shown = container.querySelector(".select2-selection__rendered");
      if (box) {
        box.setAttribute("aria-labelledby", label.id + (shown && shown.id ? " " + shown.id : ""));
      }
      if (shown) {
        shown.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-focal-point]").forEach(setUp);
    nameSearchBoxes(document);
    document.addEventListener("formset:added", (event) => {
      event.target.querySelectorAll("[data-focal-point]").forEach(setUp);
      // After the admin's own handler has made the row's search box.
      window.setTimeout(() => nameSearchBoxes(event.target), 0);
    });
  }

  // On "load": after the admin has made its search boxes (on DOMContentLoaded).
  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
