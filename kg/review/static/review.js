// kg review: keyboard first. j/k move between facts (or merge candidates), a/r accept/reject the
// current fact, m merges the current candidate keeping its first name, n adds a fact from the
// selected text. Every change is a POST to /api/action with the page's token in a header; the
// server writes it to the curation log, and the graph changes at the next `kg build`.
// Text from the page is only ever set with textContent or form values, never as HTML.
(function () {
  "use strict";
  var tokenMeta = document.querySelector('meta[name="kg-review-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var statusBox = document.getElementById("status");

  function say(text, bad) {
    if (!statusBox) return;
    statusBox.textContent = text;
    statusBox.className = bad ? "bad" : "good";
  }

  function post(action) {
    return fetch("/api/action", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Review-Token": token },
      body: JSON.stringify(action)
    }).then(function (r) {
      return r.text().then(function (body) {
        var data = {};
        try { data = JSON.parse(body); } catch (e) { data = { error: body.trim() }; }
        if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
        var pending = document.getElementById("pending");
        if (pending && data.corrections !== undefined) pending.textContent = String(data.corrections);
        return data;
      });
    });
  }

  // ---- the list of facts (report page) or candidates (merge list) ----
  var list = document.getElementById("facts");
  var current = -1;

  function rows() {
    if (!list) return [];
    return Array.prototype.filter.call(list.querySelectorAll("li.fact"), function (li) { return !li.hidden; });
  }

  function scrollBox(el) {
    // the nearest ancestor that scrolls (a pane of the report page), else null: the window scrolls
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      var o = getComputedStyle(p).overflowY;
      if ((o === "auto" || o === "scroll") && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  }

  function reveal(el, centre) {
    // scroll only the element's own pane, so the other pane and the page stay where they are
    var box = scrollBox(el);
    if (!box) { el.scrollIntoView({ block: centre ? "center" : "nearest" }); return; }
    var r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (centre) box.scrollTop += r.top - b.top - b.height / 3;
    else if (r.top < b.top) box.scrollTop -= b.top - r.top + 8;
    else if (r.bottom > b.bottom) box.scrollTop += Math.min(r.bottom - b.bottom + 8, r.top - b.top);
  }

  function lightSentences(li) {
    var text = document.getElementById("text");
    if (!text) return;
    Array.prototype.forEach.call(text.querySelectorAll(".lit"), function (el) { el.classList.remove("lit"); });
    if (!li || !li.dataset.evidence) return;
    var spans = JSON.parse(li.dataset.evidence), first = null;
    Array.prototype.forEach.call(text.querySelectorAll("span[data-o]"), function (el) {
      var o = Number(el.dataset.o);
      for (var i = 0; i < spans.length; i++) {
        if (o >= spans[i][0] && o < spans[i][1]) {
          el.classList.add("lit");
          if (!first) first = el;
          break;
        }
      }
    });
    if (first) reveal(first, true);
  }

  function select(i) {
    var all = rows();
    if (!all.length) return;
    i = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (li) { li.classList.remove("current"); });
    current = i;
    var li = all[i];
    li.classList.add("current");
    li.setAttribute("aria-current", "true");
    li.focus({ preventScroll: true });
    reveal(li, false);
    lightSentences(li);
  }

  function currentRow() {
    var all = rows();
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function mark(li, state) {
    li.dataset.status = state;
    var s = li.querySelector(".state");
    if (s) s.textContent = state;
  }

  function act(li, what) {
    if (!li) { say("no fact selected: press j", true); return; }
    var key = what === "keep-a" ? "keepA" : what === "keep-b" ? "keepB" : what;
    if (!li.dataset[key]) return;
    var action = JSON.parse(li.dataset[key]);
    post(action).then(function () {
      var state = what === "accept" ? "accepted" : what === "reject" ? "rejected" : "merge recorded";
      mark(li, state);
      say(state + ": written to the curation log; it takes effect at the next kg build");
    }).catch(function (e) { say(e.message, true); });
  }

  if (list) {
    list.addEventListener("click", function (ev) {
      var button = ev.target.closest("button[data-do]");
      if (!button) return;
      var li = button.closest("li.fact");
      var all = rows();
      select(all.indexOf(li));
      act(li, button.dataset.do);
    });
  }

  // ---- adding a fact from a selection (report page) ----
  var addForm = document.getElementById("add-fact");
  var textBox = document.getElementById("text");
  var ENDS = "。！？!?；;\n";
  var CLOSERS = "”’」』)）";
  // a pinyin gloss after a character (認(rèn)真): part of the text as written, never of a name
  var GLOSS = /\s?[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[1-5]?[)）]/g;

  function offsetIn(node, offset) {
    // the offset in the report's text of a point in the text pane (each run carries its start)
    var el = node.nodeType === 3 ? node.parentElement : node;
    var run = el && el.closest ? el.closest("span[data-o]") : null;
    if (!run) return null;
    return Number(run.dataset.o) + (node.nodeType === 3 ? offset : 0);
  }

  function fillFromSelection() {
    if (!addForm || !textBox) return false;
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return false;
    var range = sel.getRangeAt(0);
    if (!textBox.contains(range.commonAncestorContainer)) return false;
    var full = textBox.textContent;
    var a = offsetIn(range.startContainer, range.startOffset);
    var b = offsetIn(range.endContainer, range.endOffset);
    if (a === null || b === null || b <= a) return false;
    var s = a, e = b;
    while (s > 0 && ENDS.indexOf(full.charAt(s - 1)) < 0) s--;
    while (e < full.length && ENDS.indexOf(full.charAt(e)) < 0) e++;
    if (e < full.length && full.charAt(e) !== "\n") e++;
    while (e < full.length && CLOSERS.indexOf(full.charAt(e)) >= 0) e++;
    addForm.elements.object.value = full.slice(a, b).replace(GLOSS, "").trim();
    addForm.elements.sentence.value = full.slice(s, e).trim();
    reveal(addForm, false);
    return true;
  }

  if (textBox) {
    textBox.addEventListener("mouseup", function () { fillFromSelection(); });
    textBox.addEventListener("click", function (ev) {
      var m = ev.target.closest("mark[data-iri]");
      if (!m || !window.getSelection().isCollapsed) return;
      // a click on a name selects the first fact about it
      var all = rows();
      for (var i = 0; i < all.length; i++) {
        if (JSON.parse(all[i].dataset.iris || "[]").indexOf(m.dataset.iri) >= 0) { select(i); return; }
      }
    });
  }

  if (addForm) {
    addForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = addForm.elements;
      var action = {
        action: "add", report: addForm.dataset.report, subject: f.subject.value.trim(),
        predicate: f.predicate.value, object: f.object.value.trim(), object_type: f.object_type.value,
        sentence: f.sentence.value.trim()
      };
      post(action).then(function () {
        say("added: " + action.subject + " " + action.predicate + " " + action.object +
            " (written to the curation log; it takes effect at the next kg build)");
        f.object.value = "";
        f.sentence.value = "";
      }).catch(function (e) { say(e.message, true); });
    });
  }

  // ---- rename and retype (entity page) ----
  Array.prototype.forEach.call(document.querySelectorAll("form.rename, form.retype"), function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var to = form.elements.to.value.trim();
      var action = form.classList.contains("rename")
        ? { action: "rename", type: form.dataset.type, from: form.dataset.label, to: to }
        : { action: "retype", type: form.dataset.type, label: form.dataset.label, to: to };
      post(action).then(function () {
        say(action.action + " written to the curation log; it takes effect at the next kg build");
      }).catch(function (e) { say(e.message, true); });
    });
  });

  // ---- filters submit themselves ----
  Array.prototype.forEach.call(document.querySelectorAll("form.filters select"), function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });

  // ---- keys ----
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var t = ev.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    var k = ev.key;
    if (k === "j") { select(current + 1); }
    else if (k === "k") { select(current < 0 ? 0 : current - 1); }
    else if (k === "a") { act(currentRow(), "accept"); }
    else if (k === "r") { act(currentRow(), "reject"); }
    else if (k === "m") { act(currentRow(), "keep-a"); }
    else if (k === "n") {
      if (fillFromSelection()) addForm.elements.subject.focus();
      else if (addForm) say("select the words of the fact in the text first", true);
      else return;
    }
    else return;
    ev.preventDefault();
  });

  // a link to one sentence (#s<start>-<end>, from an entity page) lights it up
  var m = /^#s(\d+)-(\d+)$/.exec(window.location.hash);
  if (m && textBox) {
    lightSentences({ dataset: { evidence: JSON.stringify([[Number(m[1]), Number(m[2])]]) } });
  }
  Array.prototype.forEach.call(document.querySelectorAll("a.sentence"), function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var li = a.closest("li.fact");
      select(rows().indexOf(li));
    });
  });
})();
