// Staff forms: a slug proposed from the title as it is typed (a static file: the
// Content-Security-Policy allows no inline script). The server proposes the same
// (webinars.series.services.slugify) when the field is left empty, so nothing depends on this.
"use strict";

(function () {
  var MAX_LENGTH = 80;

  function slugify(title) {
    var slug = title
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    if (slug.length > MAX_LENGTH) {
      slug = slug.slice(0, MAX_LENGTH + 1);
      slug = slug.slice(0, slug.lastIndexOf("-") > 0 ? slug.lastIndexOf("-") : MAX_LENGTH);
    }
    return slug;
  }

  document.querySelectorAll("input[data-slug-from]").forEach(function (slugInput) {
    var source = document.getElementById(slugInput.getAttribute("data-slug-from"));
    if (!source) {
      return;
    }
    // Only an empty field, or one this script filled, follows the title: a slug typed by
    // the organizer (or the saved one) is never overwritten.
    var proposed = slugInput.value === "";
    source.addEventListener("input", function () {
      if (proposed) {
        slugInput.value = slugify(source.value);
      }
    });
    slugInput.addEventListener("input", function () {
      proposed = slugInput.value === "";
    });
  });
})();
