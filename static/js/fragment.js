// Loads a part of another page into this one: an element with data-fragment (the page's
// address) and data-fragment-part (the id of the part to take). Without JavaScript, or if the
// page cannot be read, the element's own link stays.
(function () {
  "use strict";
  document.querySelectorAll("[data-fragment]").forEach(function (slot) {
    fetch(slot.dataset.fragment, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var part = page.getElementById(slot.dataset.fragmentPart);
        if (part) { slot.replaceChildren(document.importNode(part, true)); }
      })
      .catch(function () { /* keep the link */ });
  });
})();
