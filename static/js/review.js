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

/* An answer htmx does not swap (403 when the enrolment was paused meanwhile, 404, 500) or no answer at all:
 * send the same form the ordinary way, so the whole page says what happened, as it does without JavaScript.
 * The services are atomic: a refused or failed request changed nothing, so sending it again is safe.
 */
function sendPlainly(event) {
  const form = event.detail.elt instanceof Element ? event.detail.elt.closest("form") : null;
  if (form instanceof HTMLFormElement && form.method === "post") {
    form.submit();
  }
}
document.addEventListener("htmx:responseError", sendPlainly);
document.addEventListener("htmx:sendError", sendPlainly);
