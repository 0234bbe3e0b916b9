// Applies the saved theme before the page paints (loaded synchronously in <head>).
(function () {
  var saved = null;
  try { saved = localStorage.getItem("docuthinker.theme"); } catch (e) { /* storage disabled */ }
  var dark = saved === "dark" || ((!saved || saved === "system") && window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
})();
