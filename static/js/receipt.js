// The receipt page's copy and print buttons.  Without this file the page still shows the
// code (selectable with one click) and says how to print it; the buttons stay hidden.
(function () {
  "use strict";
  var box = document.querySelector("[data-receipt]");
  if (!box) { return; }
  var code = box.querySelector("[data-receipt-code]");
  var status = box.querySelector("[data-receipt-status]");
  var copy = box.querySelector("[data-receipt-copy]");
  var print = box.querySelector("[data-receipt-print]");
  var hint = box.querySelector("[data-receipt-print-hint]");

  function say(text) { if (status) { status.textContent = text; } }

  function selectCode() {
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  if (copy && code) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = code.textContent.trim();
      var done = function () { say(copy.getAttribute("data-done")); };
      var failed = function () { selectCode(); say(copy.getAttribute("data-failed")); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        selectCode();
        try { if (document.execCommand("copy")) { done(); } else { failed(); } }
        catch (error) { failed(); }
      }
    });
  }
  if (print) {
    print.hidden = false;
    if (hint) { hint.hidden = true; }
    print.addEventListener("click", function () { window.print(); });
  }
})();
