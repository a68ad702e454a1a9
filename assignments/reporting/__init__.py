"""The reporters' room: the pages where a committee's or company's staff write, submit and
follow their reports (``/rapportering/``). Reporters are members of an organisation, not
Django staff."""
