// owngraph report: zoom and pan, search, share threshold, collapse, chains of a holder.
// Runs offline; reads only the data-* attributes of the diagram and of the tables.
(function () {
  "use strict";
  var fig = document.getElementById("diagram-view");
  var svg = fig ? fig.querySelector("svg") : null;
  if (!svg) { return; }
  document.documentElement.classList.add("js");
  var all = function (root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
  var nodes = all(svg, "g.node[data-node]");
  var edges = all(svg, "[data-relation]");
  var byKey = {};
  nodes.forEach(function (n) { byKey[n.getAttribute("data-node")] = n; });
  var parts = function (el) { return document.querySelectorAll("#" + el.id + ", [data-edge=\"" + el.id + "\"]"); };
  var roles = function (n) { return " " + (n.getAttribute("data-roles") || "") + " "; };
  var target = nodes.filter(function (n) { return roles(n).indexOf(" target ") >= 0; })[0];

  // Zoom and pan by the viewBox, so the picture stays sharp.
  var vb = svg.viewBox.baseVal;
  var home = vb && vb.width ? { x: vb.x, y: vb.y, w: vb.width, h: vb.height } : null;
  function view(x, y, w, h) { svg.setAttribute("viewBox", [x, y, w, h].join(" ")); }
  function zoom(f, cx, cy) {
    if (!home) { return; }
    var b = svg.viewBox.baseVal;
    var w = Math.min(Math.max(b.width * f, home.w / 40), home.w * 4);
    var h = w * b.height / b.width;
    if (cx === undefined) { cx = b.x + b.width / 2; cy = b.y + b.height / 2; }
    view(cx - (cx - b.x) * w / b.width, cy - (cy - b.y) * h / b.height, w, h);
  }
  function point(ev) {
    var r = svg.getBoundingClientRect(), b = svg.viewBox.baseVal;
    var s = Math.max(b.width / r.width, b.height / r.height);
    var ox = (r.width * s - b.width) / 2, oy = (r.height * s - b.height) / 2;
    return { x: b.x - ox + (ev.clientX - r.left) * s, y: b.y - oy + (ev.clientY - r.top) * s, s: s };
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = point(ev);
    zoom(ev.deltaY < 0 ? 0.85 : 1 / 0.85, p.x, p.y);
  }, { passive: false });
  var drag = null, moved = false;
  svg.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, b: { x: svg.viewBox.baseVal.x, y: svg.viewBox.baseVal.y } };
    moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) { return; }
    var p = point(ev), dx = (ev.clientX - drag.x) * p.s, dy = (ev.clientY - drag.y) * p.s;
    if (Math.abs(dx) + Math.abs(dy) > 3 * p.s) { moved = true; }
    var b = svg.viewBox.baseVal;
    view(drag.b.x - dx, drag.b.y - dy, b.width, b.height);
  });
  window.addEventListener("pointerup", function () { drag = null; });
  function fit() { if (home) { view(home.x, home.y, home.w, home.h); } }
  function focusOn(n) {
    if (!home || !n.getBBox) { return; }
    var bb = n.getBBox(), m = n.getCTM(), r = svg.getCTM();
    if (!m || !r) { return; }
    var t = r.inverse().multiply(m);
    var cx = t.a * (bb.x + bb.width / 2) + t.c * (bb.y + bb.height / 2) + t.e;
    var cy = t.b * (bb.x + bb.width / 2) + t.d * (bb.y + bb.height / 2) + t.f;
    var b = svg.viewBox.baseVal;
    var w = Math.min(b.width, Math.max(bb.width * 6, home.w / 3, 700)), h = w * b.height / b.width;
    view(cx - w / 2, cy - h / 2, w, h);
  }

  // Selection: the chains that carry a holder's share and the control chains it heads.
  var details = document.getElementById("diagram-details");
  function clear() {
    svg.classList.remove("focus");
    all(svg, ".sel, .hl-share, .hl-control, .hl-node").forEach(function (el) {
      el.classList.remove("sel", "hl-share", "hl-control", "hl-node");
    });
    all(document, "tr.sel").forEach(function (el) { el.classList.remove("sel"); });
    if (details) { details.textContent = details.getAttribute("data-empty") || ""; }
  }
  function mark(list, cls) {
    (list || "").split(" ").filter(Boolean).forEach(function (id) {
      Array.prototype.forEach.call(parts({ id: id }), function (el) { el.classList.add(cls); });
      var e = document.getElementById(id);
      if (e) {
        [byKey[e.getAttribute("data-from")], byKey[e.getAttribute("data-to")]].forEach(function (n) {
          if (n) { n.classList.add("hl-node"); }
        });
      }
    });
  }
  function select(n, center) {
    clear();
    if (!n) { return; }
    svg.classList.add("focus");
    n.classList.add("sel");
    mark(n.getAttribute("data-carries"), "hl-share");
    mark(n.getAttribute("data-heads"), "hl-control");
    var party = n.getAttribute("data-party");
    if (party) {
      all(document, "tr[data-party]").forEach(function (tr) {
        if (tr.getAttribute("data-party") === party) { tr.classList.add("sel"); }
      });
    }
    var t = n.querySelector("title");
    if (details && t) { details.textContent = t.textContent; }
    if (center) { focusOn(n); }
  }
  nodes.forEach(function (n) {
    n.addEventListener("click", function (ev) { ev.stopPropagation(); if (!moved) { select(n, false); } });
    n.addEventListener("dblclick", function (ev) { ev.stopPropagation(); toggle(n); });
  });
  svg.addEventListener("click", function () { if (!moved) { clear(); } });
  all(document, "tr[data-party]").forEach(function (tr) {
    tr.addEventListener("click", function () {
      var n = nodes.filter(function (x) { return x.getAttribute("data-party") === tr.getAttribute("data-party"); })[0];
      if (n) { select(n, true); fig.scrollIntoView({ block: "nearest" }); }
    });
  });

  // What is drawn: the share threshold and collapsed companies, applied together.
  var threshold = 0, collapsed = {};
  var keep = /\s(target|controller|foreign-controller|potential-controller|disclosed|largest)\s/;
  function apply() {
    var hidden = {};
    nodes.forEach(function (n) {
      var s = n.getAttribute("data-share");
      if (s !== null && parseFloat(s) < threshold && !keep.test(roles(n))) { hidden[n.getAttribute("data-node")] = true; }
    });
    // What reaches the target through drawn nodes, up from the target (a worklist).
    var up = {};
    edges.forEach(function (e) {
      var to = e.getAttribute("data-to");
      (up[to] = up[to] || []).push(e.getAttribute("data-from"));
    });
    var seen = {}, work = target ? [target.getAttribute("data-node")] : [];
    if (target) { seen[work[0]] = true; }
    while (work.length) {
      var v = work.pop();
      if (collapsed[v]) { continue; }
      (up[v] || []).forEach(function (h) {
        if (!seen[h] && !hidden[h]) { seen[h] = true; work.push(h); }
      });
    }
    // An intermediate company none of whose holders is drawn goes too.
    var changed = true, rounds = 0;
    while (changed && rounds < nodes.length) {
      changed = false; rounds++;
      nodes.forEach(function (n) {
        var k = n.getAttribute("data-node");
        if (!seen[k] || collapsed[k] || !/\sintermediate\s/.test(roles(n)) || keep.test(roles(n))) { return; }
        var any = (up[k] || []).some(function (h) { return seen[h]; });
        if (!any && (up[k] || []).length) { seen[k] = false; changed = true; }
      });
    }
    var shown = 0;
    nodes.forEach(function (n) {
      var on = !!seen[n.getAttribute("data-node")];
      n.classList.toggle("gone", !on);
      n.classList.toggle("collapsed", !!collapsed[n.getAttribute("data-node")]);
      if (on) { shown++; }
    });
    edges.forEach(function (e) {
      var on = seen[e.getAttribute("data-from")] && seen[e.getAttribute("data-to")] && !collapsed[e.getAttribute("data-to")];
      Array.prototype.forEach.call(parts(e), function (el) { el.classList.toggle("gone", !on); });
    });
    var c = document.getElementById("diagram-count");
    if (c) { c.textContent = shown + " / " + nodes.length; }
  }
  function toggle(n) {
    var k = n.getAttribute("data-node");
    if (collapsed[k]) { delete collapsed[k]; } else if (n !== target) { collapsed[k] = true; }
    apply();
  }

  // Controls.
  var byId = function (id) { return document.getElementById(id); };
  var slider = byId("diagram-threshold"), sliderText = byId("diagram-threshold-value");
  function setThreshold(v) {
    threshold = v;
    if (slider) { slider.value = String(v); }
    if (sliderText) { sliderText.textContent = String(v).replace(".", sliderText.getAttribute("data-comma") ? "," : ".") + " %"; }
    apply();
  }
  if (slider) { slider.addEventListener("input", function () { setThreshold(parseFloat(slider.value)); }); }
  var search = byId("diagram-search"), found = byId("diagram-found");
  function find(q) {
    q = (q || "").trim().toLowerCase();
    var hits = [];
    nodes.forEach(function (n) {
      var hit = q.length > 0 && (n.getAttribute("data-search") || "").indexOf(q) >= 0;
      n.classList.toggle("match", hit);
      if (hit) { hits.push(n); }
    });
    if (found) { found.textContent = q ? String(hits.length) : ""; }
    if (hits.length === 1) { select(hits[0], true); }
    return hits;
  }
  if (search) { search.addEventListener("input", function () { find(search.value); }); }
  var button = function (id, f) { var b = byId(id); if (b) { b.addEventListener("click", f); } };
  button("diagram-zoom-in", function () { zoom(0.8); });
  button("diagram-zoom-out", function () { zoom(1.25); });
  button("diagram-fit", fit);
  button("diagram-expand", function () { collapsed = {}; setThreshold(0); });
  button("diagram-collapse", function () {
    var n = svg.querySelector("g.node.sel");
    if (n) { toggle(n); }
  });
  window.addEventListener("beforeprint", fit);

  // A link can say what to show: #party=<id>&threshold=<percent>&search=<text>&collapse=<id>.
  function fromHash() {
    var h = decodeURIComponent((location.hash || "").replace(/^#/, ""));
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("="), k = kv.slice(0, i), v = kv.slice(i + 1);
      if (k === "collapse" && byKey[v]) { collapsed[v] = true; }
      if (k === "threshold") { setThreshold(parseFloat(v) || 0); }
      if (k === "search" && search) { search.value = v; find(v); }
    });
    apply();
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("="), k = kv.slice(0, i), v = kv.slice(i + 1);
      var n = nodes.filter(function (x) { return x.getAttribute("data-party") === v || x.getAttribute("data-node") === v; })[0];
      if (k === "party" && n) { select(n, true); }
      // A real click on the node, as a mouse gives it (the browser tests use this).
      if (k === "click" && n) { n.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true })); }
    });
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.documentElement.setAttribute("data-ready", "1");
})();
