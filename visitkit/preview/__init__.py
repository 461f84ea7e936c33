"""``visitkit serve``'s live preview: an HTTP server for ``build/`` and its own wrapper pages
(``server``), the pages (``pages``), what the build published (``site``), the rebuild loop
(``builder``) and the slide images (``slides``)."""
