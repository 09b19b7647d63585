// Inga inline-skript (Content-Security-Policy): allt beteende ligger här.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-djup]").forEach(function (el) {
    el.style.setProperty("--djup", el.dataset.djup);
  });
});

// Val av enskild (kvalitet/enskildval.py): Enter i sökfältet söker i stället för att skicka formuläret, och
// en markerad träff flyttas till de valda, så att den står kvar när nästa sökning byter träffarna.
document.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && e.target.matches("[data-enskild-sok]")) {
    e.preventDefault();
  }
});
document.addEventListener("change", function (e) {
  var traffar = e.target.closest(".enskild-val-traffar");
  if (!traffar || !e.target.checked) {
    return;
  }
  var valda = traffar.closest("[data-enskild-val]").querySelector("[data-enskild-valda]");
  if (e.target.type === "radio") {
    // Ett val i taget: tidigare valda träffar som inte längre är markerade tas bort ur listan.
    valda.querySelectorAll("[data-fran-sok]").forEach(function (rad) {
      if (!rad.querySelector("input").checked) {
        rad.remove();
      }
    });
  }
  var rad = e.target.closest(".form-check");
  rad.setAttribute("data-fran-sok", "");
  valda.appendChild(rad);
});

// Felsammanfattningen (templates/bootstrap5/errors.html) får fokus när sidan laddas efter ett fel, så att
// tangentbordet och skärmläsaren börjar vid felen i stället för överst på sidan.
document.addEventListener("DOMContentLoaded", function () {
  var fel = document.querySelector("[data-felsammanfattning]");
  if (fel) {
    fel.focus();
  }
});
document.addEventListener("click", function (e) {
  var lank = e.target.closest("[data-felsammanfattning] a[href^='#']");
  var falt = lank && document.getElementById(lank.getAttribute("href").slice(1));
  if (falt) {
    e.preventDefault();
    falt.focus();
    falt.scrollIntoView({block: "center"});
  }
});
