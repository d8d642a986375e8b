/* Entry grid of II.1: live totals, ratios and evolution; Enter/arrows down the column; paste of a
   spreadsheet block. The server recomputes everything on save (activites/aggregation.py): this script
   only mirrors it for the person typing. */
(function () {
  "use strict";

  var NBSP = "\u00a0";

  // The server's reading (caisses.numbers.parse_nombre): groups of three digits separated by a space, a no-break,
  // narrow no-break or thin space, a comma or a point as decimal mark, a sign (+, -, −).
  var NOMBRE = /^([-+\u2212]?)([0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+|[0-9]*)(?:[.,]([0-9]*))?$/;

  function parseNombre(text) {
    if (text === undefined || text === null) return null;
    var cleaned = String(text).replace(/^[\s\u00a0\u202f\u2009]+|[\s\u00a0\u202f\u2009]+$/g, "");
    if (cleaned === "") return null;
    var match = NOMBRE.exec(cleaned);
    if (!match || !(match[2] || match[3])) return NaN;
    var value = parseFloat((match[2].replace(/[ \u00a0\u202f\u2009]/g, "") || "0") + "." + (match[3] || "0"));
    return match[1] === "-" || match[1] === "\u2212" ? -value : value;
  }

  function formatNombre(value, decimals) {
    if (value === null || isNaN(value)) return "—";
    var fixed = Math.abs(value).toFixed(decimals);
    var parts = fixed.split(".");
    var integer = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
    var sign = value < 0 && Number(fixed) !== 0 ? "\u2212" : "";  // the minus sign, as caisses.numbers prints it
    return sign + integer + (parts[1] ? "," + parts[1] : "");
  }

  function formatPourcent(value, decimals) {
    if (value === null || isNaN(value)) return "non calculable";
    return formatNombre(value, decimals) + NBSP + "%";
  }

  // The same text as caisses.numbers.format_variation: a rate ("taux") moves in points, the difference of the
  // two rates as printed at one decimal (« -4,7 pts », « pt » below 2); a count moves in % of N−1.
  function formatEvolution(current, previous, kind) {
    if (current === null || previous === null || isNaN(current) || isNaN(previous)) return "non calculable";
    if (kind === "taux") {
      var points = Math.round(current * 10) / 10 - Math.round(previous * 10) / 10;
      var rounded = Number(points.toFixed(1));
      var unit = Math.abs(rounded) >= 2 ? "pts" : "pt";
      return (rounded > 0 ? "+" : "") + formatNombre(rounded, 1) + NBSP + unit;
    }
    if (previous === 0) return "non calculable";
    var value = ((current - previous) / previous) * 100;
    var text = formatPourcent(value, 2);
    return Number(value.toFixed(2)) > 0 ? "+" + text : text;
  }

  function ratio(num, den) {
    if (num === null || den === null || isNaN(num) || isNaN(den) || den === 0) return null;
    return (num / den) * 100;
  }

  function sumOf(values) {
    var present = values.filter(function (v) { return v !== null && !isNaN(v); });
    if (!present.length) return null;
    return present.reduce(function (a, b) { return a + b; }, 0);
  }

  function init(form) {
    var announce = form.querySelector("[data-grille-annonce]");

    // A unit's cells say nothing of their column: its header does (data-col, and data-ratio, data-num and
    // data-den or data-somme for a computed one), so each row's n-th <td> is the n-th header's indicator.
    var tables = Array.prototype.map.call(form.querySelectorAll("table.grille"), function (table) {
      return {
        columns: Array.prototype.slice.call(table.querySelectorAll("thead th[data-col]")),
        rows: Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-row]"))
      };
    });

    function cellsOf(tr) {
      return tr.querySelectorAll("td");
    }

    // Values of the entered données: {row: {col: number|null}}, read from inputs and read-only cells.
    function rowValues() {
      var rows = {};
      tables.forEach(function (table) {
        table.rows.forEach(function (tr) {
          var row = rows[tr.dataset.row] || (rows[tr.dataset.row] = {});
          cellsOf(tr).forEach(function (td, i) {
            var col = table.columns[i].dataset.col;
            var input = td.querySelector("input");
            var span = td.querySelector("[data-value]");
            if (input) row[col] = parseNombre(input.value);
            else if (span) row[col] = parseNombre(span.dataset.value);
          });
        });
      });
      return rows;
    }

    function totals(rows) {
      var result = {};
      var region = rows.region || {};
      form.querySelectorAll("td[data-total-col]").forEach(function (td) {
        var col = td.dataset.totalCol;
        if (td.querySelector("[data-ratio]") || td.querySelector("[data-somme]")) return;
        var mode = td.dataset.agregation;
        var values = Object.keys(rows).map(function (key) { return rows[key][col]; });
        if (mode === "aucune") {
          result[col] = region[col] === undefined ? null : region[col];
        } else if (mode === "moyenne_ponderee") {
          var weight = 0, total = 0;
          Object.keys(rows).forEach(function (key) {
            var v = rows[key][col], w = rows[key][td.dataset.poids];
            if (v !== null && w !== null && v !== undefined && w !== undefined && !isNaN(v) && !isNaN(w)) {
              weight += w; total += v * w;
            }
          });
          result[col] = weight ? total / weight : null;
        } else {
          result[col] = sumOf(values.filter(function (v) { return v !== undefined; }));
        }
      });
      return result;
    }

    // `el` shows the figure derived from `figures` as `how` (a column's header, or el itself) says.
    function derived(el, figures, how) {
      how = how || el;
      if (how.hasAttribute("data-ratio")) {
        var num = val(figures[how.dataset.num]), den = val(figures[how.dataset.den]);
        var value = ratio(num, den);
        // Nothing entered yet: a dash; "non calculable" is for a zero or missing denominator.
        el.textContent = num === null && den === null ? "—" : formatPourcent(value, 1);
        return value;
      }
      var terms = how.dataset.somme.split(" ").map(function (code) { return val(figures[code]); });
      var sum = sumOf(terms);
      el.textContent = formatNombre(sum, 0);
      return sum;
    }

    function val(v) { return v === undefined ? null : v; }

    function recompute() {
      var rows = rowValues();
      tables.forEach(function (table) {
        table.columns.forEach(function (th, i) {
          if (!th.hasAttribute("data-ratio") && !th.hasAttribute("data-somme")) return;
          table.rows.forEach(function (tr) {
            derived(cellsOf(tr)[i].firstElementChild, rows[tr.dataset.row] || {}, th);
          });
        });
      });
      var tot = totals(rows);
      form.querySelectorAll("td[data-total-col]").forEach(function (td) {
        var strong = td.querySelector("[data-total]");
        var value;
        if (strong.hasAttribute("data-ratio") || strong.hasAttribute("data-somme")) {
          value = derived(strong, tot);
        } else {
          value = val(tot[td.dataset.totalCol]);
          strong.textContent = formatNombre(value, Number(strong.dataset.decimales || 0));
        }
        var evolution = td.querySelector("[data-evolution]");
        if (evolution) evolution.textContent = formatEvolution(
            value, parseNombre(evolution.dataset.n1), evolution.dataset.evolution
          );
      });
    }

    // The inputs of one table as a matrix [row][col] (rows the user may edit only).
    function matrix(table) {
      return Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (tr) {
        return Array.prototype.slice.call(tr.querySelectorAll("input.grille-saisie"));
      }).filter(function (row) { return row.length; });
    }

    function position(input) {
      var m = matrix(input.closest("table"));
      for (var r = 0; r < m.length; r++) {
        var c = m[r].indexOf(input);
        if (c >= 0) return { m: m, r: r, c: c };
      }
      return null;
    }

    function move(input, delta) {
      var pos = position(input);
      if (!pos) return;
      var row = pos.m[pos.r + delta];
      if (row && row[pos.c]) {
        row[pos.c].focus();
        row[pos.c].select();
      }
    }

    form.addEventListener("input", function (event) {
      if (event.target.matches("input.grille-saisie")) {
        var bad = isNaN(parseNombre(event.target.value));
        event.target.classList.toggle("is-invalid", bad);
        recompute();
      }
    });

    form.addEventListener("keydown", function (event) {
      if (!event.target.matches("input.grille-saisie")) return;
      if (event.key === "Enter" || event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        move(event.target, event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey) ? -1 : 1);
      }
    });

    form.addEventListener("paste", function (event) {
      var input = event.target;
      if (!input.matches("input.grille-saisie")) return;
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!/[\t\n]/.test(text)) return;
      event.preventDefault();
      var lines = text.replace(/\r/g, "").split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      var pos = position(input);
      var filled = 0, ignored = 0;
      lines.forEach(function (line, i) {
        line.split("\t").forEach(function (cell, j) {
          var row = pos.m[pos.r + i];
          var target = row && row[pos.c + j];
          if (target) {
            target.value = cell.trim();
            target.classList.toggle("is-invalid", isNaN(parseNombre(target.value)));
            filled++;
          } else {
            ignored++;
          }
        });
      });
      recompute();
      if (announce) {
        announce.textContent = filled + " case(s) collée(s)" + (ignored ? ", " + ignored + " valeur(s) hors de vos lignes ignorée(s)" : "") + ".";
      }
    });

    recompute();
  }

  // A finding's link ends with the cell's id (#cellule-…): focus that cell and mark it, on load and when the
  // link points into the page already shown.
  function target() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (id.indexOf("cellule-") !== 0) return;
    var el = document.getElementById(id);
    if (!el || !el.closest("form[data-grille]")) return;
    document.querySelectorAll(".cellule-ciblee").forEach(function (td) { td.classList.remove("cellule-ciblee"); });
    var td = el.closest("td");
    if (td) td.classList.add("cellule-ciblee");
    if (!el.matches("input, textarea, select, button, a[href]")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center", inline: "center" });
    if (el.select) el.select();
  }

  document.querySelectorAll("form[data-grille]").forEach(init);
  target();
  window.addEventListener("hashchange", target);
})();
