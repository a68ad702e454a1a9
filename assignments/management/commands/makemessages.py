"""
Django's makemessages, which also finds the strings marked with ``N_`` (``gettext_noop``
imported under a short name, as the API's descriptions in ``assignments/api`` are): those
are English in the OpenAPI description and translated where they are shown, on the API's
documentation page.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
