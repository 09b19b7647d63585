// Enkel formateringsrad för kvalitetsberättelsens textfält: omsluter markeringen med en tillåten tagg.
(function () {
  "use strict";
  const verktyg = document.getElementById("redigerare-verktyg");
  const falt = document.querySelector("textarea.rapport-redigerare");
  if (!verktyg || !falt) return;
  verktyg.classList.remove("d-none");
  verktyg.addEventListener("click", function (e) {
    const knapp = e.target.closest("button[data-tagg]");
    if (!knapp) return;
    const tagg = knapp.dataset.tagg;
    const start = falt.selectionStart, slut = falt.selectionEnd;
    let markerat = falt.value.slice(start, slut) || "text";
    if (tagg === "ul") {
      markerat = "\n" + markerat.split("\n").map(function (rad) { return "  <li>" + rad + "</li>"; }).join("\n") + "\n";
    }
    const ny = "<" + tagg + ">" + markerat + "</" + tagg + ">";
    falt.setRangeText(ny, start, slut, "end");
    falt.focus();
  });
})();
