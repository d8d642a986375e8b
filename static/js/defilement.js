// A table wider than the screen scrolls inside its .table-responsive box. A keyboard user can scroll such a box
// only if it takes the focus: the box then gets tabindex="0" and a name (its table's caption) while, and only
// while, it is wider than its content area. Boxes whose template already made them focusable are left alone.
(function () {
  "use strict";

  function name(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return text || "Tableau défilant";
  }

  function update(box) {
    if (box.dataset.defilementFixe === undefined) {
      box.dataset.defilementFixe = box.hasAttribute("tabindex") ? "1" : "";
    }
    if (box.dataset.defilementFixe) {
      return;
    }
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", name(box));
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }

  function updateAll() {
    document.querySelectorAll(".table-responsive").forEach(update);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(updateAll, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", updateAll);
  } else {
    updateAll();
  }
})();
