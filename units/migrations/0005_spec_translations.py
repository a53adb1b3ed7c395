"""Spec content in several languages: a column a language for each translated field (units/translation.py).

The English already loaded is copied into the English columns (`title` to `title_en_gb`), which is where
the site now reads it from.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import F

#: The translated fields by model, as units/translation.py registers them when this migration was written.
_TRANSLATED = {
    "qualification": ("title", "description"),
    "group": ("title", "description"),
    "unit": ("title", "description"),
    "outcome": ("title", "description"),
    "criterion": ("text",),
    "assessableitem": ("text",),
    "rule": ("message",),
}


def copy_english(apps: Any, schema_editor: Any) -> None:
    for model_name, fields in _TRANSLATED.items():
        model = apps.get_model("units", model_name)
        model.objects.update(**{f"{field}_en_gb": F(field) for field in fields})


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0004_standard_duties_gateway_requirements'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessableitem',
            name='text_cy',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='assessableitem',
            name='text_en_gb',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='assessableitem',
            name='text_pl',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='assessableitem',
            name='text_tr',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='criterion',
            name='text_cy',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='criterion',
            name='text_en_gb',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='criterion',
            name='text_pl',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='criterion',
            name='text_tr',
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='description_cy',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='description_en_gb',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='description_pl',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='description_tr',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='title_cy',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='title_en_gb',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='title_pl',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='group',
            name='title_tr',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='description_cy',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='description_en_gb',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='description_pl',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='description_tr',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='title_cy',
            field=models.CharField(max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='title_en_gb',
            field=models.CharField(max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='title_pl',
            field=models.CharField(max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='outcome',
            name='title_tr',
            field=models.CharField(max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='description_cy',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='description_en_gb',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='description_pl',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='description_tr',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='title_cy',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='title_en_gb',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='title_pl',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='qualification',
            name='title_tr',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='rule',
            name='message_cy',
            field=models.CharField(help_text='The rule in plain English.', max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='rule',
            name='message_en_gb',
            field=models.CharField(help_text='The rule in plain English.', max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='rule',
            name='message_pl',
            field=models.CharField(help_text='The rule in plain English.', max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='rule',
            name='message_tr',
            field=models.CharField(help_text='The rule in plain English.', max_length=500, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='description_cy',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='description_en_gb',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='description_pl',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='description_tr',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='title_cy',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='title_en_gb',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='title_pl',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='unit',
            name='title_tr',
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.RunPython(copy_english, migrations.RunPython.noop),
    ]
