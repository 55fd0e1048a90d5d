// Comments: Reply and Quote open the form under the comment; relative times.
// Progressive enhancement only: without this file Reply and Quote go to the reply page.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("comment-form");
  if (!respond || !form) { return; }
  var parentInput = document.getElementById("comment-parent");
  var body = document.getElementById("id_body");
  var title = document.getElementById("reply-title");
  var cancel = document.getElementById("cancel-reply");
  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);
  var titleText = title ? title.firstChild.nodeValue : "";

  function commentOf(id) { return document.getElementById("comment-" + id); }

  function openUnder(article) {
    var id = article.getAttribute("data-comment-id");
    article.parentNode.insertBefore(respond, article.nextSibling);
    respond.classList.add("is-replying");
    parentInput.value = id;
    if (title) { title.firstChild.nodeValue = "Reply to " + (article.getAttribute("data-author") || "this comment") + " "; }
    if (cancel) { cancel.hidden = false; }
  }

  function close() {
    home.parentNode.insertBefore(respond, home);
    respond.classList.remove("is-replying");
    parentInput.value = "";
    if (title) { title.firstChild.nodeValue = titleText; }
    if (cancel) { cancel.hidden = true; }
  }

  function quotedText(article) {
    var bodyEl = article.querySelector(".comment-body");
    var selection = window.getSelection ? window.getSelection() : null;
    if (selection && !selection.isCollapsed && bodyEl.contains(selection.anchorNode) && bodyEl.contains(selection.focusNode)) {
      return selection.toString().trim();
    }
    // The whole comment, without the quotes it holds itself.
    var copy = bodyEl.cloneNode(true);
    copy.querySelectorAll("blockquote, summary").forEach(function (el) { el.remove(); });
    var paragraphs = [];
    copy.querySelectorAll("p").forEach(function (p) { paragraphs.push(p.innerText || p.textContent); });
    var text = paragraphs.length ? paragraphs.join("\n\n") : (copy.innerText || copy.textContent);
    return text.trim();
  }

  function quoteMarkup(article, text) {
    var name = (article.getAttribute("data-author") || "Someone").replace(/"/g, "'").replace(/\]/g, ")");
    return '[quote="' + name + '" id=' + article.getAttribute("data-comment-id") + "]" + text + "[/quote]\n\n";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link, .comment-quote-link");
    if (link) {
      var article = link.closest(".comment");
      if (!article) { return; }
      event.preventDefault();
      var quote = link.classList.contains("comment-quote-link") ? quoteMarkup(article, quotedText(article)) : "";
      openUnder(article);
      if (quote) {
        body.value = (body.value.trim() ? body.value.replace(/\s*$/, "\n\n") : "") + quote;
      }
      body.focus();
      body.setSelectionRange(body.value.length, body.value.length);
      return;
    }
    if (event.target === cancel) {
      event.preventDefault();
      close();
      body.focus();
    }
  });

  // A page the browser kept (304, back button) may carry an old anti-tamper token; forms older
  // than two hours count as spam, so fetch a fresh token when someone starts writing.
  var STALE_SECONDS = 90 * 60;
  var refreshing = false;
  form.addEventListener("focusin", function () {
    var input = form.querySelector("input[name=security]");
    var issued = input ? parseInt((input.value.split(":")[1] || "0"), 10) : 0;
    if (!input || refreshing || Date.now() / 1000 - issued < STALE_SECONDS) { return; }
    refreshing = true;
    fetch(form.getAttribute("data-token-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.security) { input.value = data.security; } })
      .catch(function () {})
      .then(function () { refreshing = false; });
  });

  // Characters left, announced politely while typing (the server enforces the limit).
  var counter = document.getElementById("body-count");
  if (counter && body) {
    var max = parseInt(counter.getAttribute("data-max"), 10) || 5000;
    var number = window.Intl && Intl.NumberFormat ? new Intl.NumberFormat("en") : { format: String };
    var lastAnnounced = null;
    var update = function () {
      var left = max - body.value.length;
      counter.textContent = number.format(Math.max(left, 0)) + (left === 1 ? " character left" : " characters left");
      counter.classList.toggle("is-near-limit", left < 200);
      // Speak only at the thresholds, not on every key.
      var band = left < 50 ? 50 : left < 200 ? 200 : null;
      if (band !== lastAnnounced) { counter.setAttribute("aria-live", band ? "polite" : "off"); lastAnnounced = band; }
    };
    body.addEventListener("input", update);
    update();
  }

  // "3 hours ago" beside the absolute time the server wrote.
  if (window.Intl && Intl.RelativeTimeFormat) {
    var format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });
    var steps = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
    document.querySelectorAll(".comment-meta time[datetime]").forEach(function (el) {
      var seconds = (new Date(el.getAttribute("datetime")).getTime() - Date.now()) / 1000;
      if (isNaN(seconds)) { return; }
      var text = format.format(0, "minute");
      for (var i = 0; i < steps.length; i++) {
        if (Math.abs(seconds) >= steps[i][1]) { text = format.format(Math.round(seconds / steps[i][1]), steps[i][0]); break; }
      }
      var span = document.createElement("span");
      span.className = "comment-relative-time";
      span.textContent = " (" + text + ")";
      el.appendChild(span);
    });
  }
})();
