"""The public's room: the start page, the published progress pages by assignment,
organisation, council goal and report, the Agenda 2030 and Millennium goal pages with their
charts, the sitemap and robots.txt."""
