"""The portal's form renderer: every form and field is drawn by the templates in
``templates/forms/``, so accessible markup (labels, hints, linked errors) is written once."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
