/**
 * The script report.html runs: it reads the summary and the chart specs (src/report/charts.ts) from
 * their JSON script elements and draws each chart into its `<svg data-chart>`: axes with ticks and
 * labels, one `<path data-series>` per column (gaps where a value is null), a legend and a hover
 * tooltip. Plain browser JavaScript, no dependencies; a chart with nothing to draw says "no data".
 */
export const CHART_SCRIPT = String.raw`
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 760, H = 260, TOP = 14, BOTTOM = 34, LEFT = 64;
  var summary = JSON.parse(document.getElementById("summary").textContent);
  var specs = JSON.parse(document.getElementById("charts").textContent);
  var series = summary.series || {};
  var columns = Array.isArray(series.columns) ? series.columns : [];
  var rows = Array.isArray(series.rows) ? series.rows : [];
  var intervalS = (series.intervalMs > 0 ? series.intervalMs : 1000) / 1000;
  var tIndex = columns.indexOf("t");

  function svg(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(x, y, content, attrs, parent) {
    var node = svg("text", Object.assign({ x: x, y: y }, attrs || {}), parent);
    node.textContent = content;
    return node;
  }
  function num(v) { return typeof v === "number" && isFinite(v); }

  function timeOf(row, i) { return tIndex >= 0 && num(row[tIndex]) ? row[tIndex] : i * intervalS; }
  function formatTime(s) {
    if (s < 60) return (Math.round(s * 10) / 10) + "s";
    var m = Math.floor(s / 60), rest = Math.round(s - m * 60);
    if (m < 60) return m + "m" + (rest ? rest + "s" : "");
    return Math.floor(m / 60) + "h" + (m % 60 ? (m % 60) + "m" : "");
  }
  function formatValue(v) {
    if (!num(v)) return "–";
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + "M";
    if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + "k";
    if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
    if (a >= 10) return v.toFixed(1);
    return v.toFixed(2);
  }
  // 0 … max in about five "nice" steps (1, 2, 2.5 or 5 × 10^k)
  function niceTicks(max) {
    if (!(max > 0)) max = 1;
    var raw = max / 5, p = Math.pow(10, Math.floor(Math.log10(raw))), step = p;
    [1, 2, 2.5, 5, 10].some(function (m) { step = m * p; return m * p >= raw; });
    var ticks = [];
    for (var v = 0; v < max + step * 0.999; v += step) ticks.push(Math.round(v / step) * step);
    return ticks;
  }
  function timeTicks(min, max) {
    var span = max - min, steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
    var step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) if (span / steps[i] <= 8) { step = steps[i]; break; }
    var ticks = [];
    for (var t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) ticks.push(t);
    return ticks;
  }

  function draw(spec) {
    var root = document.querySelector('svg[data-chart="' + spec.name + '"]');
    if (!root) return;
    var section = root.closest(".chart");
    var legend = section && section.querySelector(".legend");
    var right = spec.right ? 64 : 18;
    var plotW = W - LEFT - right, plotH = H - TOP - BOTTOM;
    root.setAttribute("viewBox", "0 0 " + W + " " + H);

    var lines = spec.lines.map(function (line) {
      var index = columns.indexOf(line.column);
      var values = rows.map(function (row) {
        var v = index >= 0 && Array.isArray(row) ? row[index] : null;
        return num(v) ? v * line.scale : null;
      });
      return { line: line, index: index, values: values, points: values.filter(num).length };
    });
    var drawn = lines.filter(function (l) { return l.points > 0; });

    if (legend) {
      lines.forEach(function (l) {
        var item = document.createElement("span");
        item.className = "item" + (l.points ? "" : " empty");
        var swatch = document.createElement("i");
        swatch.style.background = l.line.color;
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(l.line.label + (l.index < 0 ? " (not recorded)" : l.points ? "" : " (no data)")));
        legend.appendChild(item);
      });
    }
    svg("rect", { x: LEFT, y: TOP, width: plotW, height: plotH, class: "plot" }, root);
    if (drawn.length === 0) {
      text(LEFT + plotW / 2, TOP + plotH / 2, "no data", { class: "no-data", "text-anchor": "middle", "dominant-baseline": "middle" }, root);
      return;
    }

    var times = rows.map(timeOf);
    var t0 = times.reduce(function (a, b) { return Math.min(a, b); }), t1 = times.reduce(function (a, b) { return Math.max(a, b); });
    if (t1 <= t0) t1 = t0 + intervalS;
    function x(t) { return LEFT + ((t - t0) / (t1 - t0)) * plotW; }

    var axes = {};
    ["left", "right"].forEach(function (side) {
      var onSide = drawn.filter(function (l) { return l.line.axis === side; });
      if (!onSide.length && !(side === "left")) return;
      var max = 0;
      onSide.forEach(function (l) { l.values.forEach(function (v) { if (v !== null && v > max) max = v; }); });
      var ticks = niceTicks(max);
      var top = ticks[ticks.length - 1];
      axes[side] = { ticks: ticks, y: function (v) { return TOP + plotH - (v / top) * plotH; } };
    });
    if (!axes.right) axes.right = axes.left;

    var grid = svg("g", { class: "grid" }, root);
    var leftAxis = svg("g", { class: "axis left" }, root);
    axes.left.ticks.forEach(function (v) {
      var y = axes.left.y(v);
      svg("line", { x1: LEFT, x2: LEFT + plotW, y1: y, y2: y }, grid);
      text(LEFT - 8, y, formatValue(v), { "text-anchor": "end", "dominant-baseline": "middle" }, leftAxis);
    });
    text(14, TOP + plotH / 2, spec.left.unit, { class: "unit", transform: "rotate(-90 14 " + (TOP + plotH / 2) + ")", "text-anchor": "middle" }, leftAxis);
    if (spec.right && axes.right !== axes.left) {
      var rightAxis = svg("g", { class: "axis right" }, root);
      axes.right.ticks.forEach(function (v) {
        text(LEFT + plotW + 8, axes.right.y(v), formatValue(v), { "dominant-baseline": "middle" }, rightAxis);
      });
      var rx = W - 12;
      text(rx, TOP + plotH / 2, spec.right.unit, { class: "unit", transform: "rotate(90 " + rx + " " + (TOP + plotH / 2) + ")", "text-anchor": "middle" }, rightAxis);
    }
    var bottomAxis = svg("g", { class: "axis bottom" }, root);
    svg("line", { x1: LEFT, x2: LEFT + plotW, y1: TOP + plotH, y2: TOP + plotH, class: "baseline" }, bottomAxis);
    timeTicks(t0, t1).forEach(function (t) {
      var tx = x(t);
      svg("line", { x1: tx, x2: tx, y1: TOP + plotH, y2: TOP + plotH + 5 }, bottomAxis);
      text(tx, TOP + plotH + 18, formatTime(t), { "text-anchor": "middle" }, bottomAxis);
    });

    drawn.forEach(function (l) {
      var y = axes[l.line.axis] ? axes[l.line.axis].y : axes.left.y;
      var d = [], pen = false, isolated = [];
      l.values.forEach(function (v, i) {
        if (v === null) { pen = false; return; }
        var px = x(times[i]).toFixed(1), py = y(v).toFixed(1);
        d.push((pen ? "L" : "M") + px + " " + py);
        var prev = i > 0 ? l.values[i - 1] : null, next = i + 1 < l.values.length ? l.values[i + 1] : null;
        if (prev === null && next === null) isolated.push([px, py]);
        pen = true;
      });
      svg("path", { d: d.join(" "), "data-series": l.line.column, stroke: l.line.color, class: "line" }, root);
      isolated.forEach(function (p) { svg("circle", { cx: p[0], cy: p[1], r: 2.5, fill: l.line.color }, root); });
    });

    // hover: a rule at the nearest second and its values
    var rule = svg("line", { class: "rule", y1: TOP, y2: TOP + plotH, visibility: "hidden" }, root);
    var tip = document.createElement("div");
    tip.className = "tip";
    tip.hidden = true;
    if (section) section.appendChild(tip);
    var overlay = svg("rect", { x: LEFT, y: TOP, width: plotW, height: plotH, class: "overlay" }, root);
    overlay.addEventListener("mousemove", function (event) {
      var box = root.getBoundingClientRect();
      var vx = ((event.clientX - box.left) / box.width) * W;
      var t = t0 + ((vx - LEFT) / plotW) * (t1 - t0), best = 0;
      times.forEach(function (tt, i) { if (Math.abs(tt - t) < Math.abs(times[best] - t)) best = i; });
      var rx = x(times[best]);
      rule.setAttribute("x1", rx);
      rule.setAttribute("x2", rx);
      rule.setAttribute("visibility", "visible");
      tip.textContent = "";
      var head = document.createElement("b");
      head.textContent = formatTime(times[best]);
      tip.appendChild(head);
      drawn.forEach(function (l) {
        var row = document.createElement("div");
        row.textContent = l.line.label + ": " + formatValue(l.values[best]);
        row.style.color = l.line.color;
        tip.appendChild(row);
      });
      tip.hidden = false;
      var sectionBox = section.getBoundingClientRect();
      tip.style.left = Math.min(event.clientX - sectionBox.left + 14, sectionBox.width - 150) + "px";
      tip.style.top = (event.clientY - sectionBox.top + 10) + "px";
    });
    overlay.addEventListener("mouseleave", function () {
      rule.setAttribute("visibility", "hidden");
      tip.hidden = true;
    });
  }

  specs.forEach(function (spec) {
    try {
      draw(spec);
    } catch (error) {
      var root = document.querySelector('svg[data-chart="' + spec.name + '"]');
      if (root) text(W / 2, H / 2, "chart failed: " + error.message, { class: "no-data", "text-anchor": "middle" }, root);
      throw error;
    }
  });
})();
`;
