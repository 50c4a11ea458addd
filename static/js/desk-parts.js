/* The article change form: ordering its parts without a mouse, and placing
   tables in sections that are on the same form, saved or not.

   django-admin-sortable2 lets the editor drag a part by its title bar; this
   adds "Move up" and "Move down" buttons to every part (WCAG 2.5.7), numbers
   every row's hidden position after each move, and says what moved in a
   status message. Without this script the parts keep their order and new
   ones are saved last. */
"use strict";

(function () {
  const ROW_SELECTOR = ".inline-related:not(.tabular):not(.empty-form), tr.form-row:not(.empty-form)";
  let announcer = null;

  function announce(message) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "desk-visually-hidden";
      announcer.setAttribute("role", "status");
      document.body.appendChild(announcer);
    }
    // Emptied first, so that the same words are read again.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = message; }, 50);
  }

  function groupOf(element) {
    return element.closest(".js-inline-admin-formset");
  }

  function rowsOf(group) {
    return Array.from(group.querySelectorAll(ROW_SELECTOR)).filter(
      (row) => row.querySelector("input._reorder_")
    );
  }

  /* The row's first words: its heading, question or caption, else its text. */
  function describe(row) {
    const field = Array.from(
      row.querySelectorAll('input[type="text"]:not([data-section-picker]), textarea')
    ).find((input) => input.value.trim());
    if (field) {
      const words = field.value.trim().split(/\s+/).join(" ");
      return "“" + (words.length > 60 ? words.slice(0, 60) + "…" : words) + "”";
    }
    const select = row.querySelector("select");
    if (select && select.value) {
      return "“" + select.options[select.selectedIndex].text + "”";
    }
    return "The new row";
  }

  /* Every row's position follows the page's order, new rows' too. */
  function renumber(group) {
    rowsOf(group).forEach((row, index) => {
      row.querySelector("input._reorder_").value = String(index + 1);
    });
    markEdges(group);
    group.dispatchEvent(new CustomEvent("desk:reordered", { bubbles: true }));
  }

  /* The first row's "Move up" and the last row's "Move down" do nothing. */
  function markEdges(group) {
    const rows = rowsOf(group);
    rows.forEach((row, index) => {
      row.querySelectorAll(".desk-move button").forEach((button) => {
        const atEdge = button.dataset.move === "up" ? index === 0 : index === rows.length - 1;
        button.setAttribute("aria-disabled", atEdge ? "true" : "false");
      });
    });
  }

  /* The row and, in a table, the error row Django puts above it. */
  function movingPart(row) {
    const before = row.previousElementSibling;
    if (row.tagName === "TR" && before && before.classList.contains("row-form-errors")) {
      return [before, row];
    }
    return [row];
  }

  function placeBefore(elements, reference) {
    elements.forEach((element) => reference.parentNode.insertBefore(element, reference));
  }

  function move(button) {
    const row = button.closest(ROW_SELECTOR);
    const group = groupOf(button);
    const rows = rowsOf(group);
    const index = rows.indexOf(row);
    const up = button.dataset.move === "up";
    const target = up ? index - 1 : index + 1;
    if (index < 0 || target < 0 || target >= rows.length) {
      announce(describe(row) + (up ? " is already first." : " is already last."));
      return;
    }
    if (up) {
      placeBefore(movingPart(row), movingPart(rows[target])[0]);
    } else {
      placeBefore(movingPart(rows[target]), movingPart(row)[0]);
    }
    renumber(group);
    // Moving the row took the focus away from the button pressed.
    button.focus();
    announce(describe(row) + " is now " + (target + 1) + " of " + rows.length + ".");
  }

  function addButtons(row) {
    if (row.querySelector(".desk-move")) {
      return;
    }
    const holder = document.createElement("span");
    holder.className = "desk-move";
    [["up", "Move up"], ["down", "Move down"]].forEach(([direction, text]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.dataset.move = direction;
      button.textContent = text;
      holder.appendChild(button);
    });
    const place = row.tagName === "TR" ? row.querySelector("td.original") : row.querySelector("h3");
    if (place) {
      place.appendChild(holder);
    }
  }

  /* Django renumbers a formset's rows in page order when an unsaved row is
     removed; stored rows must then keep the first numbers, so for that
     moment the rows go back to the order they came in, and afterwards to
     the order the editor gave them. */
  function keepStoredRowsFirst(event) {
    const link = event.target.closest("a.inline-deletelink");
    const group = link && groupOf(link);
    if (!group || !group.querySelector("fieldset.sortable")) {
      return;
    }
    const shown = rowsOf(group);
    const stored = shown.filter((row) => row.classList.contains("has_original"));
    const added = shown.filter((row) => !row.classList.contains("has_original"));
    const template = group.querySelector(".empty-form");
    if (!template) {
      return;
    }
    stored.sort((a, b) => Number(a.dataset.deskIndex) - Number(b.dataset.deskIndex));
    [...stored, ...added].forEach((row) => placeBefore(movingPart(row), template));
    window.setTimeout(() => {
      shown.filter((row) => row.isConnected).forEach((row) => placeBefore(movingPart(row), template));
      renumber(group);
    }, 0);
  }

  /* Tables: the section a table goes in, chosen among the sections on the form. */
  const picked = new WeakMap();

  function sectionRows(prefix) {
    const group = document.getElementById(prefix + "-group");
    return group ? Array.from(group.querySelectorAll(".inline-related:not(.empty-form)")) : [];
  }

  function headingOf(row) {
    const input = row.querySelector('input[name$="-heading"]');
    return input ? input.value.trim() : "";
  }

  function idOf(row) {
    const input = row.querySelector('input[type="hidden"][name$="-id"]');
    return input ? input.value : "";
  }

  function isDeleted(row) {
    const box = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
    return Boolean(box && box.checked);
  }

  function fillPicker(select) {
    const rows = sectionRows(select.dataset.sectionPicker);
    let chosen = picked.get(select);
    if (chosen && !chosen.isConnected) {
      chosen = null;
    }
    select.replaceChildren(new Option("At the end of the article", ""));
    rows.forEach((row, index) => {
      let label = headingOf(row) || "Section " + (index + 1) + " (no heading)";
      if (isDeleted(row)) {
        label += " (to be deleted)";
      }
      const option = new Option(label, row.id, false, row === chosen);
      select.appendChild(option);
    });
    picked.set(select, chosen || null);
  }

  function upgradePicker(input) {
    if (input.tagName !== "INPUT" || input.closest(".empty-form")) {
      return;
    }
    const rows = sectionRows(input.dataset.sectionPicker);
    const value = input.value.trim();
    const chosen =
      rows.find((row) => input.dataset.sectionId && idOf(row) === input.dataset.sectionId) ||
      rows.find((row) => row.id === value) ||
      rows.find((row) => value && headingOf(row).toLowerCase() === value.toLowerCase()) ||
      null;
    const select = document.createElement("select");
    ["name", "id", "aria-describedby", "aria-invalid"].forEach((name) => {
      if (input.hasAttribute(name)) {
        select.setAttribute(name, input.getAttribute(name));
      }
    });
    select.dataset.sectionPicker = input.dataset.sectionPicker;
    picked.set(select, chosen);
    fillPicker(select);
    select.addEventListener("change", () => {
      picked.set(select, sectionRows(select.dataset.sectionPicker).find((row) => row.id === select.value) || null);
    });
    input.replaceWith(select);
  }

  function refreshPickers() {
    document.querySelectorAll("select[data-section-picker]").forEach(fillPicker);
  }

  function start() {
    document.querySelectorAll(".js-inline-admin-formset").forEach((group) => {
      if (!group.querySelector("fieldset.sortable")) {
        return;
      }
      group.querySelectorAll(".inline-related:not(.tabular), tr.form-row").forEach((row) => {
        if (row.querySelector("input._reorder_")) {
          addButtons(row);
        }
        const number = /-(\d+)$/.exec(row.id);
        if (number) {
          row.dataset.deskIndex = number[1];
        }
      });
      markEdges(group);
      group.addEventListener("click", (event) => {
        const button = event.target.closest(".desk-move button");
        if (button) {
          event.preventDefault();
          move(button);
        }
      });
      // The library renumbers the stored rows after a drag; then every row.
      group.addEventListener("end", () => window.setTimeout(() => renumber(group), 0));
    });
    document.querySelectorAll("input[data-section-picker]").forEach(upgradePicker);
    document.addEventListener("click", keepStoredRowsFirst, true);
    document.addEventListener("input", (event) => {
      if (event.target.matches('[id$="-group"] input[name$="-heading"]')) {
        refreshPickers();
      }
    });
    document.addEventListener("change", (event) => {
      if (event.target.matches('input[type="checkbox"][name$="-DELETE"]')) {
        refreshPickers();
      }
    });
    document.addEventListener("desk:reordered", refreshPickers);
    document.addEventListener("formset:added", (event) => {
      event.target.querySelectorAll("input[data-section-picker]").forEach(upgradePicker);
      refreshPickers();
      const group = groupOf(event.target);
      if (group && group.querySelector("fieldset.sortable")) {
        addButtons(event.target);
        markEdges(group);
      }
    });
    document.addEventListener("formset:removed", () => window.setTimeout(refreshPickers, 0));
  }

  // After Django's inline script and the library, which start on "load" too.
  window.addEventListener("load", start);
})();
