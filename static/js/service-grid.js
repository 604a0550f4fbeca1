// Live RAG on the month grid: each open row asks the server (the one RAG rule, targets/rules.py)
// what its typed figure would get, and marks its corrective action required when Red. Without
// JavaScript the "Check status" button posts the grid and shows the same.
(function () {
  "use strict";
  var symbols = { green: "✓", amber: "!", red: "✗", grey: "–" };

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function show(box, rag, label) {
    box.textContent = "";
    var badge = document.createElement("span");
    badge.className = "rag rag--" + rag;
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = symbols[rag] || "";
    badge.appendChild(icon);
    badge.appendChild(document.createTextNode(" " + label));
    box.appendChild(badge);
  }

  function showError(box, text) {
    box.textContent = "";
    var p = document.createElement("span");
    p.className = "field-error";
    p.textContent = text;
    box.appendChild(p);
  }

  function markRequired(row, required) {
    var note = row.querySelector("[data-required-note]");
    var action = field(row, "corrective_action");
    if (note) { note.hidden = !required; }
    if (action) {
      if (required) { action.setAttribute("aria-required", "true"); }
      else { action.removeAttribute("aria-required"); }
    }
  }

  // A questioned figure: its reason and band in the row, and the commentary required.
  function showQuestion(row, question) {
    var box = row.querySelector("[data-question]");
    var note = row.querySelector("[data-question-note]");
    var commentary = field(row, "commentary");
    if (box) {
      box.hidden = !question;
      box.querySelector("[data-question-reason]").textContent = question ? question.reason : "";
    }
    if (note) { note.hidden = !question; }
    if (commentary) {
      if (question) { commentary.setAttribute("aria-required", "true"); }
      else { commentary.removeAttribute("aria-required"); }
    }
  }

  function update(row) {
    var params = new URLSearchParams();
    ["actual", "numerator", "denominator"].forEach(function (name) {
      var input = field(row, name);
      if (input) { params.set(name, input.value); }
    });
    var box = row.querySelector(".entry-row__rag");
    fetch(row.dataset.previewUrl + "&" + params.toString(), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) {
          showError(box, data.error); markRequired(row, false); showQuestion(row, null); return;
        }
        show(box, data.rag, data.label);
        markRequired(row, data.rag === "red");
        showQuestion(row, data.question);
      })
      .catch(function () { /* the Check status button still works */ });
  }

  document.querySelectorAll("tr[data-preview-url]").forEach(function (row) {
    var timer = null;
    ["actual", "numerator", "denominator"].forEach(function (name) {
      var input = field(row, name);
      if (!input) { return; }
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { update(row); }, 300);
      });
    });
  });
}());
