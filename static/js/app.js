// Inga inline-skript (Content-Security-Policy): allt beteende ligger här.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-djup]").forEach(function (el) {
    el.style.setProperty("--djup", el.dataset.djup);
  });
});
