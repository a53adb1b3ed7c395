/* The review page: "Accept all claims on this evidence" asks once, in a modal <dialog>.
 *
 * The button is a GET form to the confirmation page, which is what happens without
 * JavaScript (or without <dialog>); here the same confirmation opens in place instead.
 * The dialog keeps the focus inside it, Escape or Cancel closes it and gives the focus
 * back to the button; its "Yes" form posts with htmx and the claims are swapped in place.
 * Listening on the document keeps working after htmx swaps the claims.
 */
document.addEventListener("submit", (event) => {
  const form = event.target;
  const id = form instanceof HTMLFormElement ? form.dataset.opensDialog : undefined;
  const dialog = id ? document.getElementById(id) : null;
  if (dialog instanceof HTMLDialogElement && typeof dialog.showModal === "function") {
    event.preventDefault();
    dialog.showModal();
  }
});
