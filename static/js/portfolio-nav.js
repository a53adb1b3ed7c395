// The candidate's navigation scrolls in its own row on a phone: bring the current page's link into view.
(function () {
  "use strict";
  document.querySelectorAll(".portfolio-nav .nav").forEach(function (list) {
    var current = list.querySelector("[aria-current]");
    if (!current || list.scrollWidth <= list.clientWidth) {
      return;
    }
    var item = current.parentElement;
    list.scrollLeft = item.offsetLeft - (list.clientWidth - item.offsetWidth) / 2;
  });
})();
