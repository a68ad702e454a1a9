/*
 * Improves the report form where JavaScript runs; the form works fully without it.
 * - A live character count for fields with a maxlength (announced politely, not per key).
 * - The number of ticked targets beside each goal's heading.
 * - Attachments: the chosen files are checked against the stated limits (type, size, length
 *   of the name) when they are chosen, and the form is not sent while one breaks them; the
 *   server checks the same, and reads the type from the content.
 * - Long texts (data-maxlength, no maxlength so that a paste is never cut short): a warning
 *   when a text is too long, and the form is not sent until it is shortened, so the text
 *   stays in the browser. The server checks the same limit.
 */
(function () {
  "use strict";

  // A message after a field, announced politely and named by the field's description.
  function messageAfter(field, tag, className, suffix) {
    var output = document.createElement(tag);
    output.className = className;
    output.id = field.id + suffix;
    output.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", output);
    var describedBy = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + output.id);
    return output;
  }

  // The form is not sent while check() finds a problem; the field gets the focus.
  function holdFormUntil(field, check) {
    field.form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        field.focus();
      }
    });
  }

  function countCharacters(textarea) {
    var max = parseInt(textarea.getAttribute("maxlength"), 10);
    var output = messageAfter(textarea, "p", "char-count", "_count");
    var template = document.documentElement.lang === "en"
      ? "{n} of {max} characters left"
      : "{n} av {max} tecken kvar";
    var timer = null;
    function update() {
      var left = max - textarea.value.length;
      output.textContent = template.replace("{n}", left).replace("{max}", max);
    }
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
    update();
  }

  function countTicked(group) {
    var summary = group.querySelector("summary");
    var badge = document.createElement("span");
    badge.className = "target-group__count";
    summary.appendChild(badge);
    var english = document.documentElement.lang === "en";
    function update() {
      var n = group.querySelectorAll("input[type=checkbox]:checked").length;
      var words = english ? "chosen" : n === 1 ? "vald" : "valda";
      badge.textContent = n ? " (" + n + " " + words + ")" : "";
    }
    group.addEventListener("change", update);
    update();
  }

  function limitLongText(textarea) {
    var max = parseInt(textarea.getAttribute("data-maxlength"), 10);
    var output = messageAfter(textarea, "p", "char-count char-count--over", "_limit");
    output.hidden = true;
    var template = document.documentElement.lang === "en"
      ? "{n} characters too many: shorten the text to send the form."
      : "{n} tecken för mycket: korta texten för att kunna skicka formuläret.";
    function update() {
      var over = textarea.value.length - max;
      output.hidden = over <= 0;
      output.textContent = over > 0 ? template.replace("{n}", over) : "";
      return over <= 0;
    }
    textarea.addEventListener("change", update);
    holdFormUntil(textarea, update);
  }

  function checkFiles(input) {
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    var maxName = parseInt(input.getAttribute("data-max-name"), 10);
    var accepted = (input.getAttribute("accept") || "").split(",").filter(function (a) {
      return a.charAt(0) === ".";
    });
    var english = document.documentElement.lang === "en";
    var output = messageAfter(input, "div", "upload-check", "_check");
    function megabytes(bytes) {
      return (bytes / 1048576).toFixed(1).replace(".", english ? "." : ",") + " MB";
    }
    function problems() {
      var found = [];
      Array.prototype.forEach.call(input.files || [], function (file) {
        var dot = file.name.lastIndexOf(".");
        var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
        if (file.name.length > maxName) {
          found.push(english
            ? "The name of “" + file.name.slice(0, 40) + "…” is longer than " + maxName + " characters."
            : "Namnet på ”" + file.name.slice(0, 40) + "…” är längre än " + maxName + " tecken.");
        } else if (accepted.length && accepted.indexOf(extension) === -1) {
          found.push(english
            ? "“" + file.name + "” is not one of the file types listed."
            : "”" + file.name + "” är inte av någon av de filtyper som anges.");
        } else if (file.size > maxBytes) {
          found.push(english
            ? "“" + file.name + "” is " + megabytes(file.size) + "; at most " + megabytes(maxBytes) + "."
            : "”" + file.name + "” är " + megabytes(file.size) + "; högst " + megabytes(maxBytes) + ".");
        }
      });
      return found;
    }
    function update() {
      var found = problems();
      output.textContent = "";
      found.forEach(function (text) {
        var line = document.createElement("p");
        line.textContent = text;
        output.appendChild(line);
      });
      return found.length === 0;
    }
    input.addEventListener("change", update);
    holdFormUntil(input, update);
  }

  document.querySelectorAll(".report-form textarea[maxlength]").forEach(countCharacters);
  document.querySelectorAll(".report-form input[type=file][data-max-bytes]").forEach(checkFiles);
  document.querySelectorAll(".report-form textarea[data-maxlength]").forEach(limitLongText);
  document.querySelectorAll(".report-form .target-group").forEach(countTicked);
})();
