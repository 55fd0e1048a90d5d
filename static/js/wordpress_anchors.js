// Old WordPress links to a comment end in "#comment-123", WordPress's number for it. Fragments
// never reach the server, so when this page has no element with that id, ask the server where
// the imported comment went (comments/wordpress/<id>/ redirects to its permalink). Only on
// reviews imported from WordPress; without JavaScript the link still opens the review.
(function () {
  "use strict";
  var script = document.currentScript;
  var match = /^#comment-(\d{1,18})$/.exec(window.location.hash);
  if (!script || !match || document.getElementById("comment-" + match[1])) {
    return;
  }
  window.location.replace(script.dataset.wordpressUrl.replace("0/", match[1] + "/"));
})();
