// Small behaviours that need no framework. Loaded from our own origin (the CSP allows no inline script).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
