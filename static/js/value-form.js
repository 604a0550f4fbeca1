// Live RAG preview on the value form: progressive enhancement of the "Check status" button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (!form) { return; }
  var box = document.getElementById("rag-preview");
  var names = ["actual", "numerator", "denominator"];
  var timer = null;
  var symbols = { green: "✓", amber: "!", red: "✗", grey: "–" };

  function show(text, rag, label) {
    box.textContent = "";
    var p = document.createElement("p");
    p.appendChild(document.createTextNode(text));
    if (rag) {
      var badge = document.createElement("span");
      badge.className = "rag rag--" + rag;
      var icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = symbols[rag] || "";
      badge.appendChild(icon);
      badge.appendChild(document.createTextNode(" " + label));
      p.appendChild(badge);
    }
    box.appendChild(p);
  }

  // A Red value needs a corrective action: say so beside the field as soon as it is known.
  function markRequired(required) {
    var note = form.querySelector("[data-required-note]");
    var action = form.elements.corrective_action;
    if (note) { note.hidden = !required; }
    if (action) {
      if (required) { action.setAttribute("aria-required", "true"); }
      else { action.removeAttribute("aria-required"); }
    }
  }

  // A questioned figure: the reason and the band, beside the figures (#value-question, which
  // the figure fields and the commentary name in aria-describedby).
  function showQuestion(question) {
    var panel = document.getElementById("value-question");
    if (!panel) { return; }
    panel.hidden = !question;
    var reason = panel.querySelector("[data-question-reason]");
    if (reason) { reason.textContent = question ? question.reason : ""; }
    var commentary = form.elements.commentary;
    if (commentary) {
      if (question) { commentary.setAttribute("aria-required", "true"); }
      else { commentary.removeAttribute("aria-required"); }
    }
  }

  function update() {
    var params = new URLSearchParams();
    names.forEach(function (name) {
      var input = form.elements[name];
      if (input) { params.set(name, input.value); }
    });
    fetch(form.dataset.previewUrl + "&" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) { show(data.error); markRequired(false); showQuestion(null); return; }
        show("With this value the status would be ", data.rag, data.label);
        markRequired(data.rag === "red");
        showQuestion(data.question);
      })
      .catch(function () { /* the Check status button still works */ });
  }

  names.forEach(function (name) {
    var input = form.elements[name];
    if (!input) { return; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  });
}());
