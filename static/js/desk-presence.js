/*
 * “Alex Chen is also editing this article (opened 3 minutes ago).” On the
 * article's change form: says so every HEARTBEAT seconds to the address in
 * this script's data-presence-url, and shows who else has the form open
 * from the answer. Going to another page (but not saving the form, which
 * comes straight back) says goodbye. Without this script nothing is shown.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script && script.dataset.presenceUrl;
  if (!url || !window.fetch || !window.FormData) {
    return;
  }
  var every = Number(script.dataset.heartbeatSeconds || 20) * 1000;

  function start() {
    var form = document.querySelector("#content-main form");
    var token = form && form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (!token) {
      return;
    }
    // A live region that is there from the start, so that a change is read out.
    var notice = document.createElement("div");
    notice.className = "desk-presence";
    notice.id = "desk-presence";
    notice.setAttribute("role", "status");
    form.parentNode.insertBefore(notice, form);

    var timer = null;
    var saving = false;

    function show(others) {
      var lines = others.map(function (other) {
        var line = document.createElement("p");
        line.textContent = other.message;
        return line;
      });
      notice.replaceChildren.apply(notice, lines);
    }

    function post(fields) {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token.value);
      Object.keys(fields).forEach(function (name) {
        body.append(name, fields[name]);
      });
      return body;
    }

    function beat() {
      fetch(url, {
        method: "POST",
        body: post({}),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (answer && Array.isArray(answer.others)) {
            show(answer.others);
          }
        })
        .catch(function () {
          // Offline or logged out: try again at the next beat.
        });
    }

    function begin() {
      if (timer === null) {
        beat();
        timer = window.setInterval(beat, every);
      }
    }

    form.addEventListener("submit", function () {
      saving = true;
    });
    // Going to another page says goodbye. A tab closed outright sends
    // nothing (no request races the browser's shutdown): its entry lapses.
    window.addEventListener("beforeunload", function () {
      if (!saving && navigator.sendBeacon) {
        navigator.sendBeacon(url, post({ leaving: "1" }));
      }
    });
    window.addEventListener("pagehide", function () {
      window.clearInterval(timer);
      timer = null;
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        saving = false;
        begin();
      }
    });
    begin();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
