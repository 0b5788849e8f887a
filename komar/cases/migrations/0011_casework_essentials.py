"""Casework essentials: a case number for every woman, her responsible worker and legal officer,
closing a case, and the copies the case list sorts on.

Existing women get case numbers in the order they were registered (the province of the
facility of her first custody episode, or her home province, the year she was registered),
and the copies of her latest admission date and of the eldest child inside with her. The woman's
table is rebuilt on SQLite, so the search triggers are reinstalled last (name_search_sql.py).
The numbers become unique and required in 0012, in a transaction of its own on PostgreSQL.
"""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

from komar.cases.name_search_sql import reinstall


def fill(apps, schema_editor):
    Mother = apps.get_model("cases", "Mother")
    CustodyEpisode = apps.get_model("cases", "CustodyEpisode")
    Child = apps.get_model("cases", "Child")
    Sequence = apps.get_model("cases", "CaseNumberSequence")
    first_province = {}
    for episode in CustodyEpisode.objects.order_by("-admission_date", "-pk").values(
        "mother_id", "facility__province__code"
    ):
        first_province[episode["mother_id"]] = episode["facility__province__code"]
    last = {}
    eldest = {}
    for child in Child.objects.filter(current_placement__kind="with_mother").values(
        "mother_id", "date_of_birth"
    ):
        known = eldest.get(child["mother_id"])
        if known is None or child["date_of_birth"] < known:
            eldest[child["mother_id"]] = child["date_of_birth"]
    rows = Mother.objects.order_by("created_at", "pk").values(
        "pk", "created_at", "province__code", "latest_episode__admission_date"
    )
    for row in rows.iterator(chunk_size=2000):
        prefix = (first_province.get(row["pk"]) or row["province__code"] or "KH").upper()
        key = (prefix, row["created_at"].year)
        last[key] = last.get(key, 0) + 1
        Mother.objects.filter(pk=row["pk"]).update(
            case_number=f"{prefix}-{key[1]}-{last[key]:04d}",
            admitted_on=row["latest_episode__admission_date"],
            eldest_inside_born_on=eldest.get(row["pk"]),
        )
    Sequence.objects.bulk_create(
        Sequence(prefix=prefix, year=year, last=n) for (prefix, year), n in last.items()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_organisation_facilities'),
        ('cases', '0010_access_follows_consent'),
        ('facilities', '0004_seed_food_allowance'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseNumberSequence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(max_length=8)),
                ('year', models.PositiveSmallIntegerField()),
                ('last', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='Closure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('reason', models.CharField(choices=[('settled', 'Released and her children settled'), ('transferred', 'Transferred to another organisation'), ('lost_contact', 'Lost contact'), ('died', 'She died'), ('other', 'Other')], max_length=20, verbose_name='why close her case')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('status', models.CharField(choices=[('pending', 'Waiting for a supervisor'), ('closed', 'Closed'), ('refused', 'Refused'), ('reopened', 'Reopened')], default='pending', max_length=10, verbose_name='status')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('decided_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('decision_note', models.TextField(blank=True, verbose_name="supervisor's note")),
                ('reopened_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('reopen_reason', models.TextField(blank=True, verbose_name='why reopen her case')),
            ],
            options={
                'verbose_name': 'case closure',
                'verbose_name_plural': 'case closures',
                'ordering': ['-requested_at'],
            },
        ),
        migrations.RemoveIndex(
            model_name='mother',
            name='mother_facility_list_idx',
        ),
        migrations.RemoveIndex(
            model_name='mother',
            name='mother_org_list_idx',
        ),
        migrations.AddField(
            model_name='mother',
            name='admitted_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='mother',
            name='assigned_legal_officer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='legal officer'),
        ),
        migrations.AddField(
            model_name='mother',
            name='assigned_worker',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='responsible social worker'),
        ),
        migrations.AddField(
            model_name='mother',
            name='case_number',
            field=models.CharField(editable=False, max_length=20, null=True, verbose_name='case number'),
        ),
        migrations.AddField(
            model_name='mother',
            name='eldest_inside_born_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='mother',
            name='is_closed',
            field=models.BooleanField(default=False, editable=False, verbose_name='case closed'),
        ),
        migrations.AddIndex(
            model_name='mother',
            index=models.Index(fields=['facility', 'name_latin', 'name_km', 'legal_status', 'children_inside', 'is_pregnant', 'is_closed', 'assigned_worker'], name='mother_facility_list_idx'),
        ),
        migrations.AddIndex(
            model_name='mother',
            index=models.Index(fields=['organisation', 'name_latin', 'name_km', 'legal_status', 'children_inside', 'is_pregnant', 'facility', 'is_closed', 'assigned_worker'], name='mother_org_list_idx'),
        ),
        migrations.AddIndex(
            model_name='mother',
            index=models.Index(fields=['assigned_worker', 'is_closed', 'name_latin', 'name_km'], name='mother_worker_idx'),
        ),
        migrations.AddConstraint(
            model_name='casenumbersequence',
            constraint=models.UniqueConstraint(fields=('prefix', 'year'), name='case_number_sequence_unique'),
        ),
        migrations.AddField(
            model_name='closure',
            name='decided_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='closure',
            name='mother',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='closures', to='cases.mother', verbose_name='woman'),
        ),
        migrations.AddField(
            model_name='closure',
            name='reopened_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='closure',
            name='requested_by',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='closure',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['requested_at'], name='closure_pending_idx'),
        ),
        migrations.AddConstraint(
            model_name='closure',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'closed'])), fields=('mother',), name='closure_one_open_per_mother'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='resolution',
            field=models.CharField(blank=True, choices=[('facts', 'No longer applies'), ('rule_changed', 'The rule changed'), ('rule_retired', 'The rule was retired'), ('case_closed', 'The case was closed')], max_length=20, verbose_name='why resolved'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # cases_mother was rebuilt on SQLite: reinstall the search triggers.
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
