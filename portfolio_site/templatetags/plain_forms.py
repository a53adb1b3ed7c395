"""`{{ form|plain_crispy }}` and `{{ field|plain_crispy_field }}`: an unbound form (or one of its fields) in the
markup crispy-forms' Bootstrap 5 pack gives it (`|crispy`, `|as_crispy_field`), built in Python.

crispy renders each field through several nested templates (about 1 ms a field): the enrolment page's five
small forms spent half of the page's time there. A form that has not been submitted has no errors to show,
so its markup is the same simple pattern every time: the field's wrapper, its label (with the asterisk of
a required field), the widget with crispy's classes, its help text (which the widget names in
`aria-describedby`), and radio buttons in a fieldset whose legend is the label. This filter writes that
pattern directly. A bound form (with its errors), or a field of a kind this filter does not know, goes to
crispy as before. tests/portfolio_site/test_plain_forms.py checks the output equals crispy's for the forms
that use it.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: The widgets written here, with the Bootstrap class crispy adds beside the widget's own lowercased class name.
_BOOTSTRAP_CLASS = {
    forms.TextInput: "form-control",
    forms.EmailInput: "form-control",
    forms.Textarea: "form-control",
    forms.Select: "form-select",
}


def _bootstrap_class(widget: forms.Widget) -> str | None:
    if isinstance(widget, forms.RadioSelect | forms.SelectMultiple):
        return None
    for kind, css in _BOOTSTRAP_CLASS.items():
        if isinstance(widget, kind):
            return css
    return None


def _widget_class(widget: forms.Widget) -> str:
    """The class crispy gives the widget: its own, then the widget's lowercased class name (unless the class
    holds it already), then Bootstrap's (unless there already)."""
    name = type(widget).__name__.lower()
    own = widget.attrs.get("class", "")
    css = (own if name in own else f"{own} {name}") if own else name
    bootstrap = _bootstrap_class(widget)
    return css if bootstrap in css.split() else f"{css} {bootstrap}"


def _known(field: BoundField) -> bool:
    widget = field.field.widget
    if field.is_hidden:
        return False
    if type(widget) is forms.RadioSelect:  # not its subclass CheckboxSelectMultiple
        return not field.help_text
    return _bootstrap_class(widget) is not None


def _label(field: BoundField, tag: str, attrs: SafeString) -> SafeString:
    required = field.field.required
    return format_html(
        '<{} {}class="form-label{}{}">{}{}</{}>',
        tag, attrs, " requiredField" if required else "", " fs-6" if tag == "legend" else "", field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "", tag,
    )


def _radios(field: BoundField) -> SafeString:
    required = mark_safe(" required") if field.field.required else ""
    buttons = format_html_join(
        " ",
        '<div class="form-check"> <input type="radio" class="form-check-input" name="{}" value="{}" id="{}"{}{}>'
        ' <label for="{}" class="form-check-label">{}</label> </div>',
        (
            (field.html_name, choice.data["value"], choice.id_for_label, required,
             mark_safe(" checked") if choice.data["selected"] else "", choice.id_for_label,
             choice.choice_label)
            for choice in field.subwidgets
        ),
    )
    return format_html('<fieldset> {} <div> {} </div> </fieldset>', _label(field, "legend", mark_safe("")), buttons)


def _field(field: BoundField) -> SafeString:
    widget = field.field.widget
    if type(widget) is forms.RadioSelect:
        inner = _radios(field)
    else:
        css = _widget_class(widget)
        help_text = (format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id,
                                 mark_safe(str(field.help_text)))  # unescaped, as crispy and Django write help text
                     if field.help_text else "")
        inner = format_html("{} {} {}", _label(field, "label", format_html('for="{}" ', field.id_for_label)),
                            field.as_widget(attrs={"class": css}), help_text)
    return format_html('<div id="div_{}" class="mb-3"> {} </div>', field.auto_id, inner)


@register.filter
def plain_crispy(form: forms.Form) -> SafeString:
    """The form's fields as `|crispy` writes them; a bound form, or an unfamiliar field, is left to crispy."""
    fields = list(form)
    if form.is_bound or not form.auto_id or not all(_known(field) for field in fields):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

        return as_crispy_form(form)
    return mark_safe(" ".join(_field(field) for field in fields))


@register.filter
def plain_crispy_field(field: BoundField) -> SafeString:
    """One field as `|as_crispy_field` writes it; a field of a bound form, or an unfamiliar one, is left to crispy."""
    if field.form.is_bound or not field.auto_id or not _known(field):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    return _field(field)
