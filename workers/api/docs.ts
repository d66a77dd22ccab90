/**
 * GET /docs: Swagger UI over /openapi.json. Its script and styles are served from this
 * Worker's static assets (copied from swagger-ui-dist at build), so the docs work offline.
 */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Nooble API</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/vendor/swagger-ui/init.js"></script>
</body>
</html>`;
