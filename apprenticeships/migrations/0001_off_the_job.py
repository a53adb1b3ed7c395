# The models of off-the-job training, and the two English funding rules as data (RunPython at the end).

import datetime
from decimal import Decimal


import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


RULES = [
    {
        "code": "esfa-20-percent",
        "name": "20% of contracted hours (starts before 1 August 2022)",
        "description": (
            "ESFA Apprenticeship funding rules 2021 to 2022 (and earlier years from May 2017), off-the-job "
            "training: at least 20% of the apprentice's normal working hours over the planned duration, "
            "excluding statutory leave (5.6 weeks a year); the hours counted are capped at 30 a week. For "
            "apprenticeships that started before 1 August 2022."
        ),
        "in_force_from": datetime.date(2017, 5, 1),
        "in_force_to": datetime.date(2022, 7, 31),
        "kind": "percent_of_contracted",
        "weekly_hours": None,
        "percent": Decimal(20),
    },
    {
        "code": "esfa-6-hours",
        "name": "6 hours a week (starts from 1 August 2022)",
        "description": (
            "ESFA Apprenticeship funding rules 2022 to 2023 and the DfE Apprenticeship funding rules since, "
            "off-the-job training: a minimum of 6 hours a week for apprentices contracted for 30 hours a week or "
            "more, pro rata for fewer hours, over the planned duration excluding statutory leave (5.6 weeks a "
            "year). For apprenticeships starting on or after 1 August 2022."
        ),
        "in_force_from": datetime.date(2022, 8, 1),
        "in_force_to": None,
        "kind": "hours_per_week",
        "weekly_hours": Decimal(6),
        "percent": None,
    },
]


def load_rules(apps, schema_editor):
    rule = apps.get_model("apprenticeships", "OtjRule")
    for values in RULES:
        rule.objects.update_or_create(code=values["code"], defaults={
            **values, "full_time_hours": Decimal(30), "deduct_leave": True, "leave_weeks_per_year": Decimal("5.6")})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('candidates', '0005_enrolment_invitation_sent_at'),
        ('evidence', '0002_assessor_record_kinds'),
        ('units', '0003_qualification_edit_specs_permission'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OtjRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True)),
                ('name', models.CharField(max_length=120)),
                ('description', models.TextField(help_text='What the rule says and where it is published.')),
                ('in_force_from', models.DateField(help_text='For apprenticeships starting on or after this date.')),
                ('in_force_to', models.DateField(blank=True, help_text='For starts up to this date; empty: still in force.', null=True)),
                ('kind', models.CharField(choices=[('hours_per_week', 'Hours a week (pro rata below full time)'), ('percent_of_contracted', 'Percentage of contracted hours')], max_length=24)),
                ('weekly_hours', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('percent', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('full_time_hours', models.DecimalField(decimal_places=2, default=Decimal('30'), max_digits=5)),
                ('deduct_leave', models.BooleanField(default=True)),
                ('leave_weeks_per_year', models.DecimalField(decimal_places=2, default=Decimal('5.6'), max_digits=4)),
            ],
            options={
                'ordering': ['-in_force_from'],
            },
        ),
        migrations.CreateModel(
            name='OtjEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('minutes', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)])),
                ('activity', models.CharField(choices=[('taught', 'Taught session'), ('shadowing', 'Shadowing'), ('mentoring', 'Mentoring'), ('industry_visit', 'Industry visit'), ('online', 'Online learning'), ('writing', 'Writing assignments'), ('practical', 'Practical training'), ('other', 'Other')], max_length=16)),
                ('learned', models.TextField()),
                ('status', models.CharField(choices=[('recorded', 'Awaiting verification'), ('queried', 'Queried'), ('verified', 'Verified')], default='recorded', max_length=12)),
                ('query', models.TextField(blank=True)),
                ('recorded_at', models.DateTimeField()),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='otj_entries', to='candidates.enrolment')),
                ('evidence', models.ManyToManyField(blank=True, related_name='+', to='evidence.evidenceitem')),
                ('items', models.ManyToManyField(blank=True, related_name='+', to='units.assessableitem')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-date', '-pk'],
                'indexes': [models.Index(fields=['enrolment', 'status'], name='apprentices_enrolme_9f4d43_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('minutes__gt', 0)), name='otj_entry_minutes_positive')],
            },
        ),
        migrations.CreateModel(
            name='OtjPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contracted_hours', models.DecimalField(decimal_places=2, help_text='Contracted working hours a week.', max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))])),
                ('planned_start', models.DateField()),
                ('planned_end', models.DateField()),
                ('set_at', models.DateTimeField()),
                ('enrolment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='otj_plan', to='candidates.enrolment')),
                ('set_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='apprenticeships.otjrule')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('planned_end__gt', models.F('planned_start'))), name='otj_plan_end_after_start')],
            },
        ),
        migrations.RunPython(load_rules, migrations.RunPython.noop),
    ]
