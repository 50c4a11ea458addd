/*
 * Comments without a page reload. The form works without this script; with
 * it, posting stays on the page, replies open under the comment replied to,
 * and logged-in readers are not asked for a name.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-comment-form]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var home = form.parentNode;
  var homeNext = form.nextSibling;
  var statusBox = form.querySelector("[data-form-status]");
  var heading = form.querySelector("[data-form-heading]");
  var parentInput = form.querySelector('input[name="parent"]');
  var stamp = form.querySelector('input[name="shown_at"]');
  var body = form.querySelector('textarea[name="body"]');
  var button = form.querySelector('button[type="submit"]');
  var replying = form.querySelector("[data-replying-to]");
  var replyingName = form.querySelector("[data-replying-name]");
  var sessionLoaded = false;

  function say(message, isError) {
    statusBox.textContent = message;
    statusBox.className = "form-status" + (isError ? " is-error" : " is-ok");
  }

  function clearErrors() {
    form.querySelectorAll(".field-error[data-from-script]").forEach(function (node) {
      node.remove();
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
      var described = (field.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) { return id.indexOf("-script-error") === -1; });
      field.setAttribute("aria-describedby", described.join(" "));
    });
  }

  function showErrors(errors) {
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var field = form.querySelector('[name="' + name + '"]');
      if (!field || field.type === "hidden") {
        return;
      }
      var note = document.createElement("p");
      note.className = "field-error";
      note.id = field.id + "-script-error";
      note.setAttribute("data-from-script", "");
      note.textContent = errors[name].join(" ");
      field.parentNode.insertBefore(note, field);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute(
        "aria-describedby",
        ((field.getAttribute("aria-describedby") || "") + " " + note.id).trim()
      );
      first = first || field;
    });
    if (first) {
      first.focus();
    }
  }

  function loadSession() {
    if (sessionLoaded) {
      return;
    }
    sessionLoaded = true;
    fetch(form.getAttribute("data-session-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) {
          return;
        }
        if (data.shown_at) {
          stamp.value = data.shown_at;
        }
        if (data.user) {
          var guest = form.querySelector("[data-guest-fields]");
          guest.querySelectorAll(".field").forEach(function (field) {
            field.hidden = true;
          });
          var postingAs = guest.querySelector("[data-posting-as]");
          postingAs.textContent = "Posting as " + data.user + ".";
          postingAs.hidden = false;
        }
      })
      .catch(function () { sessionLoaded = false; });
  }

  function replyTo(link) {
    var comment = link.closest(".comment");
    parentInput.value = link.getAttribute("data-reply-to");
    replyingName.textContent = "Replying to " + link.getAttribute("data-reply-name") + ".";
    replying.hidden = false;
    heading.textContent = "Your reply";
    comment.parentNode.insertBefore(form, comment.nextSibling);
    body.focus();
  }

  function cancelReply() {
    parentInput.value = "";
    replying.hidden = true;
    heading.textContent = "Add a comment";
    home.insertBefore(form, homeNext);
  }

  function insertComment(data) {
    var holder = document.createElement("div");
    holder.innerHTML = data.html; // server-rendered, every reader string escaped
    var item = document.createElement("li");
    while (holder.firstChild) {
      item.appendChild(holder.firstChild);
    }
    var list = data.parent
      ? document.querySelector('[data-replies-to="' + data.parent + '"]')
      : document.querySelector("[data-comment-list]");
    if (!list) {
      return null;
    }
    if (data.parent) {
      list.appendChild(item);
    } else {
      item.className = "comment-thread";
      list.insertBefore(item, list.firstChild);
      var replies = document.createElement("ol");
      replies.className = "comment-replies";
      replies.setAttribute("data-replies-to", String(data.id));
      item.appendChild(replies);
    }
    var empty = document.querySelector("[data-comments-empty]");
    if (empty) {
      empty.remove();
    }
    var total = document.querySelector("[data-comment-total]");
    if (total) {
      var count = (parseInt(total.getAttribute("data-comment-total"), 10) || 0) + 1;
      total.setAttribute("data-comment-total", String(count));
      total.textContent = "(" + count + ")";
    }
    return item.querySelector(".comment");
  }

  form.addEventListener("focusin", loadSession);

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-reply-to]");
    if (link) {
      event.preventDefault();
      replyTo(link);
    } else if (event.target.closest("[data-cancel-reply]")) {
      cancelReply();
    }
  });

  var posting = false;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (posting) {
      return;
    }
    posting = true;
    clearErrors();
    // aria-disabled, not disabled: a disabled button would drop keyboard focus.
    button.setAttribute("aria-disabled", "true");
    say("Posting your comment…", false);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          // Not an answer this script understands: post the ordinary way.
          form.submit();
          return null;
        }
        return response.json();
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        if (data.shown_at) {
          stamp.value = data.shown_at;
        }
        if (!data.ok) {
          var errors = data.errors || {};
          var general = (errors.__all__ || []).join(" ");
          say(general ? data.message + " " + general : data.message, true);
          if (errors.author_name || errors.author_email) {
            // Logged out meanwhile: the guest fields are needed again.
            form.querySelectorAll("[data-guest-fields] .field").forEach(function (field) {
              field.hidden = false;
            });
            form.querySelector("[data-posting-as]").hidden = true;
          }
          showErrors(errors);
          return;
        }
        var inserted = data.html ? insertComment(data) : null;
        var wasReply = Boolean(parentInput.value);
        body.value = "";
        if (wasReply) {
          cancelReply();
        }
        say(data.message, false);
        if (inserted) {
          // Where the reader is looking: their own comment, now in the list.
          inserted.setAttribute("tabindex", "-1");
          inserted.focus();
        } else if (wasReply) {
          // The form went back to its place: so does the focus, on the news.
          statusBox.focus();
        }
      })
      .catch(function () {
        say("Your comment could not be sent. Check your connection and try again; your text is kept.", true);
      })
      .then(function () {
        posting = false;
        button.removeAttribute("aria-disabled");
      });
  });
})();
