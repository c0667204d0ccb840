// The API's readable page: Swagger UI (static/vendor/swagger-ui) shows /api/v1/openapi.json.
// Kept out of the page itself: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    // Tokens typed under "Authorize" are kept in memory only, never in localStorage.
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
})();
