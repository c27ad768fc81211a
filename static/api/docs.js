// Swagger UI for /api/v1/docs, from static/vendor/swagger-ui: no CDN, no inline script.
// Signed in, "Try it out" uses the session and sends the CSRF token; otherwise "Authorize"
// takes a personal access token (Bearer).
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("api-docs");
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = root.dataset.csrfToken;
      return request;
    },
  });
});
