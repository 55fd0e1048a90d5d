/* The moderation desk, enhanced: each decision is sent without a page load, the focus moves to
   the next comment by itself, keyboard shortcuts (listed on the page), and Undo.
   Without this file every button is a plain POST form that returns to the same place. */
(function () {
  "use strict";

  // The admin loads this in <head>: start once the page is there.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    const desk = document.querySelector(".desk");
    const list = document.getElementById("desk-list");
    if (!desk || !list) {
      return;
    }
    const statusRegion = document.getElementById("desk-status");
    const undoUrl = desk.dataset.undoUrl;
    const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
    const currentQueue = (document.querySelector(".desk-tab.is-current") || {dataset: {}}).dataset.queue;
    let current = null;

    const cards = () => Array.from(list.querySelectorAll(".desk-card"));
    const isOpen = (card) => !card.classList.contains("is-decided");

    // --- Focus -------------------------------------------------------------------------------

    function focusCard(card) {
      if (!card) {
        return;
      }
      if (current) {
        current.classList.remove("is-current");
      }
      current = card;
      card.classList.add("is-current");
      card.focus({preventScroll: true});
      card.scrollIntoView({block: "nearest"});
    }

    function openAfter(card) {
      const all = cards();
      const start = all.indexOf(card);
      const after = all.slice(start + 1).find(isOpen);
      return after || all.slice(0, Math.max(start, 0)).reverse().find(isOpen) || null;
    }

    function step(delta) {
      const all = cards();
      const index = all.indexOf(current);
      const next = all[Math.min(Math.max(index + delta, 0), all.length - 1)];
      focusCard(next);
    }

    function moveOn(card) {
      const next = openAfter(card);
      if (next) {
        focusCard(next);
        return;
      }
      announce("Every comment on this page is decided.", {keep: true});
      const more = document.querySelector(".paginator a.end, .paginator a:not(.this-page)");
      (more || document.querySelector(".desk-tab.is-current")).focus();
    }

    // --- Talking to the server ---------------------------------------------------------------

    function announce(text, options) {
      let message = statusRegion.querySelector(".desk-message");
      if (!message) {
        message = document.createElement("p");
        message.className = "desk-message";
        statusRegion.prepend(message);
      }
      message.textContent = text;
      if (!(options && options.keep)) {
        statusRegion.classList.remove("is-error");
      }
    }

    function showUndo(undo) {
      const old = statusRegion.querySelector(".desk-undo");
      if (old) {
        old.remove();
      }
      if (!undo) {
        return;
      }
      const form = document.createElement("form");
      form.method = "post";
      form.action = undoUrl;
      form.className = "desk-undo";
      form.id = "desk-undo-form";
      for (const [name, value] of [["csrfmiddlewaretoken", csrfInput.value], ["decision", undo.id]]) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      }
      const label = document.createElement("span");
      label.className = "desk-undo-label";
      label.textContent = "Your last decision: " + undo.label + ".";
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "button desk-undo-button";
      button.setAttribute("aria-keyshortcuts", "u");
      button.append("Undo ");
      const kbd = document.createElement("kbd");
      kbd.setAttribute("aria-hidden", "true");
      kbd.textContent = "u";
      button.append(kbd);
      form.append(label, " ", button);
      statusRegion.append(form);
    }

    function updateCounts(counts) {
      if (!counts) {
        return;
      }
      for (const [queue, count] of Object.entries(counts)) {
        document.querySelectorAll('[data-count="' + queue + '"]').forEach((el) => {
          el.textContent = count;
        });
      }
      const nav = document.querySelectorAll(".desk-nav-count");
      if (nav[0]) {
        nav[0].firstChild.textContent = counts.pending;
      }
    }

    // A card leaves the queue it was shown in when its status no longer belongs there.
    function belongs(status) {
      return {pending: "pending", spam: "spam"}[currentQueue] === status;
    }

    function updateCards(comments, {decidedId, undone}) {
      for (const comment of comments || []) {
        const card = document.getElementById("desk-" + comment.id);
        if (!card) {
          continue;
        }
        card.querySelector("input[name=status]").value = comment.status;
        card.querySelector(".desk-status-label").textContent = comment.status_label;
        const outcome = card.querySelector(".desk-outcome");
        if (undone) {
          card.classList.remove("is-decided");
          outcome.hidden = true;
        } else if (comment.id === decidedId || !belongs(comment.status)) {
          card.classList.add("is-decided");
          outcome.textContent = comment.status_label + " — press u to undo";
          outcome.hidden = false;
        }
      }
    }

    async function send(form, submitter) {
      const body = submitter ? new FormData(form, submitter) : new FormData(form);
      const response = await fetch(form.action, {
        method: "POST",
        body: body,
        headers: {Accept: "application/json"},
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      if (!type.startsWith("application/json")) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    }

    async function decide(form, submitter) {
      const card = form.closest(".desk-card");
      if (card.classList.contains("is-busy")) {
        return;
      }
      card.classList.add("is-busy");
      try {
        const data = await send(form, submitter);
        announce(data.message);
        statusRegion.classList.toggle("is-error", !data.ok);
        updateCounts(data.counts);
        if (data.ok) {
          updateCards(data.comments, {decidedId: Number(card.dataset.commentId)});
          showUndo(data.undo);
          moveOn(card);
        } else {
          updateCards(data.comments, {decidedId: null});
        }
      } catch (error) {
        // The server could not be reached the script's way: send the form the plain way.
        form.dataset.plain = "1";
        form.requestSubmit(submitter);
      } finally {
        card.classList.remove("is-busy");
      }
    }

    async function undo() {
      const form = document.getElementById("desk-undo-form");
      if (!form) {
        announce("There is no decision of yours to undo.");
        return;
      }
      try {
        const data = await send(form);
        announce(data.message);
        statusRegion.classList.toggle("is-error", !data.ok);
        updateCounts(data.counts);
        showUndo(data.ok ? data.undo : null);
        if (data.ok) {
          updateCards(data.comments, {undone: true});
          const first = data.comments && data.comments[0] && document.getElementById("desk-" + data.comments[0].id);
          focusCard(first || current);
        }
      } catch (error) {
        form.dataset.plain = "1";
        form.requestSubmit();
      }
    }

    // --- Events ------------------------------------------------------------------------------

    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.dataset.plain) {
        return;
      }
      if (form.classList.contains("desk-decide")) {
        event.preventDefault();
        decide(form, event.submitter);
      } else if (form.classList.contains("desk-undo")) {
        event.preventDefault();
        undo();
      }
    });

    list.addEventListener("focusin", (event) => {
      const card = event.target.closest(".desk-card");
      if (card && card !== current) {
        if (current) {
          current.classList.remove("is-current");
        }
        current = card;
        card.classList.add("is-current");
      }
    });

    function press(key) {
      if (!current || !isOpen(current)) {
        announce(current ? "Already decided: press u to undo it." : "No comment selected.");
        return;
      }
      const button = current.querySelector('.desk-decide button[data-key="' + key + '"]');
      if (button) {
        decide(button.form, button);
      }
    }

    function armBan() {
      const button = current && isOpen(current) && current.querySelector(".desk-ban");
      if (!button) {
        return;
      }
      current.classList.add("is-arming");
      button.focus();
      announce("Press Enter to ban this author (" + button.textContent.replace(/\s*b\s*$/, "").trim() +
        "), or Escape to cancel.");
    }

    function selectCurrent() {
      const box = current && current.querySelector("input.action-select");
      if (box) {
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", {bubbles: true}));
      }
    }

    function updateSelection() {
      const boxes = Array.from(document.querySelectorAll(".desk-card input.action-select"));
      const counter = document.querySelector(".action-counter");
      if (counter) {
        counter.textContent = boxes.filter((box) => box.checked).length + " of " + boxes.length + " selected";
      }
    }

    document.addEventListener("change", (event) => {
      if (event.target.id === "desk-select-all") {
        document.querySelectorAll(".desk-card input.action-select").forEach((box) => {
          box.checked = event.target.checked;
        });
      }
      if (event.target.matches(".action-select, #desk-select-all")) {
        updateSelection();
      }
    });

    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      const target = event.target;
      if (target.matches("input:not([type=checkbox]), textarea, select, [contenteditable]")) {
        return;
      }
      if (!current || !list.contains(current)) {
        current = null;
      }
      const key = event.key;
      if (current && current.classList.contains("is-arming") && key !== "Enter") {
        current.classList.remove("is-arming");
        if (key === "Escape") {
          announce("Ban cancelled.");
          focusCard(current);
          event.preventDefault();
          return;
        }
      }
      switch (key) {
        case "j":
          step(1);
          break;
        case "k":
          step(-1);
          break;
        case "a":
        case "s":
        case "1":
        case "2":
        case "3":
        case "4":
          press(key);
          break;
        case "b":
          armBan();
          break;
        case "o":
          if (current) {
            window.location.assign(current.querySelector(".desk-context").href);
          }
          break;
        case "u":
          undo();
          break;
        case "x":
          selectCurrent();
          break;
        case "?": {
          const help = document.getElementById("desk-shortcuts");
          help.open = !help.open;
          break;
        }
        default:
          return;
      }
      event.preventDefault();
    });

    // --- Start: the first comment, or the one the address points at (after a plain decision).

    const selectAll = document.getElementById("desk-select-all-label");
    if (selectAll) {
      selectAll.hidden = false;
    }
    const fromHash = window.location.hash.startsWith("#desk-") && document.getElementById(window.location.hash.slice(1));
    focusCard(fromHash && fromHash.classList.contains("desk-card") ? fromHash : cards().find(isOpen));
  }
})();
