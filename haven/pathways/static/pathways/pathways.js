// Pathways: the print button on the appointment slip. No inline scripts (CSP).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".js-print").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
