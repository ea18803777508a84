// The registration page: transliteration suggestions that never mix with what the officer types.
//
// A name typed in one script is sent (hx-post, on change) and the server
// answers with the whole row, the other scripts suggested. By the time the
// answer arrives the officer may already be in the next field, typing:
// swapping the row in then put the suggestion around the typed text
// ("MahaaMaha"). Instead each suggestion is copied into its field here, and
// only into a field the officer has not typed in. The field the officer is in
// gets the suggestion selected, so that typing replaces it.
"use strict";
(() => {
  const isNameInput = (el) => el instanceof HTMLInputElement && el.classList.contains("name-input");

  // What follows the input in its cell: the hidden marker, the note, errors.
  const dropExtras = (input) => {
    while (input.nextElementSibling) input.nextElementSibling.remove();
  };

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!isNameInput(input)) return;
    // Typed by the officer: no longer a suggestion, and never replaced by one.
    input.dataset.typed = "1";
    if (input.classList.contains("is-suggested")) {
      input.classList.remove("is-suggested");
      dropExtras(input);
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    // The event is fired on the target (the row); the input that sent the request is in its config.
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!isNameInput(source) || event.detail.xhr.status !== 200) return;
    event.detail.shouldSwap = false;
    const template = document.createElement("template");
    template.innerHTML = `<table><tbody>${event.detail.serverResponse}</tbody></table>`;
    const row = template.content.querySelector("tr");
    if (!row) return;
    row.querySelectorAll("input.name-input.is-suggested").forEach((fresh) => {
      const input = document.getElementById(fresh.id);
      if (!isNameInput(input) || input === source || input.dataset.typed) return;
      input.value = fresh.value;
      input.classList.add("is-suggested");
      input.classList.remove("is-invalid");
      dropExtras(input);
      let after = input;
      for (let el = fresh.nextElementSibling; el; el = el.nextElementSibling) {
        const copy = document.importNode(el, true);
        after.after(copy);
        after = copy;
      }
      if (document.activeElement === input) input.select();
    });
  });

  // A link in the error summary puts the cursor in the field to correct, not only the page there.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("[data-testid=form-errors] a[href^='#']");
    if (!link) return;
    const field = document.getElementById(link.getAttribute("href").slice(1));
    if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });
})();
