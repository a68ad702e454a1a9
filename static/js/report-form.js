/*
 * Improves the report form where JavaScript runs; the form works fully without it.
 * - A live character count for fields with a maxlength (announced politely, not per key).
 * - The number of ticked targets beside each goal's heading.
 * - Long texts (data-maxlength, no maxlength so that a paste is never cut short): a warning
 *   when a text is too long, and the form is not sent until it is shortened, so the text
 *   stays in the browser. The server checks the same limit.
 */
(function () {
  "use strict";

  function countCharacters(textarea) {
    var max = parseInt(textarea.getAttribute("maxlength"), 10);
    var output = document.createElement("p");
    output.className = "char-count";
    output.id = textarea.id + "_count";
    output.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", output);
    var describedBy = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + output.id);
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
    var template = document.documentElement.lang === "en" ? " ({n} chosen)" : " ({n} valda)";
    function update() {
      var n = group.querySelectorAll("input[type=checkbox]:checked").length;
      badge.textContent = n ? template.replace("{n}", n) : "";
    }
    group.addEventListener("change", update);
    update();
  }

  function limitLongText(textarea) {
    var max = parseInt(textarea.getAttribute("data-maxlength"), 10);
    var output = document.createElement("p");
    output.className = "char-count char-count--over";
    output.id = textarea.id + "_limit";
    output.setAttribute("aria-live", "polite");
    output.hidden = true;
    textarea.insertAdjacentElement("afterend", output);
    var describedBy = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + output.id);
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
    textarea.form.addEventListener("submit", function (event) {
      if (!update()) {
        event.preventDefault();
        textarea.focus();
      }
    });
  }

  document.querySelectorAll(".report-form textarea[maxlength]").forEach(countCharacters);
  document.querySelectorAll(".report-form textarea[data-maxlength]").forEach(limitLongText);
  document.querySelectorAll(".report-form .target-group").forEach(countTicked);
})();
