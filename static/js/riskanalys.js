// Efter att htmx bytt ut risk-editorn: flytta fokus till rubriken så att skärmläsare och tangentbord
// hamnar rätt i stället för överst på sidan.
document.addEventListener("htmx:afterSwap", (e) => {
  const rubrik = document.getElementById("risker-rubrik");
  if (rubrik && e.detail.target && e.detail.target.id === "risker") {
    rubrik.setAttribute("tabindex", "-1");
    rubrik.focus();
  }
});
