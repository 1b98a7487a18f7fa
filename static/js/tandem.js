/* Tandem's own small script: timers, catching up after a lost connection,
   and keeping what a person typed. Everything works without it. */
(function () {
  "use strict";

  /* Timers: the server sends seconds left; count down locally between events. */
  function startTimers(root) {
    root.querySelectorAll("[role=timer][data-running='1']").forEach(function (el) {
      var endsAt = Date.now() + parseInt(el.dataset.seconds, 10) * 1000;
      el.dataset.endsAt = String(endsAt);
    });
  }
  function tick() {
    document.querySelectorAll("[role=timer][data-ends-at]").forEach(function (el) {
      var left = Math.max(0, Math.round((parseInt(el.dataset.endsAt, 10) - Date.now()) / 1000));
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (el.textContent !== text) { el.textContent = text; }
      el.closest(".timer").classList.toggle("ending", left <= 30);
    });
  }

  /* Drafts: text typed into [data-draft] survives reloads, swaps and lost connections. */
  function restoreDrafts(root) {
    root.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      try { localStorage.removeItem("tandem-draft:" + el.dataset.draftClear); } catch (e) { /* private mode */ }
    });
    root.querySelectorAll("[data-draft]").forEach(function (el) {
      var saved = null;
      try { saved = localStorage.getItem("tandem-draft:" + el.dataset.draft); } catch (e) { /* private mode */ }
      if (saved && !el.value) { el.value = saved; }
    });
  }
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.dataset && el.dataset.draft) {
      try { localStorage.setItem("tandem-draft:" + el.dataset.draft, el.value); } catch (e) { /* private mode */ }
    }
  });

  /* A live refresh never wipes what someone is typing or has ticked but not sent:
     while a region holds an unsent change or the caret, its live swap waits, and the
     region catches up as soon as the person sends the form or leaves the region. */
  function unsent(region) {
    var active = document.activeElement;
    if (active && region.contains(active) && active.matches("input[type=text], input:not([type]), textarea, select")) {
      return true;
    }
    return Array.prototype.some.call(region.querySelectorAll("input, textarea, select"), function (el) {
      if (el.type === "hidden" || el.type === "submit") { return false; }
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
      if (el.tagName === "SELECT" && !el.multiple) {
        // with no option marked selected in the page, the first one is the default
        var chosen = Array.prototype.findIndex.call(el.options, function (o) { return o.defaultSelected; });
        return el.selectedIndex !== Math.max(chosen, 0);
      }
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return el.value !== el.defaultValue;
    });
  }
  var waiting = new Set();
  document.addEventListener("htmx:beforeSwap", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var live = trigger && (String(trigger.type).indexOf("sse:") === 0 || trigger.type === "tandem:resync");
    var region = event.detail.target;
    // a new activity always arrives (drafts keep any typed text); only refreshes of the same one wait
    var next = /data-activity="([^"]*)"/.exec(event.detail.serverResponse || "");
    var moved = region && region.dataset.activity !== undefined && next && next[1] !== region.dataset.activity;
    if (live && region && !moved && unsent(region)) {
      event.detail.shouldSwap = false;
      waiting.add(region);
    }
  });
  /* A live refresh keeps open what the person opened (an "edit" or "settings" disclosure). */
  function detailsKeys() {
    var seen = {};
    return Array.prototype.map.call(document.querySelectorAll("details"), function (d) {
      if (d.id) { return { el: d, key: "#" + d.id }; }
      var summary = d.querySelector("summary");
      var text = summary ? summary.textContent.trim() : "";
      seen[text] = (seen[text] || 0) + 1;
      return { el: d, key: text + "#" + seen[text] };
    });
  }
  var reopen = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (event.detail.shouldSwap && trigger && (String(trigger.type).indexOf("sse:") === 0 || trigger.type === "tandem:resync")) {
      reopen = new Set(detailsKeys().filter(function (k) { return k.el.open; }).map(function (k) { return k.key; }));
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!reopen) { return; }
    var keys = reopen;
    reopen = null;
    detailsKeys().forEach(function (k) { if (keys.has(k.key)) { k.el.open = true; } });
  });

  function catchUp(event) {
    waiting.forEach(function (region) {
      if (!document.body.contains(region)) { waiting.delete(region); return; }
      if (!unsent(region)) {
        waiting.delete(region);
        document.body.dispatchEvent(new CustomEvent("tandem:resync"));
      }
    });
  }
  document.addEventListener("focusout", function (event) { setTimeout(function () { catchUp(event); }, 0); });
  document.addEventListener("htmx:afterRequest", function (event) {
    // after a refusal the person reads the message first; leaving the region catches up
    if (event.detail.xhr && event.detail.xhr.status < 400) { catchUp(event); }
  });
  /* Length limits: "N characters left" under a [data-limit] field, updated as the person types. */
  function updateCount(field) {
    var out = document.querySelector("[data-count-for='" + field.id + "']");
    if (!out || !field.dataset.limit) { return; }
    var left = parseInt(field.dataset.limit, 10) - field.value.length;
    var text = (field.dataset.countTemplate || "{n}").replace("{n}", String(left));
    if (out.textContent !== text) { out.textContent = text; }
  }
  function updateCounts(root) {
    root.querySelectorAll("[data-limit]").forEach(updateCount);
  }
  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.limit) { updateCount(event.target); }
  });

  /* After a lost connection, the live channel reopens: fetch what changed meanwhile. */
  var opened = new WeakSet();
  document.addEventListener("htmx:sseOpen", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source) { return; }
    if (opened.has(source)) {
      document.body.dispatchEvent(new CustomEvent("tandem:resync"));
    }
    opened.add(source);
  });

  /* A new activity: move focus to its heading so screen readers announce it. */
  document.addEventListener("htmx:afterSwap", function (event) {
    startTimers(event.detail.target);
    restoreDrafts(event.detail.target);
    updateCounts(event.detail.target);
    if (event.detail.target.id === "stage") {
      var heading = event.detail.target.querySelector("h1[tabindex='-1'], h2");
      var before = event.detail.target.dataset.activity;
      var section = event.detail.target.querySelector("[data-activity]");
      var now = section ? section.dataset.activity : "";
      if (heading && before !== now && heading.focus) { heading.focus({ preventScroll: false }); }
      event.detail.target.dataset.activity = now;
    }
  });

  /* Votes: every tap gets a fresh idempotency key, so the server applies it once.
     A request lost on bad Wi-Fi is sent again with the SAME key: if the first
     one did arrive, the server recognises the key and does not count it twice. */
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    var input = form && form.querySelector("input[data-idempotency]");
    if (!input) { return; }
    if (!form.dataset.pendingKey) { form.dataset.pendingKey = newKey(); }
    input.value = form.dataset.pendingKey;
    event.detail.parameters.key = form.dataset.pendingKey;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (!form || !form.dataset.pendingKey) { return; }
    if (!event.detail.xhr || event.detail.xhr.status === 0) {
      var tries = parseInt(form.dataset.retries || "0", 10);
      if (tries < 3) {  /* no answer at all: try again with the same key */
        form.dataset.retries = String(tries + 1);
        setTimeout(function () { if (form.isConnected) { form.requestSubmit(); } }, 1000 * (tries + 1));
        return;
      }
    }
    delete form.dataset.pendingKey;
    delete form.dataset.retries;
  });

  /* Forms kept across live refreshes (hx-preserve) empty themselves once saved. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
      form.reset();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    startTimers(document);
    restoreDrafts(document);
    updateCounts(document);
    var section = document.querySelector("#stage [data-activity]");
    var stage = document.getElementById("stage");
    if (stage && section) { stage.dataset.activity = section.dataset.activity; }
    setInterval(tick, 1000);
  });
})();
