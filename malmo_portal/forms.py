"""The portal's form renderer: every form and field is drawn by the templates in
``templates/forms/``, so accessible markup (labels, hints, linked errors) is written once.

And widgets that write Django's own widget markup in Python instead of a template (and an
include of ``attrs.html``) per input or option: for the long lists of the public filters and
the report form, where Django's widget templates took most of the page's time. Tests hold
each to the markup Django's templates give (tests/site/test_python_widgets.py)."""

import html

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
        # forms/field.html written in Python (field_html): the include cost more than its
        # markup, nine times on the report form. Tests hold the two to the same markup.
        if template_name == self.field_template_name and set(context) == {"field"}:
            return field_html(context["field"])
        return super().render(template_name, context, request)


def field_html(field) -> str:
    """One field as ``templates/forms/field.html`` draws it (``{{ field.as_field_group }}``):
    its label or legend, hint, errors and widget. The template says why each is so."""
    widget_type = field.widget_type
    label_for = field.id_for_label
    label = html_text(field.label) if field.label else ""
    required = (
        f' <span class="field__required">({html_text(gettext("required"))})</span>'
        if field.field.required
        else ""
    )
    use_fieldset = field.use_fieldset
    errors = field.errors
    classes = field.css_classes()
    parts = [
        '\n<div class="field'
        f"{' field--error' if errors else ''}"
        f"{' field--checkbox' if widget_type == 'checkbox' else ''}"
        f"{' ' + html_text(classes) if classes else ''}"
        '">\n'
    ]
    if use_fieldset:
        describedby = field.aria_describedby
        described = f' aria-describedby="{html_text(describedby)}"' if describedby else ""
        parts.append(f'<fieldset class="field__group"{described}>')
    parts.append("\n")
    if label and use_fieldset:
        parts.append(f'  <legend class="field__label">{label}{required}</legend>\n')
    elif label and widget_type != "checkbox":
        if label_for:
            heading = f'<label class="field__label" for="{html_text(label_for)}">{label}</label>'
        else:
            heading = f'<span class="field__label">{label}</span>'
        parts.append(f'  <div class="field__heading">{heading}{required}</div>\n')
    auto_id = field.auto_id
    if field.help_text:
        hint_id = f' id="{html_text(auto_id)}_helptext"' if auto_id else ""
        parts.append(f'  <div class="field__hint"{hint_id}>{field.help_text}</div>\n')
    if errors:
        error_id = f' id="{html_text(auto_id)}_error"' if auto_id else ""
        said = html_text(gettext("Error:"))
        items = "".join(
            f'<li><span class="visually-hidden">{said} </span>{html_text(error)}</li>'
            for error in errors
        )
        parts.append(f'  <ul class="errorlist field__errors"{error_id}>\n    {items}\n  </ul>\n')
    if widget_type == "checkbox":
        parts.append(f'  <div class="field__choice">\n    {field}\n')
        if label:
            parts.append(
                f'    <span><label class="field__label" for="{html_text(label_for)}">{label}'
                f"</label>{required}</span>\n"
            )
        parts.append("  </div>\n")
    else:
        parts.append(f"  {field}\n")
    if use_fieldset:
        parts.append("</fieldset>")
    parts.append("\n</div>\n")
    return mark_safe("".join(parts))


def html_text(value) -> str:
    """``value`` as HTML: what Django's ``conditional_escape`` gives (safe strings as they
    are, anything else escaped), without its handling of lazy strings, which costs more than
    the escaping for the hundreds of short values of a long list of choices."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def widget_attrs(attrs: dict) -> str:
    """
    A widget's attributes as Django's ``django/forms/widgets/attrs.html`` writes them: in
    their order, each value escaped, a True value as the bare name and a False one left out.
    """
    return "".join(
        f" {html_text(name)}" if value is True else f' {html_text(name)}="{html_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """
    Django's select widget, written in Python instead of a template include per option: the
    same markup, several times faster for the long filter lists of the public pages
    (organisations, council goals). Options carry no attributes of their own here.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        return mark_safe("\n".join(parts))


def input_html(widget: dict) -> str:
    """An input as ``django/forms/widgets/input.html`` writes it, from a widget's context."""
    value = widget["value"]
    value_attr = "" if value is None else f' value="{html_text(value)}"'
    return (
        f'<input type="{html_text(widget["type"])}" name="{html_text(widget["name"])}"'
        f"{value_attr}{widget_attrs(widget['attrs'])}>"
    )


class TextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(input_html(self.get_context(name, value, attrs)["widget"]))


class NumberInput(forms.NumberInput):
    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(input_html(self.get_context(name, value, attrs)["widget"]))


class HiddenInput(forms.HiddenInput):
    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(input_html(self.get_context(name, value, attrs)["widget"]))


class Textarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = html_text(widget["value"]) if widget["value"] else ""
        return mark_safe(
            f'<textarea name="{html_text(widget["name"])}"{widget_attrs(widget["attrs"])}>\n'
            f"{text}</textarea>"
        )


class RadioSelect(forms.RadioSelect):
    """Django's radio buttons (``multiple_input.html`` and ``input_option.html``)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        widget_id, css_class = widget["attrs"].get("id"), widget["attrs"].get("class")
        parts = [
            "<div",
            f' id="{html_text(widget_id)}"' if widget_id else "",
            f' class="{html_text(css_class)}"' if css_class else "",
            ">",
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{html_text(group)}</label>")
            for option in options:
                option_id = option["attrs"].get("id")
                if option["wrap_label"]:
                    label_for = f' for="{html_text(option_id)}"' if option_id else ""
                    parts.append(
                        f"<div>\n    <label{label_for}>{input_html(option)} "
                        f"{html_text(option['label'])}</label></div>"
                    )
                else:
                    parts.append(f"<div>\n    {input_html(option)}</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))


class ClearableFileInput(forms.ClearableFileInput):
    """Django's file input: in Python when there is no file yet (a new upload); with one, the
    clear box and the link to it from Django's template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if widget["is_initial"]:
            return super().render(name, value, attrs, renderer)
        return mark_safe(
            f'<input type="{html_text(widget["type"])}" name="{html_text(widget["name"])}"'
            f"{widget_attrs(widget['attrs'])}>"
        )
