// The registration form's time zone, chosen by default from the browser's own zone (Intl API)
// when the visitor has not chosen one yet and the list offers it. A static file: the
// Content-Security-Policy allows no inline script. Without JavaScript the field keeps its
// default, "the zone of my country".
"use strict";

(function () {
  var select = document.querySelector("select[data-browser-zone]");
  if (!select || select.value !== "" || !window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  for (var i = 0; i < select.options.length; i += 1) {
    if (select.options[i].value === zone) {
      select.value = zone;
      return;
    }
  }
})();
