// Sessionen och utkasten (kvalitet/session.py beskriver besluten). Inga beroenden, inga inline-skript (CSP).
(function () {
  "use strict";

  var PREFIX = "kv-utkast:";
  var SENAST = "kv-session-senast"; // senaste kontakten med servern i någon flik (bara en tidpunkt)

  function lagring(typ) {
    try {
      var s = window[typ];
      s.setItem("kv-prov", "1");
      s.removeItem("kv-prov");
      return s;
    } catch (e) {
      return null; // privat läge eller avstängt: varningen fungerar ändå, utkasten sparas inte
    }
  }

  var flik = lagring("sessionStorage");
  var delad = lagring("localStorage");

  // --- utkast ---------------------------------------------------------------------------------------

  function utkastNyckel(anvandare, namn) {
    return PREFIX + anvandare + ":" + namn;
  }

  function stadaUtkast(anvandare, rensa) {
    if (!flik) return;
    var bort = [];
    for (var i = 0; i < flik.length; i++) {
      var k = flik.key(i);
      if (k && k.indexOf(PREFIX) === 0) {
        var delar = k.slice(PREFIX.length).split(":");
        // En annan användares utkast i samma flik (delad dator) tas bort, liksom det som servern sparat.
        if (delar[0] !== String(anvandare) || rensa.indexOf(delar.slice(1).join(":")) !== -1) bort.push(k);
      }
    }
    bort.forEach(function (k) { flik.removeItem(k); });
  }

  function sparbar(el) {
    if (!el.name || el.disabled) return false;
    if (el.type === "file" || el.type === "submit" || el.type === "button" || el.type === "password") return false;
    // Engångsnyckeln och CSRF-token hör till just den visningen av formuläret.
    return el.name !== "csrfmiddlewaretoken" && el.name !== "inlamningsnyckel";
  }

  function lasFormular(form) {
    var falt = {};
    var fil = "";
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "file") {
        if (el.files && el.files.length) fil = el.files[0].name;
        return;
      }
      if (!sparbar(el)) return;
      if (el.type === "radio" || el.type === "checkbox") {
        falt[el.name] = falt[el.name] || [];
        if (el.checked) falt[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        falt[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        falt[el.name] = el.value;
      }
    });
    return { falt: falt, fil: fil };
  }

  function fyllI(form, utkast) {
    var andrat = false;
    Object.keys(utkast.falt || {}).forEach(function (namn) {
      var varde = utkast.falt[namn];
      var element = form.querySelectorAll('[name="' + namn.replace(/"/g, "") + '"]');
      Array.prototype.forEach.call(element, function (el) {
        if (!sparbar(el)) return;
        if (el.type === "radio" || el.type === "checkbox") {
          var pa = Array.isArray(varde) && varde.indexOf(el.value) !== -1;
          if (el.checked !== pa) { el.checked = pa; andrat = true; }
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = varde.indexOf(o.value) !== -1; });
          andrat = true;
        } else if (typeof varde === "string" && el.value !== varde) {
          // Ett val som inte längre finns i listan (t.ex. en enhet) lämnas som det är.
          if (el.tagName === "SELECT" && !Array.prototype.some.call(el.options, function (o) { return o.value === varde; })) return;
          el.value = varde;
          andrat = true;
        }
      });
    });
    return andrat;
  }

  function meddela(form, text) {
    var ruta = document.createElement("div");
    ruta.className = "alert alert-info";
    ruta.setAttribute("role", "status");
    ruta.textContent = text;
    form.parentNode.insertBefore(ruta, form);
  }

  function utkast(anvandare) {
    document.querySelectorAll("[data-utkast]").forEach(function (ram) {
      var form = ram.tagName === "FORM" ? ram : ram.querySelector("form");
      if (!flik || !form) return;
      var nyckel = utkastNyckel(anvandare, ram.dataset.utkast);
      var spara = function () {
        var data = lasFormular(form);
        data.tid = Date.now();
        try { flik.setItem(nyckel, JSON.stringify(data)); } catch (e) { /* full lagring: inget utkast */ }
      };
      var sparat = null;
      try { sparat = JSON.parse(flik.getItem(nyckel) || "null"); } catch (e) { sparat = null; }
      if (ram.dataset.utkastLage === "ny" && sparat) {
        // Formuläret visas tomt (t.ex. efter en ny inloggning): det som skrevs i fliken fylls i igen.
        var andrat = fyllI(form, sparat);
        var text = andrat ? "Det du skrev tidigare har fyllts i igen." : "";
        if (sparat.fil) text += (text ? " " : "") + "Välj filen igen (" + sparat.fil + "): filer kan inte sparas i utkastet.";
        if (text) meddela(form, text);
      } else if (ram.dataset.utkastLage === "igen") {
        spara(); // visat igen med fel: det servern fick tillbaka är det senaste
      }
      form.addEventListener("input", spara);
      form.addEventListener("change", spara);
    });
  }

  // --- lagen ur enheten -----------------------------------------------------------------------------

  function lagUrEnhet() {
    document.querySelectorAll("select[data-lag-per-enhet]").forEach(function (val) {
      var form = val.form;
      var karta = {};
      try { karta = JSON.parse(val.dataset.lagPerEnhet || "{}"); } catch (e) { karta = {}; }
      var valtSjalv = false;
      form.addEventListener("change", function (e) {
        if (e.target.name === "lag" && e.isTrusted) valtSjalv = true;
      });
      val.addEventListener("change", function () {
        if (valtSjalv) return; // rapportörens eget val står kvar
        var lag = karta[val.value] || "";
        form.querySelectorAll('input[name="lag"]').forEach(function (r) { r.checked = r.value === lag; });
      });
    });
  }

  // --- varningen --------------------------------------------------------------------------------------

  function varning(data) {
    var dialog = document.getElementById("kv-session-dialog");
    var knapp = dialog.querySelector("[data-fortsatt-knapp]");
    var login = dialog.querySelector("[data-login-lank]");
    var kvar = dialog.querySelector("[data-kvar]");
    var langd = parseInt(data.sekunder, 10) * 1000;
    var fore = parseInt(data.varnaFore, 10) * 1000;
    var senast = Date.now();
    var tidigareFokus = null;
    var timer = null;
    var utloggad = false;

    function delatSenast() {
      var t = delad ? parseInt(delad.getItem(SENAST) || "0", 10) : 0;
      return Math.max(senast, t || 0);
    }

    function kontakt() {
      senast = Date.now();
      if (delad) delad.setItem(SENAST, String(senast));
    }

    function minuter(ms) {
      var s = Math.max(0, Math.round(ms / 1000));
      if (s >= 90) return Math.round(s / 60) + " minuter";
      return s + " sekunder";
    }

    function visa() {
      if (dialog.hidden) {
        tidigareFokus = document.activeElement;
        dialog.hidden = false;
        knapp.focus(); // fokus till dialogen: skärmläsaren läser rubriken och texten
      }
    }

    function dolj() {
      dialog.hidden = true;
      if (tidigareFokus && document.body.contains(tidigareFokus)) tidigareFokus.focus();
    }

    function visaUtloggad() {
      utloggad = true;
      dialog.querySelector("#kv-session-rubrik").textContent = "Du har loggats ut";
      dialog.querySelector("#kv-session-text").textContent =
        "Du var inaktiv för länge. Det du skrivit i en rapport finns kvar i den här fliken och fylls i igen när du loggat in.";
      knapp.classList.add("d-none");
      login.classList.remove("d-none");
      login.href = data.login + "?next=" + encodeURIComponent(location.pathname + location.search);
      dialog.hidden = false;
      login.focus();
    }

    function kontrollera() {
      if (utloggad) return;
      var kvarMs = delatSenast() + langd - Date.now();
      if (kvarMs <= 0) {
        visaUtloggad();
        return;
      }
      if (kvarMs <= fore) {
        kvar.textContent = minuter(kvarMs);
        visa();
      } else if (!dialog.hidden) {
        dolj(); // en annan flik förnyade sessionen
      }
      clearTimeout(timer);
      timer = setTimeout(kontrollera, kvarMs <= fore ? 1000 : Math.min(kvarMs - fore, 60000));
    }

    knapp.addEventListener("click", function () {
      knapp.disabled = true;
      fetch(data.fortsatt, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": data.csrf, Accept: "application/json" },
      })
        .then(function (svar) {
          var json = (svar.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
          if (!svar.ok || !json) throw new Error("utloggad");
          kontakt();
          dolj();
          kontrollera();
        })
        .catch(function () { visaUtloggad(); })
        .then(function () { knapp.disabled = false; });
    });
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !utloggad) knapp.click(); // Esc stänger: samma sak som Fortsätt
      if (e.key === "Tab") {
        // Modal: fokus stannar på dialogens enda knapp tills den används.
        e.preventDefault();
        (utloggad ? login : knapp).focus();
      }
    });
    // Varje htmx-begäran förnyar sessionen på servern (SESSION_SAVE_EVERY_REQUEST).
    document.body.addEventListener("htmx:afterRequest", kontakt);
    // En flik i bakgrunden får sina timers fördröjda: räkna om när den visas igen.
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) kontrollera();
    });
    kontakt();
    kontrollera();
    window.kvSession = { kontrollera: kontrollera, visa: visa };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("kv-session");
    if (!el) return;
    var rensa = [];
    try { rensa = JSON.parse(el.dataset.rensa || "[]"); } catch (e) { rensa = []; }
    stadaUtkast(el.dataset.anvandare, rensa);
    // Den som loggar ut själv lämnar inget utkast efter sig i fliken.
    document.querySelectorAll('form[action$="/logout/"]').forEach(function (f) {
      f.addEventListener("submit", function () { stadaUtkast("ingen", []); });
    });
    lagUrEnhet();
    utkast(el.dataset.anvandare);
    varning(el.dataset);
  });
})();
