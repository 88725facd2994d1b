// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // Forms marked data-autosubmit submit when a select changes; the button stays for no-JS.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    var button = form.querySelector("[data-autosubmit-button]");
    if (button) { button.classList.add("d-none"); }
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  });
  // A table wider than its box scrolls sideways: make the box focusable and named, so a
  // keyboard user can scroll it too (WCAG 2.1.1); checked again when the window resizes.
  function markScrollableTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var heading = box.closest("section, .card, main");
          heading = heading && heading.querySelector("h1, h2, h3, caption");
          box.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  markScrollableTables();
  window.addEventListener("resize", markScrollableTables);
  // Buttons with data-confirm ask before submitting their form.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // 更多 in the header closes on a click elsewhere or Escape (it opens and closes by itself).
  document.querySelectorAll("[data-testid=nav-more]").forEach(function (more) {
    document.addEventListener("click", function (event) {
      if (more.open && !more.contains(event.target)) { more.open = false; }
    });
    more.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && more.open) {
        more.open = false;
        more.querySelector("summary").focus();
      }
    });
  });
})();
